"""Planner summary of an ensemble: per lever setting, the share of worlds that are robust.

A setting is robust in a world when the probability of reaching the target (from the
world's replications) reaches the threshold; see :mod:`sim.analysis.ensemble`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.report.sensitivity import number, output_label


def setting_label(row: pd.Series, lever_paths: Sequence[str]) -> str:
    """A lever setting in words: ``tankers = 8, berths = 4`` (short field names)."""
    if not lever_paths:
        return "as it is"
    return ", ".join(f"{p.rsplit('.', 1)[-1]} = {number(row[p])}" for p in lever_paths)


def robust_text(robust: pd.DataFrame, lever_paths: Sequence[str]) -> str:
    """The robust-share table for the terminal."""
    if robust.empty:
        return "no lever setting has results"
    first = robust.iloc[0]
    field, threshold = str(first["field"]), float(first["threshold"])
    lines = [f"Robust: {output_label(field)} >= {threshold:g} in a plausible world "
             f"({int(first['replications_per_world'])} replications per world)",
             f"{'setting':<46}{'worlds':>8}{'robust share [95% CI]':>26}"
             f"{'Trans-Caspian Mt/yr over worlds':>36}"]
    for _, r in robust.iterrows():
        share = (f"{r.robust_share:.2f} [{r.robust_share_ci95_low:.2f}, "
                 f"{r.robust_share_ci95_high:.2f}]")
        volume = (f"{number(r.transcaspian_mt_per_year_mean_over_worlds)} "
                  f"[{number(r.transcaspian_mt_per_year_over_worlds_ci95_low)}, "
                  f"{number(r.transcaspian_mt_per_year_over_worlds_ci95_high)}]")
        lines.append(f"{setting_label(r, lever_paths)[:45]:<46}{int(r.worlds):>8}{share:>26}"
                     f"{volume:>36}")
    return "\n".join(lines)


def robust_figure(robust: pd.DataFrame, lever_paths: Sequence[str], scenario: str) -> Figure:
    """Share of plausible worlds in which each lever setting is robust (Wilson 95%)."""
    fig = Figure(figsize=(8, 1.5 + 0.35 * len(robust)), layout="constrained")
    ax = fig.subplots()
    share = robust["robust_share"].to_numpy()
    err = np.clip([share - robust["robust_share_ci95_low"].to_numpy(),
                   robust["robust_share_ci95_high"].to_numpy() - share], 0, None)
    y = list(range(len(robust)))
    ax.barh(y, share, xerr=err, color="C0", capsize=3)
    ax.set_yticks(y, [setting_label(r, lever_paths) for _, r in robust.iterrows()], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    first = robust.iloc[0] if len(robust) else None
    rule = ("" if first is None else
            f"{output_label(str(first['field']))} >= {float(first['threshold']):g}")
    ax.set_xlabel(f"share of plausible worlds in which {rule} (95% interval)")
    ax.grid(axis="x", alpha=0.3)
    worlds = int(robust["worlds"].max()) if len(robust) else 0
    ax.set_title(f"{scenario}: robust lever settings over {worlds} Latin hypercube worlds",
                 fontsize=9)
    return fig
