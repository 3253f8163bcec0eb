"""The flow network on hand-worked cases: exact integration, thresholds met at the right instant.

A small chain: the fields offer 1,000 t/h and nominate 100 t/h to Aktau, the feeder
carries up to 100 t/h, the Russian route 2,000 t/h unless an outage is scripted;
the BTC allowance is 50 t/h with 200 t of carry-over and the physical intake
100 t/h. Every threshold (tanks full or dry, a cargo gathered, room for a cargo,
storage full, the bank caught up) must be met at its exact hour, with no
periodic wake-up in between.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

import numpy as np
import pytest
import simpy

from sim.model.btc import BtcIntake
from sim.model.diversion import DiversionPolicy
from sim.model.flows import BtcFlows, FeederFlows
from sim.model.outages import DisruptedCapacity, OutageProcess
from sim.model.storage import Lot, TankFarm
from sim.model.supply import SupplyNetwork
from sim.scenario.routes import Diversion
from sim.scenario.schema import Disruption, Supply
from sim.units import HOURS_PER_YEAR, TONNES_PER_MT

NO_STOPS = Disruption(probability=0.0)


def mt_per_year(t_per_hour: float) -> float:
    return t_per_hour * HOURS_PER_YEAR / TONNES_PER_MT


@dataclass
class Chain:
    env: simpy.Environment
    supply: SupplyNetwork
    russian: DisruptedCapacity
    aktau: TankFarm
    baku: TankFarm
    btc: BtcIntake
    feeder: FeederFlows
    btc_flows: BtcFlows

    def script(self, outage: OutageProcess, *changes: tuple[float, float]) -> None:
        """Set ``outage``'s factor at the given hours: (hour, factor)."""
        def run() -> Generator[simpy.Event, None, None]:
            for hour, factor in changes:
                yield self.env.timeout(hour - self.env.now)
                outage._set(factor, down=factor < 1.0)
        self.env.process(run())

    def run(self, until: float) -> None:
        self.env.run(until=until)
        self.feeder.flush(until)
        self.btc_flows.flush(until)


def chain(*, russian_t_per_hour: float = 2_000.0, upstream_t: float = 0.0,
          aktau: tuple[float, float] = (10_000.0, 0.0), baku: tuple[float, float] = (10_000.0, 0.0),
          physical_t_per_hour: float = 100.0) -> Chain:
    """The small chain; ``aktau`` and ``baku`` are (capacity, initial level) in tonnes."""
    env = simpy.Environment()
    rng = np.random.default_rng(0)
    supply = SupplyNetwork(Supply(export_mt_per_year=mt_per_year(1_000.0),
                                  transcaspian_nomination_mt_per_year=mt_per_year(100.0),
                                  upstream_storage_t=upstream_t), 100.0 * 24)
    russian = DisruptedCapacity(env, russian_t_per_hour, [(NO_STOPS, rng)])
    diversion = DiversionPolicy(env, Diversion(enabled=False), russian.outages[0])
    aktau_tanks = TankFarm(env, "aktau", aktau[0], aktau[1], full_margin_t=0.0)
    baku_tanks = TankFarm(env, "baku", baku[0], baku[1], full_margin_t=0.0)
    btc = BtcIntake(DisruptedCapacity(env, physical_t_per_hour, [(NO_STOPS, rng)]), 50.0, 200.0)
    return Chain(env, supply, russian, aktau_tanks, baku_tanks, btc,
                 FeederFlows(env, supply, russian, diversion, aktau_tanks),
                 BtcFlows(env, btc, baku_tanks))


def test_the_feeder_fills_the_aktau_tanks_and_stops_the_instant_they_are_full():
    c = chain(aktau=(1_000.0, 0.0))
    c.run(until=15.0)
    assert c.aktau.physical_t == pytest.approx(1_000.0)
    totals = c.supply.totals
    assert totals.feeder_t == pytest.approx(1_000.0)
    assert totals.russian_t == pytest.approx(900.0 * 15 + 100.0 * 5)  # nomination goes back
    assert c.supply.feeder_short_hours == pytest.approx(5.0)
    assert c.aktau.measure(15.0).mean_t == pytest.approx((500.0 * 10 + 1_000.0 * 5) / 15)


