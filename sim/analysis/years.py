"""Plans over time: results per calendar year, the first year a target is reached, what binds.

The per-year rows (:mod:`sim.model.years`, one per replication and calendar
year) are summarised year by year with the same statistics as a whole run: a
mean with its Student-t 95% interval for volumes, the Wilson interval for
P(>= 6.0) and P(>= 6.5), and the replication count. What binds in a year is
read from the chain bound (:mod:`sim.analysis.bound`) of the plan in force on
1 July of that year: dated changes made by then, tanker classes in service then.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from sim.analysis.bound import chain_bound
from sim.analysis.stats import summarize
from sim.scenario.build import with_overrides
from sim.scenario.schema import Scenario

#: Per-year columns summarised (volumes and shares: mean and CI; indicators: Wilson).
YEAR_CONTINUOUS = ("transcaspian_mt_per_year", "shut_in_mt_per_year", "surge_mt_per_year",
                   "russian_route_mt_per_year", "btc_allowance_use")
YEAR_INDICATORS = ("reaches_6_0", "reaches_6_5")


def summarize_years(years: pd.DataFrame) -> pd.DataFrame:
    """One row per point and calendar year: ``COLUMN_mean``, ``_ci95_low``, ``_ci95_high``, n."""
    swept = [c for c in years.columns if "." in c]  # a sweep's fields, by dotted path
    keys = [k for k in ("point", *swept, "year", "month") if k in years.columns]
    rows = []
    for key, group in years.groupby(keys, sort=True):
        values = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        row: dict[str, Any] = {**values, "days": float(group["days"].mean()),
                               "replications": len(group)}
        for column in (*YEAR_CONTINUOUS, *YEAR_INDICATORS):
            stats = summarize(group[column], binary=column in YEAR_INDICATORS)
            for stat in ("mean", "ci95_low", "ci95_high"):
                row[f"{column}_{stat}"] = stats[stat]
            if column == "transcaspian_mt_per_year":
                row[f"{column}_p5"], row[f"{column}_p95"] = stats["p5"], stats["p95"]
        for column in sorted(c for c in group.columns
                             if c.startswith(("voyages_", "discharged_mt_", "fleet_share_"))):
            row[f"{column}_mean"] = float(group[column].mean())
        rows.append(row)
    return pd.DataFrame(rows)


def first_year_reaching(summary: pd.DataFrame, probability: float,
                        column: str = "reaches_6_0") -> dict[str, Any]:
    """The first full year whose P(column) reaches ``probability``: by its mean and its CI.

    ``year`` uses the estimate; ``year_surely`` the first year whose lower 95% bound
    reaches it, ``year_possibly`` the first whose upper bound does. None: not within the
    plan. Years the measured period covers only in part are skipped.
    """
    full = summary[summary["days"] >= 365]

    def first(stat: str) -> int | None:
        hits = full[full[f"{column}_{stat}"] >= probability]["year"]
        return int(hits.iloc[0]) if len(hits) else None

    return {"probability": probability, "indicator": column, "year": first("mean"),
            "year_surely": first("ci95_low"), "year_possibly": first("ci95_high")}


def scenario_on(scenario: Scenario, day: dt.date) -> Scenario:
    """The plan in force on ``day``: dated changes made by then, the classes in service."""
    changes: dict[str, Any] = {}
    for event in sorted(scenario.events, key=lambda e: e.date):
        if (event.kind == "change" and event.date <= day and event.path is not None
                and event.path != "fleet.tankers"):
            changes[event.path] = event.value
    fleet = scenario.fleet
    added = max([int(e.value) for e in scenario.events  # type: ignore[arg-type]
                 if e.kind == "change" and e.path == "fleet.tankers" and e.date <= day]
                or [fleet.tankers]) - fleet.tankers
    classes = [c.model_dump() for c in fleet.ship_classes()
               if (c.in_service is None or c.in_service <= day)
               and (c.out_of_service is None or day < c.out_of_service)]
    if added > 0 and classes:
        classes[0]["tankers"] += added
    if fleet.classes or added > 0:
        for c in classes:
            c["in_service"] = c["out_of_service"] = None
        if classes:
            changes["fleet.classes"] = classes
        else:
            changes["fleet.tankers"] = 0
            changes["fleet.classes"] = []
    plain = scenario.model_copy(update={"events": ()})
    return with_overrides(plain, changes, where="scenario_on") if changes else plain


def calendar_window(scenario: Scenario, start: dt.date, days: int) -> Scenario:
    """The plan measured over ``days`` from ``start`` only, on the same calendar.

    Changes dated before ``start`` are applied to the fields; events inside the window
    are kept (an outage that runs past its end is cut there, one that began before
    ``start`` and is still under way starts with it); tanker classes keep their dates
    inside the window.
    """
    end = start + dt.timedelta(days=days)
    changes: dict[str, Any] = {}
    kept = []
    for event in sorted(scenario.events, key=lambda e: e.date):
        if event.kind == "change" and event.date < start and event.path is not None:
            if event.path != "fleet.tankers":
                changes[event.path] = event.value
            continue
        if event.kind == "outage":
            first, last = max(event.date, start), min(event.end_date, end)
            if last > first:
                kept.append({**event.model_dump(), "date": first,
                             "duration_days": float((last - first).days)})
        elif event.date < end:
            kept.append(event.model_dump())
    grown = [int(e.value) for e in scenario.events  # type: ignore[arg-type]
             if e.kind == "change" and e.path == "fleet.tankers" and e.date < start]
    if grown and not scenario.fleet.classes:
        changes["fleet.tankers"] = max(grown)
    if scenario.fleet.classes:
        classes = []
        for c in scenario.fleet.classes:
            if (c.out_of_service is not None and c.out_of_service <= start) or (
                    c.in_service is not None and c.in_service >= end):
                continue
            entry = c.model_dump()
            entry["in_service"] = None if (c.in_service or start) <= start else c.in_service
            entry["out_of_service"] = (None if (c.out_of_service or end) >= end
                                       else c.out_of_service)
            classes.append(entry)
        if grown and classes:  # dated growth: more ships of the first class
            classes[0]["tankers"] += max(grown) - scenario.fleet.tankers
        changes["fleet.classes"] = classes
    changes.update({"run.start_date": start, "run.horizon_days": float(days),
                    "run.horizon_years": None, "events": kept})
    plain = scenario.model_copy(update={"events": ()})
    return with_overrides(plain, changes, where=f"{scenario.name} from {start} for {days} days")


def nominated_mt(scenario: Scenario) -> float:
    """The Trans-Caspian nomination over the measured period, dated changes included (Mt)."""
    rate = scenario.supply.transcaspian_nomination_mt_per_year
    start, end = scenario.run.start_date, scenario.run.end_date
    if start is None or end is None:
        return rate * scenario.run.horizon_days / 365.0
    total, since = 0.0, start
    for event in sorted(scenario.events, key=lambda e: e.date):
        if event.kind == "change" and event.path == "supply.transcaspian_nomination_mt_per_year":
            total += rate * (event.date - since).days / 365.0
            rate, since = float(event.value), event.date  # type: ignore[arg-type]
    return total + rate * (scenario.run.horizon_days - (since - start).days) / 365.0


def nominated_days(scenario: Scenario) -> float:
    """Days of the measured period with a positive nomination (dated changes included)."""
    rate = scenario.supply.transcaspian_nomination_mt_per_year
    start = scenario.run.start_date
    if start is None:
        return scenario.run.horizon_days if rate > 0 else 0.0
    days, since = 0.0, 0.0
    for event in sorted(scenario.events, key=lambda e: e.date):
        if event.kind == "change" and event.path == "supply.transcaspian_nomination_mt_per_year":
            at = float((event.date - start).days)
            days += (at - since) if rate > 0 else 0.0
            rate, since = float(event.value), at  # type: ignore[arg-type]
    return days + ((scenario.run.horizon_days - since) if rate > 0 else 0.0)


def binding_by_year(scenario: Scenario, years: list[int]) -> pd.DataFrame:
    """For each year: the chain bound of the plan in force on 1 July and what binds it."""
    rows = []
    for year in years:
        try:
            bound = chain_bound(scenario_on(scenario, dt.date(year, 7, 1)))
        except Exception:  # a plan with no ships at all that day
            rows.append({"year": year, "capacity_mt_per_year": math.nan,
                         "deliverable_mt_per_year": math.nan, "binding": "no fleet"})
            continue
        rows.append({"year": year, "capacity_mt_per_year": bound.capacity_mt_per_year,
                     "capacity_binding": bound.capacity_binding,
                     "deliverable_mt_per_year": bound.deliverable_mt_per_year,
                     "binding": bound.deliverable_binding})
    return pd.DataFrame(rows)
