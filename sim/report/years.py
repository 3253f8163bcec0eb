"""The figure of a plan over time: Trans-Caspian volume per calendar year against the target.

Top: the mean volume of each calendar year with its 95% confidence band and the
P5-P95 band of single replications, the 6.0-6.5 Mt/yr target band shaded, and
what binds the plan in force on 1 July written under each year. Bottom: P(>= 6.0)
and P(>= 6.5) with their Wilson intervals, and the 0.5 and 0.9 lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from sim.model.results import TARGET_HIGH_MT_PER_YEAR, TARGET_LOW_MT_PER_YEAR
from sim.report.figure_plumbing import TARGET_COLOUR, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def years_figure(years: pd.DataFrame, title: str) -> Figure:
    """Draw the per-year summary (``summarize_years`` joined with ``binding_by_year``)."""
    fig = new_figure(9.0, 7.0)
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    x = years["year"].to_numpy()
    column = "transcaspian_mt_per_year"
    top.axhspan(TARGET_LOW_MT_PER_YEAR, TARGET_HIGH_MT_PER_YEAR, color=TARGET_COLOUR, alpha=0.25,
                label="target 6.0-6.5 Mt/yr")
    top.fill_between(x, years[f"{column}_p5"], years[f"{column}_p95"], color="C0", alpha=0.15,
                     label="P5-P95 of single replications")
    top.fill_between(x, years[f"{column}_ci95_low"], years[f"{column}_ci95_high"], color="C0",
                     alpha=0.4, label="95% CI of the mean")
    top.plot(x, years[f"{column}_mean"], "o-", color="C0", label="mean")
    n = int(years["replications"].min())
    top.set_ylabel("Trans-Caspian volume (Mt/yr)")
    top.set_title(f"{title}: Trans-Caspian volume by calendar year ({n} replications)")
    top.set_ylim(bottom=0)
    if "binding" in years:
        for year, value, binds in zip(x, years[f"{column}_p5"], years["binding"], strict=True):
            top.annotate(str(binds).replace(" (nomination and diversion)", ""),
                         (year, value), textcoords="offset points", xytext=(0, -14),
                         ha="center", fontsize=7, color="0.3")
    top.legend(loc="upper left", fontsize=8)
    for indicator, colour, text in (("reaches_6_0", "C2", "P(>= 6.0)"),
                                    ("reaches_6_5", "C3", "P(>= 6.5)")):
        mean = years[f"{indicator}_mean"]
        bottom.errorbar(x, mean, yerr=[mean - years[f"{indicator}_ci95_low"],
                                       years[f"{indicator}_ci95_high"] - mean],
                        fmt="o-", color=colour, capsize=3, label=f"{text} (Wilson 95% CI)")
    for level in (0.5, 0.9):
        bottom.axhline(level, color="0.5", linestyle=":", linewidth=1)
    bottom.set_ylim(-0.03, 1.03)
    bottom.set_ylabel("probability in the year")
    bottom.set_xlabel("calendar year (binding: bound of the plan in force on 1 July)")
    bottom.set_xticks(x)
    bottom.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig
