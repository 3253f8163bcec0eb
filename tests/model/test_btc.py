"""The BTC intake's rules on hand-worked rates: allowance, banked BTC-side losses, old stock.

The intake here has 50 t/h of allowance and 200 t of carry-over; the physical
intake is 100 t/h unless said. :mod:`tests.model.test_flows` runs the same rules
through the flow network, against a tank farm that drains and runs dry.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import simpy

from sim.model.btc import BtcIntake
from sim.model.outages import DisruptedCapacity
from sim.model.storage import Lot
from sim.scenario.schema import Disruption


def intake(physical_t_per_hour: float = 100.0) -> BtcIntake:
    env = simpy.Environment()
    no_stops = Disruption(probability=0.0)
    physical = DisruptedCapacity(env, physical_t_per_hour, [(no_stops, np.random.default_rng(0))])
    return BtcIntake(physical, 50.0, 200.0)


def test_the_allowance_limits_the_rate_while_nothing_is_banked():
    btc = intake()
    assert btc.rate(stock_available=True) == 50.0
    btc.advance(1.0, 50.0, True, Lot(50.0))
    assert (btc.injected_t, btc.banked_allowance_t) == (50.0, 0.0)


def test_nothing_is_injected_from_empty_tanks_and_the_allowance_is_lost_with_the_bank():
    btc = intake()
    btc.banked_allowance_t = 80.0
    assert btc.rate(stock_available=False) == 0.0
    btc.advance(2.0, 0.0, False, Lot(0.0))
    assert btc.banked_allowance_t == 0.0


def test_allowance_lost_to_the_btc_side_is_banked_and_caught_up_at_the_intake_rate():
    btc = intake(physical_t_per_hour=20.0)
    assert btc.rate(True) == 20.0
    btc.advance(2.0, 20.0, True, Lot(40.0))  # 100 t allowed, 40 t taken: 60 t banked
    assert btc.banked_allowance_t == 60.0
    btc.intake.nominal_t_per_hour = 100.0  # the stop is over
    assert btc.rate(True) == 100.0  # catching up at the full intake
    assert btc.hours_to_threshold(100.0) == pytest.approx(60.0 / 50.0)
    btc.advance(1.2, 100.0, True, Lot(120.0))
    assert btc.banked_allowance_t == pytest.approx(0.0)
    assert btc.rate(True) == 50.0


def test_the_bank_is_capped_and_emptied_when_the_measured_period_starts():
    btc = intake(physical_t_per_hour=0.0)
    assert btc.hours_to_threshold(btc.rate(True)) == math.inf
    btc.advance(10.0, 0.0, True, Lot(0.0))
    assert btc.banked_allowance_t == 200.0
    btc.reset(10.0)
    assert btc.banked_allowance_t == 0.0


def test_opening_stock_is_not_trans_caspian_and_diverted_crude_is_the_surge():
    btc = intake()
    btc.advance(2.0, 50.0, True, Lot(100.0, diverted_t=25.0, opening_t=40.0))
    assert (btc.injected_t, btc.transcaspian_t, btc.surge_t) == (100.0, 60.0, 25.0)


def test_measure_reports_injections_and_accrued_allowance_since_reset():
    btc = intake()
    btc.advance(1.0, 50.0, True, Lot(50.0))
    btc.reset(1.0)
    btc.advance(3.0, 50.0, True, Lot(150.0))
    stats = btc.measure(4.0)
    assert (stats.injected_t, stats.transcaspian_t, stats.allowed_t) == (150.0, 150.0, 150.0)
    assert stats.outage.disrupted_hours == 0.0
