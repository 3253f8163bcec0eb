"""The physics checks against history have teeth: a chain too weak for its year fails them."""

from __future__ import annotations

from pathlib import Path

from sim.scenario.build import with_overrides
from sim.study import run_replications
from sim.units import DAYS_PER_YEAR
from sim.validation.history import history_scenario
from sim.validation.physics import SHIPPED, capacity_scenario

ROOT = Path(__file__).resolve().parent.parent


def capacity_mt(year: int, changes: dict[str, object]) -> float:
    scenario = capacity_scenario(with_overrides(history_scenario(year, ROOT / "scenarios"),
                                                changes))
    frame = run_replications(scenario, replications=3, jobs=1)
    return float(frame["transcaspian_mt_per_year"].mean()) * scenario.run.horizon_days \
        / DAYS_PER_YEAR


def test_the_2024_chain_could_carry_what_2024_shipped_and_a_crippled_one_could_not():
    shipped = dict((year, volume) for year, volume, _ in SHIPPED)[2024]
    assert capacity_mt(2024, {}) >= shipped
    crippled = {"fleet.tankers": 1, "fleet.cargo_t": 6_000.0,
                "aktau.loading_rate_t_per_hour": 150.0}
    assert capacity_mt(2024, crippled) < shipped
