"""A comparison of scenarios as a terminal table with verdicts and a figure of the differences.

- :func:`comparison_text`: one line per output field and scenario: both means, the paired
  difference with its 95% interval and n, and the verdict.
- :func:`comparison_figure`: the paired differences of the headline outputs (the ``kpis``
  group) from the first scenario, volumes and probabilities in two panels.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.compare import ComparisonResult
from sim.report.sensitivity import number


def comparison_text(result: ComparisonResult) -> str:
    """Every summarised field: means, paired difference [95% CI], n and the verdict."""
    lines = [f"Compared with {result.scenarios[0]}: {result.replications} paired "
             f"replications of each (seed {result.seed}, common random numbers)",
             f"{'field':<38}{'unit':>8}{'scenario':>18}{'reference':>12}{'this':>12}"
             f"{'difference [95% CI]':>32}  verdict"]
    group = ""
    for r in result.table.itertuples():
        if str(r.group) != group:
            group = str(r.group)
            lines += ["", group]
        diff = (f"{number(r.difference_mean, True)} [{number(r.difference_ci95_low, True)}, "
                f"{number(r.difference_ci95_high, True)}]")
        lines.append(f"  {str(r.field):<36}{str(r.unit):>8}{str(r.scenario)[:17]:>18}"
                     f"{number(r.reference_mean):>12}{number(r.mean):>12}{diff:>32}  "
                     f"{r.verdict}")
    return "\n".join(lines)


def verdict_lines(result: ComparisonResult, group: str = "kpis") -> list[str]:
    """One sentence per field of ``group`` and scenario: the verdict with its numbers."""
    lines = []
    for r in result.table[result.table["group"] == group].itertuples():
        words = (f"{r.scenario}: no detectable difference from {r.reference}"
                 if r.verdict == "no detectable difference" else
                 f"{r.scenario} is {r.verdict} than {r.reference}")
        unit = "" if r.unit == "0/1" else f" {r.unit}"
        lines.append(f"{r.field}: {words} ({number(r.difference_mean, True)}{unit} "
                     f"[{number(r.difference_ci95_low, True)}, "
                     f"{number(r.difference_ci95_high, True)}], n = {r.n})")
    return lines


def comparison_figure(result: ComparisonResult) -> Figure:
    """Paired differences of the headline outputs from the first scenario (95% intervals)."""
    kpis = result.table[result.table["group"] == "kpis"]
    panels = [("Mt/yr", kpis[kpis["unit"] == "Mt/yr"]),
              ("share or probability", kpis[kpis["unit"] != "Mt/yr"])]
    fig = Figure(figsize=(11, 4.5), layout="constrained")
    axes = fig.subplots(1, 2)
    others = list(dict.fromkeys(result.table["scenario"]))
    for ax, (unit, rows) in zip(axes, panels, strict=True):
        fields = list(dict.fromkeys(rows["field"]))
        for j, name in enumerate(others):
            mine = rows[rows["scenario"] == name].set_index("field").reindex(fields)
            y = [i + 0.8 * (j - (len(others) - 1) / 2) / max(len(others), 1)
                 for i in range(len(fields))]
            _forest(ax, mine, y, f"C{j}", name)
        ax.set_yticks(list(range(len(fields))), fields, fontsize=8)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel(f"difference from {result.scenarios[0]} ({unit})")
        ax.grid(axis="x", alpha=0.3)
        ax.invert_yaxis()
    axes[1].legend(fontsize=8, loc="best")
    fig.suptitle(f"Paired differences from {result.scenarios[0]} ({result.replications} "
                 "replications each, common random numbers, 95% intervals)", fontsize=9)
    return fig


def _forest(ax: Axes, rows: pd.DataFrame, y: list[float], colour: str, label: str) -> None:
    mean = rows["difference_mean"].to_numpy()
    err = np.clip([mean - rows["difference_ci95_low"].to_numpy(),
                   rows["difference_ci95_high"].to_numpy() - mean], 0, None)
    ax.errorbar(mean, y, xerr=err, fmt="o", color=colour, capsize=3, label=label)
