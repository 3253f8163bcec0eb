"""Scenarios side by side: every output's paired difference from the first, with a verdict.

All scenarios ran the same replications (common random numbers), so replication k
of each saw the same storms, outages and delays; the difference of the means is the
mean of the replication-by-replication differences, and its Student-t 95% interval
reflects only how that difference varies. The verdict reads the interval: above zero
is "significantly higher", below zero "significantly lower", else "no detectable
difference" (at this number of replications).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.stats import paired_difference, summarize, verdict
from sim.model.results import output_fields


@dataclass
class ComparisonResult:
    """The comparison table (one row per output field and scenario after the first)."""

    scenarios: list[str]
    replications: int
    seed: int
    table: pd.DataFrame
    out: Path | None = None

    def verdict(self, field: str, scenario: str | None = None) -> str:
        """The verdict for ``field`` of ``scenario`` (default: the second) against the first."""
        name = scenario or self.scenarios[1]
        row = self.table[(self.table["field"] == field) & (self.table["scenario"] == name)]
        return str(row["verdict"].iloc[0])


def comparison(frame: pd.DataFrame, labels: Sequence[str]) -> pd.DataFrame:
    """Per summarised output field and per scenario after the first: means, difference, CI.

    ``frame`` is the per-replication table with ``point`` i for scenario ``labels[i]``.
    """
    by_point: dict[Any, pd.DataFrame] = {p: g.set_index("replication").sort_index()
                                         for p, g in frame.groupby("point")}
    reference = by_point.get(0)
    rows: list[dict[str, Any]] = []
    if reference is None:
        return pd.DataFrame(rows)
    for output in (f for f in output_fields() if f.kind != "id"):
        binary = output.kind == "indicator"
        ref = summarize(reference[output.name], binary=binary)
        for point, label in enumerate(labels[1:], start=1):
            group = by_point.get(point)
            if group is None:
                continue
            shared = reference.index.intersection(group.index)
            mine = summarize(group[output.name], binary=binary)
            diff = paired_difference(reference.loc[shared, output.name],
                                     group.loc[shared, output.name], binary)
            rows.append({
                "field": output.name, "group": output.group, "unit": output.unit,
                "reference": labels[0], "scenario": label,
                "reference_mean": ref["mean"], "reference_ci95_low": ref["ci95_low"],
                "reference_ci95_high": ref["ci95_high"],
                "mean": mine["mean"], "ci95_low": mine["ci95_low"],
                "ci95_high": mine["ci95_high"],
                "difference_mean": diff["mean"], "difference_ci95_low": diff["ci95_low"],
                "difference_ci95_high": diff["ci95_high"], "n": diff["n"],
                "verdict": verdict(diff["ci95_low"], diff["ci95_high"])})
    return pd.DataFrame(rows)
