"""Same scenario + same seed = identical numbers, serially or on a process pool."""

from __future__ import annotations

import pandas as pd

from sim.scenario.loader import load_scenario
from sim.study import run_replications


def test_same_seed_gives_identical_tables_serial_and_parallel():
    sc = load_scenario("scenarios/base.toml").scenario
    serial = run_replications(sc, replications=6, jobs=1)
    again = run_replications(sc, replications=6, jobs=1)
    parallel = run_replications(sc, replications=6, jobs=2)
    pd.testing.assert_frame_equal(serial, again)
    pd.testing.assert_frame_equal(serial, parallel)


def test_a_different_seed_gives_different_numbers():
    sc = load_scenario("scenarios/base.toml").scenario
    a = run_replications(sc, replications=3, seed=1, jobs=1)
    b = run_replications(sc, replications=3, seed=2, jobs=1)
    assert not a["transcaspian_mt_per_year"].equals(b["transcaspian_mt_per_year"])


def test_a_replication_does_not_depend_on_how_many_run_beside_it():
    sc = load_scenario("scenarios/base.toml").scenario
    few = run_replications(sc, replications=2, jobs=1)
    many = run_replications(sc, replications=5, jobs=1)
    pd.testing.assert_frame_equal(few, many.iloc[:2])


def test_common_random_numbers_keep_weather_identical_across_fleet_sizes():
    """Changing the fleet does not reshuffle other sources' streams (CRN in sweeps)."""
    a = load_scenario("scenarios/base.toml", ["fleet.tankers=6"]).scenario
    b = load_scenario("scenarios/base.toml", ["fleet.tankers=9"]).scenario
    ra = run_replications(a, replications=3, jobs=1)
    rb = run_replications(b, replications=3, jobs=1)
    for column in ["aktau_weather_closed_days_per_year", "russian_disrupted_days_per_year",
                   "btc_disrupted_days_per_year"]:
        pd.testing.assert_series_equal(ra[column], rb[column])
