"""Bookkeeping against history: each year's contract delivered over its days, beside what shipped.

The historical chain ran to its contracts, far below its capacity, so these
comparisons test the inputs (contracts, dates, known stops) and the model's
bookkeeping of them, not its physics (see :mod:`sim.validation.physics`). The
historical volumes and their sources are data (``history_volumes.toml`` beside
this module, shipped with the package); each year's chain is a scenario file
(``scenarios/history_YEAR.toml``) that the caller's scenario folder holds.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.bound import chain_bound
from sim.analysis.years import calendar_window, nominated_days, nominated_mt
from sim.scenario.build import with_overrides
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario
from sim.study import run_replications
from sim.units import DAYS_PER_YEAR
from sim.validation.checks import HISTORY_TOLERANCE, Check, judge, standard_error


@dataclass(frozen=True)
class HistoricalVolume:
    """A Trans-Caspian volume actually shipped, and the period it covers.

    ``first_day`` and ``days`` give a sub-period of the year (day 0 = 1 January);
    None means the measured period of the year's scenario file.
    """

    year: int
    period: str
    series: str
    volume_mt: float
    source: str
    caveat: str
    first_day: int | None = None
    days: int | None = None


def historical_volumes() -> tuple[HistoricalVolume, ...]:
    """The historical volumes of ``history_volumes.toml`` (shipped with the package)."""
    text = files("sim.validation").joinpath("history_volumes.toml").read_text(encoding="utf-8")
    return tuple(HistoricalVolume(**entry) for entry in tomllib.loads(text)["volume"])


@dataclass(frozen=True)
class HistoryComparison:
    """A historical volume beside the model's volume for the same period (Mt)."""

    target: HistoricalVolume
    scenario: str
    replications: int
    days: float
    model_mean_mt: float
    model_ci95_low_mt: float
    model_ci95_high_mt: float
    model_p5_mt: float
    model_p95_mt: float
    contract_mt: float
    physical_capacity_mt: float
    voyages_per_month: float
    waiting_for_cargo_share: float

    @property
    def relative_difference(self) -> float:
        """(model - actual) / actual (dimensionless)."""
        return (self.model_mean_mt - self.target.volume_mt) / self.target.volume_mt

def history_scenario(year: int, scenarios_dir: Path) -> Scenario:
    """Load the scenario file of one historical year (``history_YEAR.toml``)."""
    return load_scenario(scenarios_dir / f"history_{year}.toml").scenario

def period_scenario(scenario: Scenario, target: HistoricalVolume) -> Scenario:
    """Measure the year's scenario over the target's sub-period, if it has one.

    On the calendar (``run.start_date``) the sub-period is the same plan measured from its
    first day for its days: changes dated before it applied, its dated events kept
    (:func:`~sim.analysis.years.calendar_window`). Without one, sub-periods start from a
    one-year warm-up, so the weather calendar stays on 1 January.
    """
    if target.first_day is None or target.days is None:
        return scenario
    if scenario.run.start_date is not None:
        start = dt.date(target.year, 1, 1) + dt.timedelta(days=target.first_day)
        return calendar_window(scenario, start, target.days)
    return with_overrides(scenario, {"run.warmup_days": DAYS_PER_YEAR + target.first_day,
                                     "run.horizon_days": float(target.days)},
                          where=f"history {target.year} {target.period}")

def compare_period(scenario: Scenario, frame: pd.DataFrame, target: HistoricalVolume
                   ) -> HistoryComparison:
    """Turn a run's Mt/yr into Mt over its measured period and set it beside ``target``."""
    days = scenario.run.horizon_days
    volumes = frame["transcaspian_mt_per_year"].to_numpy() * days / DAYS_PER_YEAR
    half = 1.96 * standard_error(volumes) if len(volumes) > 1 else 0.0
    physical = chain_bound(scenario).capacity_mt_per_year
    return HistoryComparison(
        target=target, scenario=scenario.name, replications=len(frame), days=days,
        model_mean_mt=float(volumes.mean()), model_ci95_low_mt=float(volumes.mean() - half),
        model_ci95_high_mt=float(volumes.mean() + half),
        model_p5_mt=float(np.percentile(volumes, 5)),
        model_p95_mt=float(np.percentile(volumes, 95)),
        contract_mt=nominated_mt(scenario),
        physical_capacity_mt=physical * days / DAYS_PER_YEAR,
        voyages_per_month=float(frame["fleet_voyages_per_year"].mean() * days / DAYS_PER_YEAR
                                / max(1.0, nominated_days(scenario)) * DAYS_PER_YEAR / 12),
        waiting_for_cargo_share=float(frame["fleet_share_waiting_cargo"].mean()))

def simulate_history(replications: int, jobs: int | None, scenarios_dir: Path
                     ) -> list[HistoryComparison]:
    """Run every historical year and sub-period once and compare it with its volumes."""
    runs: dict[tuple[int, int | None, int | None], tuple[Scenario, pd.DataFrame]] = {}
    comparisons = []
    for target in historical_volumes():
        key = (target.year, target.first_day, target.days)
        if key not in runs:
            scenario = period_scenario(history_scenario(target.year, scenarios_dir), target)
            runs[key] = scenario, run_replications(scenario, replications=replications,
                                                   jobs=jobs)
        comparisons.append(compare_period(*runs[key], target))
    return comparisons

def history_checks(comparisons: Sequence[HistoryComparison]) -> list[Check]:
    """Each historical volume within 10% of the model's delivery of that year's contract."""
    family = "bookkeeping history"
    checks = []
    for c in comparisons:
        t = c.target
        tolerance = HISTORY_TOLERANCE * t.volume_mt
        checks.append(Check(
            family, f"{t.year} {t.period}: {t.series}", "Mt", c.model_mean_mt,
            t.volume_mt, tolerance, f"{HISTORY_TOLERANCE:.0%} of the reported volume",
            judge(c.model_mean_mt, t.volume_mt, tolerance, outside="miss"), t.source,
            f"Contract pace over the same days {c.contract_mt:.3f} Mt. {t.caveat}."))
    return checks