def test_nothing_is_scheduled_while_nothing_changes():
    c = chain(aktau=(1_000.0, 0.0))
    c.run(until=15.0)  # the tanks are full: no rate will change again
    steps = 0
    step = c.env.step

    def counted_step() -> None:
        nonlocal steps
        steps += 1
        step()

    c.env.step = counted_step  # type: ignore[method-assign]
    c.env.run(until=HOURS_PER_YEAR)
    assert steps <= 2  # the end-of-run markers only: no periodic tick


def test_a_claim_is_served_the_instant_the_whole_cargo_is_in_the_tanks():
    c = chain()
    served: list[float] = []

    def tanker() -> Generator[simpy.Event, None, None]:
        yield c.aktau.claim_cargo(250.0)
        served.append(c.env.now)

    c.env.process(tanker())
    c.run(until=10.0)
    assert served == [pytest.approx(2.5)]


def test_the_btc_drains_the_baku_tanks_at_the_allowance_and_stops_when_they_run_dry():
    c = chain(baku=(10_000.0, 500.0))
    c.run(until=12.0)
    assert c.btc.injected_t == pytest.approx(500.0)
    assert c.baku.physical_t == pytest.approx(0.0, abs=1e-6)
    assert c.baku.measure(12.0).mean_t == pytest.approx(250.0 * 10 / 12)


def test_a_cargo_waiting_for_room_enters_the_instant_the_btc_has_made_it():
    c = chain(baku=(1_000.0, 900.0))
    entered: list[float] = []

    def tanker() -> Generator[simpy.Event, None, None]:
        yield c.baku.receive_cargo(Lot(300.0), lambda: entered.append(c.env.now))

    c.env.process(tanker())
    c.run(until=10.0)
    assert entered == [pytest.approx(4.0)]  # 200 t drained at 50 t/h
    assert c.baku.physical_t == pytest.approx(1_000.0 - 6 * 50.0)


def test_allowance_lost_to_a_btc_stop_is_caught_up_at_the_full_intake_then_the_rate_returns():
    c = chain(baku=(10_000.0, 5_000.0))
    c.script(c.btc.intake.outages[0], (0.0, 0.0), (2.0, 1.0))  # stopped for 2 h: 100 t banked
    c.run(until=6.0)
    # 0-2 h nothing; 2-4 h catching up at 100 t/h (the bank empties at 4 h); 4-6 h 50 t/h.
    assert c.btc.injected_t == pytest.approx(300.0)
    assert c.btc.banked_allowance_t == pytest.approx(0.0)


def test_upstream_storage_fills_while_the_russian_route_is_cut_then_production_is_shut_in():
    c = chain(russian_t_per_hour=900.0, upstream_t=900.0)
    c.script(c.russian.outages[0], (0.0, 0.5))  # 450 t/h of the Russian share has nowhere to go
    c.run(until=5.0)
    assert c.supply.upstream_t == pytest.approx(900.0)
    assert c.supply.totals.shut_in_t == pytest.approx(450.0 * 3)  # storage full at 2 h


def test_the_mass_balance_closes_to_the_tonne_through_every_kind_of_change():
    c = chain(russian_t_per_hour=900.0, upstream_t=900.0, aktau=(1_000.0, 0.0),
              baku=(1_000.0, 900.0))
    c.script(c.russian.outages[0], (1.0, 0.3), (7.0, 1.0))
    c.script(c.btc.intake.outages[0], (3.0, 0.0), (5.0, 1.0))

    def tanker() -> Generator[simpy.Event, None, None]:
        for _ in range(3):
            lot = yield c.aktau.claim_cargo(300.0)
            yield c.env.timeout(1.5)
            c.aktau.release_claim(lot)
            yield c.baku.receive_cargo(lot, lambda: None)

    c.env.process(tanker())
    c.run(until=30.0)
    t = c.supply.totals
    stored = c.aktau.physical_t + c.baku.physical_t + c.supply.upstream_t
    assert t.produced_t + 900.0 == pytest.approx(t.russian_t + t.shut_in_t + c.btc.injected_t
                                                 + stored, abs=1e-6)
