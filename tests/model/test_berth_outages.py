"""Berth outages: the long-run share out of service follows the scenario's rates and lengths."""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from sim.model.berth_outages import start_berth_outages
from sim.model.berths import BerthGroup
from sim.scenario.ports import BerthOutages
from sim.units import HOURS_PER_YEAR


def test_idle_berths_are_out_of_service_for_the_expected_share_of_time():
    params = BerthOutages(maintenance_per_year=4.0, maintenance_days=7.0,
                          breakdowns_per_year=6.0, breakdown_days=2.0)
    env = simpy.Environment()
    berths = BerthGroup(env, "test", berths=2)
    start_berth_outages(env, berths, params, [np.random.default_rng(k) for k in range(4)])
    env.run(until=200 * HOURS_PER_YEAR)
    # (4 x 7 + 6 x 2) days out per 365 days up: 40 / 405 of the time, per berth
    assert berths.measure(env.now).out_of_service_share == pytest.approx(
        params.out_of_service_share, rel=0.05)
    assert berths.measure(env.now).occupancy == 0.0


def test_no_outages_means_no_processes():
    env = simpy.Environment()
    berths = BerthGroup(env, "test", berths=3)
    start_berth_outages(env, berths, BerthOutages(maintenance_per_year=0.0,
                                                  breakdowns_per_year=0.0), [])
    env.run(until=HOURS_PER_YEAR)
    assert berths.measure(env.now).out_of_service_share == 0.0
