"""Physics against history: could each year's fleet and ports carry what they carried.

The bookkeeping checks (:mod:`sim.validation.history`) deliver each year's
contract and cannot tell a 4-tanker chain from a 2-tanker one. These checks do:
each year's chain is run with nomination and allowance raised above anything it
can carry, and what it then carries (its capacity over the same days) must be
at least what history shows moved through it: the Trans-Caspian volume, and
Aktau's oil loadings of every destination. A chain whose tankers, berths or
pumping rates were too weak fails them (``tests/test_validation_physics.py``
shows it). The tanker arrivals at Baku test the cargo size.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sim.scenario.build import with_overrides
from sim.scenario.schema import Scenario
from sim.study import run_replications
from sim.units import DAYS_PER_YEAR
from sim.validation.checks import Check, judge
from sim.validation.history import HistoryComparison, history_scenario

FAMILY = "physics history"

#: Nomination and allowance that no historical chain can carry (Mt/yr).
UNLIMITED_MT_PER_YEAR = 15.0

#: The largest Trans-Caspian volume reported for each year (Mt over the year's measured days).
SHIPPED = ((2023, 1.392, "sources §6.2: 1.392 Mt shipped Aktau -> Baku from 20 March (series A)"),
           (2024, 1.4, "sources §6.3: ~1.4 Mt in 2024"),
           (2025, 1.3, "sources §6.4: 1.3 Mt in 2025, on the days BTC took Kazakh crude"))

#: Oil loaded at Aktau for every destination (Mt in a calendar year).
PORT_LOADINGS = ((2023, 3.376, "sources §2.3: 3.376 Mt in 2023, 1.984 Mt of it to Makhachkala"),
                 (2024, 3.72, "sources §2.3: over 3.1 Mt in Jan-Oct 2024, x 12/10"))

#: Tanker arrivals in Azerbaijan with Kazakh crude, 2023 (sources §3.5): 12-14 a month.
ARRIVALS_2023_PER_MONTH = (12.0, 14.0)


def capacity_scenario(scenario: Scenario, full_year: bool = False) -> Scenario:
    """A historical chain with contracts lifted, so that only its physics binds."""
    changes: dict[str, object] = {
        "supply.transcaspian_nomination_mt_per_year": UNLIMITED_MT_PER_YEAR,
        "btc.allowance_mt_per_year": UNLIMITED_MT_PER_YEAR,
        "supply.diversion.enabled": False, "run.compare_without_diversion": False}
    if full_year:
        changes.update({"run.warmup_days": DAYS_PER_YEAR, "run.horizon_days": DAYS_PER_YEAR})
    if scenario.events:  # dated contract steps would undo the lifted contracts: drop them
        changes["events"] = [e.model_dump() for e in scenario.events
                             if e.path not in CONTRACT_PATHS]
    return with_overrides(scenario, changes, where=f"{scenario.name} at capacity")


#: Dated changes of these fields are contracts, not physics (dropped at capacity).
CONTRACT_PATHS = frozenset({"supply.transcaspian_nomination_mt_per_year",
                            "btc.allowance_mt_per_year"})


def physics_history_checks(comparisons: Sequence[HistoryComparison], replications: int,
                           jobs: int | None, scenarios_dir: Path) -> list[Check]:
    """Capacity of each year's chain against what it carried; Aktau's loadings; arrivals."""
    checks = []
    for year, shipped, source in SHIPPED:
        scenario = capacity_scenario(history_scenario(year, scenarios_dir))
        frame = run_replications(scenario, replications=replications, jobs=jobs)
        days = scenario.run.horizon_days
        capacity = float(frame["transcaspian_mt_per_year"].mean()) * days / DAYS_PER_YEAR
        checks.append(Check(
            FAMILY, f"{year}: the year's fleet and ports could carry what was shipped", "Mt",
            capacity, shipped, 0.0, "lower bound",
            judge(capacity, shipped, 0.0, lower_bound=True, outside="miss"), source,
            f"capacity over the {days:g} days measured, {replications} replications; the "
            f"chain ran at {shipped / capacity:.0%} of it"))
    for year, loaded, source in PORT_LOADINGS:
        scenario = capacity_scenario(history_scenario(year, scenarios_dir), full_year=True)
        frame = run_replications(scenario, replications=replications, jobs=jobs)
        port = float(frame["aktau_loaded_mt_per_year"].mean())
        checks.append(Check(
            FAMILY, f"{year}: Aktau could load all the oil it loaded", "Mt/yr", port, loaded,
            0.0, "lower bound", judge(port, loaded, 0.0, lower_bound=True, outside="miss"),
            source, f"Trans-Caspian at capacity plus {scenario.aktau.other_traffic_mt_per_year:g}"
            " Mt/yr of other crude through the shared oil capacity and berths"))
    first = next(c for c in comparisons if c.target.year == 2023 and c.target.first_day is None)
    low, high = ARRIVALS_2023_PER_MONTH
    checks.append(Check(
        FAMILY, "2023 tanker arrivals at Baku per month", "1/month", first.voyages_per_month,
        (low + high) / 2, (high - low) / 2, "the reported range 12-14",
        judge(first.voyages_per_month, (low + high) / 2, (high - low) / 2, outside="miss"),
        "sources §3.5: Azerbaijani energy minister, 17 Nov 2023",
        "The arrivals carried series A, ~8-12 kt each; the model carries the Tengiz contract "
        "in 10 kt cargoes"))
    return checks
