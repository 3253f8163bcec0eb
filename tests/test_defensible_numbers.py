"""The numbers a planner defends: shared port capacity, honest reach, surge (not displacement).

Each test is one statement of the specification (issue "Numbers a planner can defend").
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.scenario.loader import load_scenario
from sim.study import run_replications

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "scenarios" / "base.toml"
#: A chain that can carry more than 6.5 Mt/yr: 10 x 12 kt tankers, berths 9-10, 3 Baku berths.
ROOMY = ["fleet.tankers=10", "fleet.cargo_t=9600", "aktau.berths=5",
         "aktau.oil_capacity_mt_per_year=12.5", "baku.berths=3"]


def volumes(changes: list[str], replications: int) -> np.ndarray:
    scenario = load_scenario(BASE, [*changes, "run.compare_without_diversion=false"]).scenario
    return run_replications(scenario, replications=replications, jobs=1)


def reach_6_5(changes: list[str], warmup: int) -> np.ndarray:
    frame = volumes([*changes, f"run.warmup_days={warmup}"], replications=30)
    assert frame["transcaspian_mt_per_year"].max() <= 6.5 + 1e-6  # no allowance carried in
    return frame["reaches_6_5"].to_numpy()


def test_p_reach_6_5_of_the_expanded_fleet_does_not_depend_on_the_warm_up():
    expanded = ["fleet.tankers=10", "fleet.cargo_t=9600"]
    reach = {warmup: reach_6_5(expanded, warmup) for warmup in (0, 30, 365)}
    assert {float(r.mean()) for r in reach.values()} == {0.0}  # Aktau's shared cap binds


def test_no_year_exceeds_its_allowance_so_reach_is_the_same_after_any_warm_up():
    """With nomination = allowance = 6.5, a year reaches 6.5 only by delivering all of it.

    (With no warm-up at all the opening stock in the Baku tanks, which is not
    Trans-Caspian, takes some of the first year's allowance, so no year can.)
    """
    month, year = reach_6_5(ROOMY, 30), reach_6_5(ROOMY, 365)
    diff = year - month  # paired replications: the same years, a different start
    half = 1.96 * diff.std(ddof=1) / np.sqrt(len(diff))
    assert abs(diff.mean()) <= half + 1e-12
    assert reach_6_5(ROOMY, 0).max() == 0.0


@pytest.mark.slow
def test_aktau_never_loads_more_than_its_sourced_capacity_over_ten_years():
    frame = volumes(["fleet.tankers=20", "fleet.cargo_t=9600",
                     "supply.transcaspian_nomination_mt_per_year=15",
                     "btc.allowance_mt_per_year=15", "run.horizon_days=3650"], replications=1)
    capacity = load_scenario(BASE).scenario.aktau
    burst_mt_per_year = capacity.oil_capacity_burst_t / 1e6 / 10
    loaded = frame["aktau_loaded_mt_per_year"].iloc[0]
    assert loaded <= capacity.oil_capacity_mt_per_year + burst_mt_per_year
    assert loaded >= 0.9 * capacity.oil_capacity_mt_per_year  # it is the limit that binds


def test_surge_rises_with_p_and_vanishes_without_diversion():
    spare = ["fleet.tankers=12", "supply.transcaspian_nomination_mt_per_year=3",
             "btc.allowance_mt_per_year=9", "supply.diversion.max_extra_mt_per_year=10"]
    surge = {p: volumes([*spare, f"russian_route.disruption.probability={p}"],
                        replications=12)["surge_mt_per_year"].to_numpy()
             for p in (0.0, 0.2, 0.4)}
    assert surge[0.0].max() == 0.0
    assert np.mean(surge[0.4] - surge[0.2]) > 0  # paired: the same replications
    assert surge[0.2].mean() > 0
    off = volumes([*spare, "russian_route.disruption.probability=0.4",
                   "supply.diversion.enabled=false"], replications=12)
    assert off["surge_mt_per_year"].max() == 0.0
    assert off["diverted_to_aktau_mt_per_year"].max() == 0.0


def test_in_a_full_chain_diverted_crude_only_displaces_nominated_crude():
    """Base: some diverted crude reaches BTC, but the chain delivers no more than without it."""
    frame = run_replications(load_scenario(BASE).scenario, replications=12, jobs=1)
    assert frame["surge_mt_per_year"].mean() > 0
    extra = frame["extra_transcaspian_mt_per_year"]
    assert abs(extra.mean()) <= 0.02
    assert frame["shut_in_avoided_mt_per_year"].mean() <= 0.05


def test_a_replication_in_which_diversion_never_started_is_its_own_twin():
    """Skipping the paired run when diversion never started changes no number."""
    from sim.model.replication import run_replication, without_diversion

    scenario = load_scenario(BASE, ["run.horizon_days=60", "run.warmup_days=5",
                                    "supply.diversion.reaction_lag_days=365"]).scenario
    for k in range(3):  # the lag outlasts the run: diversion never starts
        paired = run_replication(scenario, k)
        alone = run_replication(without_diversion(scenario), k)
        assert paired.extra_transcaspian_mt_per_year == 0.0
        assert paired.shut_in_avoided_mt_per_year == 0.0
        assert paired.transcaspian_mt_per_year == alone.transcaspian_mt_per_year
        assert paired.shut_in_mt_per_year == alone.shut_in_mt_per_year
