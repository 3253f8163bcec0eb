"""Summaries of replication tables: per run (grouped by output field) and per sweep point.

Every statistic is named ``FIELD_STAT`` after the result field it summarises
(:mod:`sim.model.results`), so the same name reads the same everywhere. A
continuous field gets its mean, 95% confidence interval and P5/P50/P95 over
replications; an indicator (0/1, e.g. ``reaches_6_0``) gets its mean (a
probability) with a Wilson interval and no percentiles.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.bound import chain_bound
from sim.analysis.stats import Values, half_width, summarize
from sim.errors import OutputError
from sim.experiments.assemble import PointGroups, with_points
from sim.experiments.plan import PRECISION_COLUMN, Plan, Point
from sim.model.invariants import MASS_BALANCE_TOLERANCE_T
from sim.model.results import (
    GROUPS,
    REACH_TOLERANCE_MT_PER_YEAR,
    TARGET_HIGH_MT_PER_YEAR,
    TARGET_LOW_MT_PER_YEAR,
    OutputField,
    output_fields,
)
from sim.scenario.schema import Scenario
from sim.units import DAYS_PER_YEAR

#: Every result field by name.
OUTPUTS = {output.name: output for output in output_fields()}

CONTINUOUS_STATS = ("mean", "ci95_low", "ci95_high", "p5", "p50", "p95")
INDICATOR_STATS = ("mean", "ci95_low", "ci95_high")

STAT_MEANINGS = {
    "mean": "mean over replications",
    "ci95_low": "lower end of the 95% confidence interval of the mean (Student t, cut to the "
                "values the field can take; Wilson for 0/1 fields)",
    "ci95_high": "upper end of the 95% confidence interval of the mean",
    "p5": "5th percentile of single replications",
    "p50": "median of single replications",
    "p95": "95th percentile of single replications",
}


def stats_of(output: OutputField) -> tuple[str, ...]:
    """The statistics reported for a field (none for identifiers)."""
    return {"continuous": CONTINUOUS_STATS, "indicator": INDICATOR_STATS}.get(output.kind, ())


def summarize_field(values: Values, output: OutputField) -> dict[str, Any]:
    """A field's statistics over replications, with its unit and the number of replications."""
    s = summarize_output(values, output.name)
    return {"unit": output.unit, **{stat: s[stat] for stat in stats_of(output)}, "n": s["n"]}


def summarize_output(values: Values, name: str) -> dict[str, float]:
    """Statistics of the result field ``name``, its CI cut to the values the field can take.

    As :func:`~sim.analysis.stats.summarize`; a 0/1 indicator gets a Wilson interval.
    """
    output = OUTPUTS[name]
    return summarize(values, output.kind == "indicator", output.low, output.high)


def run_summary(frame: pd.DataFrame) -> dict[str, Any]:
    """Every summarised field of a replication table, grouped as the field metadata says.

    Also the mass-balance check: the largest error over the replications and the
    tolerance it was checked against.
    """
    grouped: dict[str, Any] = {group: {} for group in GROUPS if group != "id"}
    for output in output_fields():
        if output.kind != "id":
            grouped[output.group][output.name] = summarize_field(frame[output.name], output)
    grouped["mass_balance"] = {"max_abs_error_t": float(frame["mass_balance_error_t"].abs().max()),
                               "tolerance_t": MASS_BALANCE_TOLERANCE_T,
                               "replications_checked": len(frame)}
    return grouped


def reach_notes(scenario: Scenario) -> dict[str, str]:
    """What a P(>= target) can and cannot mean for this scenario's contracts and start.

    A target above the BTC allowance cannot be reached (P is 0 by contract); a target
    equal to it is reached only by years without any shortfall; with no warm-up the
    Baku opening stock (not Trans-Caspian) takes part of the first year's allowance.
    """
    notes = {}
    allowance = scenario.btc.allowance_mt_per_year
    nomination = (scenario.supply.transcaspian_nomination_mt_per_year
                  + (scenario.supply.diversion.max_extra_mt_per_year
                     if scenario.supply.diversion.enabled else 0.0))
    for name, target in (("reaches_6_0", TARGET_LOW_MT_PER_YEAR),
                         ("reaches_6_5", TARGET_HIGH_MT_PER_YEAR)):
        cap, what = min((allowance, "BTC allowance"), (nomination, "nomination"))
        if cap < target - REACH_TOLERANCE_MT_PER_YEAR:
            notes[name] = f"0 by contract: the {what} is {cap:g} Mt/yr, below {target:g}"
        elif cap <= target + REACH_TOLERANCE_MT_PER_YEAR:
            notes[name] = (f"the {what} is the target itself ({cap:g} Mt/yr): only years "
                           "without any shortfall reach it")
        elif scenario.run.warmup_days == 0 and scenario.baku.initial_level_fraction > 0:
            notes[name] = ("no warm-up: the Baku opening stock takes part of the first "
                           "year's allowance")
    return notes


