"""The BTC intake on hand-worked batches: allowance, carry-over, physical limit, opening stock."""

from __future__ import annotations

import numpy as np
import simpy

from sim.model.btc import BtcIntake
from sim.model.outages import DisruptedCapacity
from sim.model.storage import TankFarm
from sim.scenario.schema import Disruption


class Intake(BtcIntake):
    """The intake with its own clock: ``step(h)`` first lets ``h`` hours pass."""

    def step(self, hours: float) -> None:
        env = self.baku_tanks.env
        env.run(until=env.now + hours)
        super().step(hours)


def intake(stock_t: float, *, allowance_t_per_hour: float = 50.0,
           physical_t_per_hour: float = 100.0, carryover_t: float = 200.0,
           opening_stock_t: float = 0.0) -> tuple[BtcIntake, TankFarm]:
    """An intake of 100 t/h physical, 50 t/h allowance, 200 t carry-over, over ``stock_t``."""
    env = simpy.Environment()
    tanks = TankFarm(env, "baku tanks", 10_000.0, stock_t, 0.0)
    no_stops = Disruption(probability=0.0)
    physical = DisruptedCapacity(env, physical_t_per_hour,
                                 [(no_stops, np.random.default_rng(0))])
    return Intake(physical, allowance_t_per_hour, carryover_t, tanks, opening_stock_t), tanks


def test_the_allowance_limits_what_is_injected():
    btc, tanks = intake(1_000.0)
    btc.step(1.0)
    assert (btc.injected_t, tanks.physical_t) == (50.0, 950.0)


def test_allowance_unused_while_the_tanks_are_empty_is_carried_over_up_to_its_cap():
    btc, tanks = intake(0.0)
    btc.step(2.0)
    assert btc.unused_allowance_t == 100.0
    btc.step(10.0)
    assert btc.unused_allowance_t == 200.0  # capped at carryover_t


def test_carried_over_allowance_is_caught_up_at_the_physical_intake_rate():
    btc, tanks = intake(0.0)
    btc.step(2.0)  # 100 t carried over
    tanks.add(1_000.0)
    btc.step(1.0)  # allowance 100 + 50, physical limit 100
    assert btc.injected_t == 100.0
    assert btc.unused_allowance_t == 50.0


def test_the_opening_stock_is_injected_first_and_not_counted_as_trans_caspian():
    btc, _ = intake(1_000.0, opening_stock_t=80.0)
    btc.step(1.0)
    assert (btc.injected_t, btc.transcaspian_t) == (50.0, 0.0)
    btc.step(1.0)
    assert (btc.injected_t, btc.transcaspian_t) == (100.0, 20.0)


def test_measure_reports_injections_and_accrued_allowance_since_reset():
    btc, _ = intake(1_000.0)
    btc.step(1.0)
    btc.reset(1.0)
    btc.step(3.0)
    stats = btc.measure(4.0)
    assert (stats.injected_t, stats.transcaspian_t, stats.allowed_t) == (150.0, 150.0, 150.0)
    assert stats.outage.disrupted_hours == 0.0
