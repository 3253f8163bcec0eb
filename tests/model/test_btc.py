"""The BTC intake on hand-worked batches: allowance, banking of BTC-side losses, opening stock."""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from sim.model.btc import BtcIntake
from sim.model.outages import DisruptedCapacity
from sim.model.storage import Lot, TankFarm
from sim.scenario.schema import Disruption


class Intake(BtcIntake):
    """The intake with its own clock: ``step(h)`` first lets ``h`` hours pass."""

    def step(self, hours: float) -> None:
        env = self.baku_tanks.env
        env.run(until=env.now + hours)
        super().step(hours)


def intake(stock_t: float, *, physical_t_per_hour: float = 100.0, opening_t: float = 0.0
           ) -> tuple[Intake, TankFarm]:
    """50 t/h of allowance, 200 t of carry-over, over ``stock_t`` (``opening_t`` of it old)."""
    env = simpy.Environment()
    tanks = TankFarm(env, "baku tanks", 10_000.0, stock_t - opening_t, 0.0)
    tanks.add(Lot(opening_t, opening_t=opening_t))
    no_stops = Disruption(probability=0.0)
    physical = DisruptedCapacity(env, physical_t_per_hour, [(no_stops, np.random.default_rng(0))])
    return Intake(physical, 50.0, 200.0, tanks), tanks


def test_the_allowance_limits_what_is_injected():
    btc, tanks = intake(1_000.0)
    btc.step(1.0)
    assert (btc.injected_t, tanks.physical_t) == (50.0, 950.0)
    assert btc.banked_allowance_t == 0.0


def test_allowance_unused_because_the_tanks_ran_dry_is_lost():
    btc, tanks = intake(30.0)
    btc.step(2.0)  # 100 t allowed, 30 t there
    assert btc.injected_t == 30.0
    assert btc.banked_allowance_t == 0.0
    tanks.add(Lot(1_000.0))
    btc.step(1.0)
    assert btc.injected_t == 80.0  # no catching up


def test_allowance_lost_to_the_btc_side_is_banked_and_caught_up_at_the_intake_rate():
    btc, tanks = intake(5_000.0, physical_t_per_hour=20.0)
    btc.step(2.0)  # 100 t allowed and there, only 40 t taken: 60 t banked
    assert (btc.injected_t, btc.banked_allowance_t) == (40.0, 60.0)
    btc.intake.nominal_t_per_hour = 100.0  # the stop is over
    btc.step(1.0)  # 60 + 50 allowed, 100 t/h physical
    assert (btc.injected_t, btc.banked_allowance_t) == (140.0, 10.0)


def test_the_bank_is_capped_and_emptied_when_the_measured_period_starts():
    btc, _ = intake(5_000.0, physical_t_per_hour=0.0)
    btc.step(10.0)
    assert btc.banked_allowance_t == 200.0
    btc.reset(10.0)
    assert btc.banked_allowance_t == 0.0


def test_opening_stock_is_injected_in_proportion_and_not_counted_as_trans_caspian():
    btc, _ = intake(1_000.0, opening_t=250.0)
    btc.step(1.0)
    assert (btc.injected_t, btc.transcaspian_t) == pytest.approx((50.0, 37.5))


def test_diverted_crude_injected_is_the_surge():
    btc, tanks = intake(0.0)
    tanks.add(Lot(400.0, diverted_t=100.0))
    btc.step(2.0)
    assert (btc.injected_t, btc.surge_t) == pytest.approx((100.0, 25.0))


def test_measure_reports_injections_and_accrued_allowance_since_reset():
    btc, _ = intake(1_000.0)
    btc.step(1.0)
    btc.reset(1.0)
    btc.step(3.0)
    stats = btc.measure(4.0)
    assert (stats.injected_t, stats.transcaspian_t, stats.allowed_t) == (150.0, 150.0, 150.0)
    assert stats.outage.disrupted_hours == 0.0