def disruption_description(scenario: Scenario) -> dict[str, Any]:
    """How the Russian route's disruption was specified (probability or rate) and both values."""
    d = scenario.russian_route.disruption
    p = d.steady_state_probability
    return {"given_as": d.mode, "probability": p,
            "rate_per_year": d.onset_rate_per_year,
            "onsets_per_calendar_year": p / d.mean_duration_days * DAYS_PER_YEAR,
            "mean_duration_days": d.mean_duration_days,
            "capacity_loss_fraction": d.capacity_loss_fraction,
            "clustering_cv": d.clustering_cv}


@dataclass(frozen=True)
class SummaryColumn:
    """A column of ``summary.csv`` that is not a ``FIELD_STAT`` statistic."""

    name: str
    unit: str
    meaning: str


#: Columns of summary.csv besides the swept fields and the FIELD_STAT statistics.
POINT_COLUMNS = (
    SummaryColumn("point", "-", "Index of the point in the plan (row-major over the grid)."),
    SummaryColumn("replications", "count", "Replications summarised at this point."),
    SummaryColumn("transcaspian_mt_per_year_ci95_half_width", "Mt/yr",
                  "Half-width of the 95% CI of the Trans-Caspian mean (precision mode stops "
                  "on it)."),
    SummaryColumn("transcaspian_mt_per_year_delta_mean", "Mt/yr",
                  "Mean paired difference of Trans-Caspian volume from the previous point "
                  "(same replications, common random numbers); empty at the first point of "
                  "each line of a grid."),
    SummaryColumn("transcaspian_mt_per_year_delta_sd", "Mt/yr",
                  "Standard deviation of that paired difference."),
    SummaryColumn("transcaspian_mt_per_year_delta_ci95_half_width", "Mt/yr",
                  "Half-width of the 95% CI of the mean paired difference."),
    SummaryColumn("capacity_mt_per_year", "Mt/yr",
                  "(a) Physical capacity of the chain from the parameters: every stage at its "
                  "long-run rate, nominations and allowance ignored (`python -m sim bound`)."),
    SummaryColumn("capacity_binding_stage", "-", "The physical stage with the smallest limit."),
    SummaryColumn("deliverable_mt_per_year", "Mt/yr",
                  "(b) Expected deliverable under the scenario's contracts: capacity, expected "
                  "supply (diversion averaged over outage states) and effective allowance."),
    SummaryColumn("deliverable_binding", "-", "What limits (b): a stage, supply or the "
                  "BTC allowance."),
    SummaryColumn("russian_disruption_given_as", "-",
                  "Whether the scenario gave the Russian route's disruption as a "
                  "probability or a rate."),
    SummaryColumn("russian_disruption_probability", "share",
                  "Steady-state probability p that the Russian route is disrupted."),
    SummaryColumn("russian_disruption_rate_per_year", "1/yr",
                  "Disruption onsets per year of up-time (from p and the mean duration)."),
    SummaryColumn("reaches_6_0_note", "-", "What P(>= 6.0) can mean here: empty, or why it "
                  "is 0 by contract, or only counts years without any shortfall."),
    SummaryColumn("reaches_6_5_note", "-", "The same for P(>= 6.5)."),
)


