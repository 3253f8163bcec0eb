"""A tanker's state split on scripted voyages: every hour booked to exactly one state.

One tanker of 1,000 t; 100 nm at 10 kn each way (10 h, no sea margin); loading
1 h berthing + 1,000 t at 500 t/h (3 h); discharge 1 h + 1,000 t at 1,000 t/h
(2 h). No weather, no maintenance. A round trip is 25 h.
"""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from sim.model.berths import BerthGroup
from sim.model.port import Port
from sim.model.storage import TankFarm
from sim.model.tanker import Tanker, TankerState
from sim.model.throughput import PortThroughput
from sim.model.weather import WeatherGate
from sim.scenario.schema import Fleet, Weather

FLEET = Fleet(tankers=1, cargo_t=1_000.0, speed_knots=10.0, crossing_distance_nm=100.0,
              sea_margin_fraction=0.0, maintenance_days_per_year=0.0)


def port(env: simpy.Environment, name: str, stock_t: float, capacity_t: float,
         pump_t_per_hour: float) -> Port:
    calm = WeatherGate(env, Weather(enabled=False), np.random.default_rng(0))
    return Port(name, BerthGroup(env, f"{name} berths", 1),
                TankFarm(env, f"{name} tanks", capacity_t, stock_t, 0.0), calm, 1.0,
                pump_t_per_hour)


def voyage(baku_stock_t: float, baku_capacity_t: float
           ) -> tuple[simpy.Environment, Tanker, Port, Port]:
    env = simpy.Environment()
    aktau = port(env, "aktau", 1_000.0, 5_000.0, 500.0)
    baku = port(env, "baku", baku_stock_t, baku_capacity_t, 1_000.0)
    tanker = Tanker(env, 0, FLEET, aktau, baku, np.random.default_rng(0), 0.0)
    return env, tanker, aktau, baku


def split(tanker: Tanker, now: float) -> dict[str, float]:
    stats = tanker.measure(now)
    return {state.label: hours for state, hours in zip(TankerState, stats.hours_by_state,
                                                       strict=True) if hours}


def test_one_round_trip_then_waiting_for_the_next_cargo():
    env, tanker, aktau, baku = voyage(baku_stock_t=0.0, baku_capacity_t=5_000.0)
    env.run(until=30.0)
    assert split(tanker, env.now) == pytest.approx(
        {"loading": 3.0, "sailing": 20.0, "unloading": 2.0, "waiting_cargo": 5.0})
    assert tanker.measure(env.now).voyages == 1
    assert (tanker.on_board.tonnes, baku.tanks.physical_t, aktau.tanks.physical_t) == (0, 1_000, 0)


def test_a_full_receiving_tank_farm_holds_the_tanker_at_its_berth():
    env, tanker, _, baku = voyage(baku_stock_t=1_000.0, baku_capacity_t=1_500.0)

    def btc_drains_600_t_between_hours_14_and_20():  # the flow network's job, by hand
        yield env.timeout(14.0)
        baku.tanks.settle(env.now)
        baku.tanks.set_flows(env.now, 0.0, 0.0, 100.0)
        yield env.timeout(6.0)
        baku.tanks.settle(env.now)
        baku.tanks.set_flows(env.now, 0.0, 0.0, 0.0)
        baku.tanks.serve()

    env.process(btc_drains_600_t_between_hours_14_and_20())
    env.run(until=35.0)  # arrives at 13 h, room at 20 h, discharges to 22 h, back at 32 h
    assert split(tanker, env.now) == pytest.approx(
        {"loading": 3.0, "sailing": 20.0, "waiting_tank_room": 7.0, "unloading": 2.0,
         "waiting_cargo": 3.0})
    assert baku.berths.measure(env.now).occupancy == pytest.approx(9.0 / 35.0)


def test_a_tanker_waits_for_the_ports_shared_oil_capacity_before_it_takes_a_berth():
    env, tanker, aktau, _ = voyage(baku_stock_t=0.0, baku_capacity_t=5_000.0)
    aktau.throughput = PortThroughput(env, rate_t_per_hour=100.0, burst_t=1_000.0)
    aktau.throughput.take(600.0)  # other crude took 600 t: 400 t left, 600 t more in 6 h
    env.run(until=12.0)
    assert split(tanker, env.now) == pytest.approx(
        {"waiting_port_capacity": 6.0, "loading": 3.0, "sailing": 3.0})


def test_a_second_tanker_waits_for_the_berth_and_books_it_as_waiting_berth():
    env = simpy.Environment()
    aktau = port(env, "aktau", 2_000.0, 5_000.0, 500.0)
    baku = port(env, "baku", 0.0, 5_000.0, 1_000.0)
    first = Tanker(env, 0, FLEET, aktau, baku, np.random.default_rng(0), 0.0)
    second = Tanker(env, 1, FLEET, aktau, baku, np.random.default_rng(1), 0.0)
    env.run(until=6.0)
    assert split(first, env.now) == pytest.approx({"loading": 3.0, "sailing": 3.0})
    assert split(second, env.now) == pytest.approx({"waiting_berth": 3.0, "loading": 3.0})
