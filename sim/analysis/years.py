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
    keys = [k for k in ("point", "year") if k in years.columns]
    rows = []
    for key, group in years.groupby(keys, sort=True):
        values = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        row: dict[str, Any] = {**values, "days": float(group["days"].mean()),
                               "replications": len(group)}
        for column in (*YEAR_CONTINUOUS, *YEAR_INDICATORS):
            stats = summarize(group[column], binary=column in YEAR_INDICATORS)
            for stat in ("mean", "ci95_low", "ci95_high"):
                row[f"{column}_{stat}"] = stats[stat]
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