def summarize_points(plan: Plan, groups: PointGroups) -> pd.DataFrame:
    """Summarise each point of a plan in one row of ``summary.csv``.

    The row holds the swept values, the replications, every field's statistics,
    the paired difference of the Trans-Caspian mean from the previous point, the
    deterministic ceiling and how the disruption was given. ``groups`` are each
    point's replications, points ascending (from memory or streamed from the parts).
    """
    fields_ = [f for f in output_fields() if f.kind != "id"]
    rows = []
    previous: pd.Series | None = None
    for point, group in with_points(plan, groups):
        row: dict[str, Any] = {"point": point.index, **point.values,
                               "replications": 0 if group is None else len(group)}
        volume = None
        if group is not None and len(group):
            for output in fields_:
                s = summarize_output(group[output.name], output.name)
                row.update({f"{output.name}_{stat}": s[stat] for stat in stats_of(output)})
            row["transcaspian_mt_per_year_ci95_half_width"] = half_width(group[PRECISION_COLUMN])
            volume = pd.Series(group[PRECISION_COLUMN].to_numpy(), index=group["replication"])
            row.update(_paired_difference(volume, previous, plan, point))
        bound = chain_bound(point.scenario)
        row["capacity_mt_per_year"] = bound.capacity_mt_per_year
        row["capacity_binding_stage"] = bound.capacity_binding
        row["deliverable_mt_per_year"] = bound.deliverable_mt_per_year
        row["deliverable_binding"] = bound.deliverable_binding
        disruption = point.scenario.russian_route.disruption
        row["russian_disruption_given_as"] = disruption.mode
        row["russian_disruption_probability"] = disruption.steady_state_probability
        row["russian_disruption_rate_per_year"] = disruption.onset_rate_per_year
        notes = reach_notes(point.scenario)
        row["reaches_6_0_note"] = notes.get("reaches_6_0", "")
        row["reaches_6_5_note"] = notes.get("reaches_6_5", "")
        rows.append(row)
        previous = volume  # only this column of the point is kept for the next
        del group  # one point's replications in memory at a time
    table = pd.DataFrame(rows)
    missing = [c for c in required_columns(plan.paths) if c not in table.columns]
    if not missing:
        return table
    empty = pd.DataFrame(float("nan"), index=table.index, columns=missing)
    return pd.concat([table, empty], axis=1)  # no statistics at all: every point failed


def _paired_difference(volume: pd.Series, previous: pd.Series | None, plan: Plan,
                       point: Point) -> dict[str, float]:
    """Mean and standard deviation of (this point - previous point) over shared replications.

    ``volume`` and ``previous`` are the two points' Trans-Caspian volumes (Mt/yr)
    indexed by replication.
    """
    inner = len(plan.parameters[-1][1]) if len(plan.parameters) == 2 else None
    if previous is None or (inner is not None and point.index % inner == 0):
        return {}
    shared = volume.index.intersection(previous.index)
    if len(shared) < 2:
        return {}
    diff = volume.loc[shared] - previous.loc[shared]
    return {"transcaspian_mt_per_year_delta_mean": float(diff.mean()),
            "transcaspian_mt_per_year_delta_sd": float(diff.std(ddof=1)),
            "transcaspian_mt_per_year_delta_ci95_half_width": half_width(diff.to_numpy())}


def required_columns(paths: list[str]) -> list[str]:
    """Columns every ``summary.csv`` of a sweep over ``paths`` holds (figures read them)."""
    stats = [f"{output.name}_{stat}" for output in output_fields() if output.kind != "id"
             for stat in stats_of(output)]
    return ["point", *paths, "replications", *stats, "capacity_mt_per_year"]


def read_summary(file: Path, paths: list[str], points: int) -> pd.DataFrame:
    """Read a sweep's ``summary.csv`` and check it: columns, numbers, one row per point.

    A file that is empty, cut short, not CSV or from another program is an
    :class:`~sim.errors.OutputError` naming it and what is wrong.
    """
    try:
        table = pd.read_csv(file)
    except (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError,
            pd.errors.EmptyDataError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).strip().splitlines()[0]
        raise OutputError(f"{file}: unreadable sweep summary ({reason})") from None
    missing = [c for c in required_columns(paths) if c not in table.columns]
    if missing:
        shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3
                                          else "")
        raise OutputError(f"{file}: not a summary of this sweep (no column {shown})")
    numeric = [c for c in required_columns([]) if not pd.api.types.is_numeric_dtype(table[c])]
    if numeric:
        raise OutputError(f"{file}: column {numeric[0]} holds text where numbers belong")
    if len(table) != points or table["point"].tolist() != list(range(points)):
        raise OutputError(f"{file}: holds {len(table)} rows for the {points} points of the "
                          "sweep (cut short or edited)")
    return table
