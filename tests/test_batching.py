"""Pipeline flows move in batches; the batch interval must not change the answer."""

from __future__ import annotations

import pytest

from sim.scenario.loader import load_scenario
from sim.study import run_replications

VOLUMES = ["transcaspian_mt_per_year", "russian_route_mt_per_year", "diverted_to_aktau_mt_per_year",
           "shut_in_mt_per_year", "aktau_intake_mt_per_year"]


def test_halving_the_batch_interval_changes_annual_volumes_by_less_than_half_a_percent():
    base = load_scenario("scenarios/base.toml").scenario
    interval = base.run.batch_interval_hours
    halved = load_scenario("scenarios/base.toml",
                           [f"run.batch_interval_hours={interval / 2}"]).scenario

    coarse = run_replications(base, replications=20, jobs=1)[VOLUMES].mean()
    fine = run_replications(halved, replications=20, jobs=1)[VOLUMES].mean()

    for volume in VOLUMES:
        assert coarse[volume] > 0, volume  # every flow is exercised by the base scenario
        assert coarse[volume] == pytest.approx(fine[volume], rel=0.005), volume
