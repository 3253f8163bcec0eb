"""Ensembles over what is not known: one row per plausible world and lever setting.

An ensemble runs N Latin hypercube draws of the uncertain inputs (N "plausible
worlds"), each under every lever setting, each point with R replications under
common random numbers. :func:`experiments_table` gives one row per draw and
setting: the inputs, the lever values and the mean of every output over the R
replications (95% intervals for the headline outputs). :func:`robust_summary`
says, per lever setting, in what share of the worlds the setting is *robust*:
P(Trans-Caspian >= 6.0 Mt/yr), estimated from the R replications, reaches the
threshold (0.9 by default). The share's Wilson interval counts worlds; with R
replications a world's probability is itself known only to about +-1/sqrt(R).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.stats import summarize, wilson_interval
from sim.experiments.assemble import PointMoments
from sim.experiments.designs import Design
from sim.model.results import output_fields

#: The share of years reaching the target a world must show to count as robust.
ROBUST_THRESHOLD = 0.9
#: The output whose mean decides robustness (P(Trans-Caspian >= 6.0 Mt/yr)).
ROBUST_FIELD = "reaches_6_0"
#: 18/20 is 0.9 even where the sum of 0/1 values divides to 0.8999999999999999.
ROUNDING = 1e-12


@dataclass
class EnsembleResult:
    """The experiments table, the robust-share summary and where they were written."""

    experiments: pd.DataFrame
    robust: pd.DataFrame
    design: dict[str, Any]
    out: Path | None = None


def summarised_columns() -> list[str]:
    """Output fields summarised per ensemble point (every field but identifiers)."""
    return [f.name for f in output_fields() if f.kind != "id"]


def experiments_table(design: Design, moments: PointMoments, settings: int,
                      threshold: float = ROBUST_THRESHOLD, field: str = ROBUST_FIELD
                      ) -> pd.DataFrame:
    """One row per draw and lever setting: inputs, lever values, output means (and CIs).

    Every summarised output field ``F`` gives ``F_mean``; the headline outputs (the
    ``kpis`` group) also ``F_ci95_low`` and ``F_ci95_high`` over the R replications;
    ``robust`` says whether ``field``'s mean reached ``threshold`` (the outcome a
    scenario-discovery method such as PRIM takes).
    """
    count = len(design.points)
    index = np.arange(count)
    draws = np.asarray(design.info["draws_run"], dtype=int)  # numbers kept when some left out
    columns: dict[str, Any] = {"point": index, "draw": draws[index // settings],
                               "setting": index % settings}
    inputs = pd.DataFrame([p.inputs for p in design.points])
    for name in inputs.columns:
        columns[name] = inputs[name].to_numpy()
    columns["replications"] = moments.count.astype(int)
    for output in (f for f in output_fields() if f.kind != "id"):
        columns[f"{output.name}_mean"] = moments.mean(output.name)
        if output.group == "kpis":
            low, high = moments.interval(output.name, binary=output.kind == "indicator")
            columns[f"{output.name}_ci95_low"] = low
            columns[f"{output.name}_ci95_high"] = high
    columns["robust"] = columns[f"{field}_mean"] >= threshold - ROUNDING
    return pd.DataFrame(columns)


def robust_summary(experiments: pd.DataFrame, lever_paths: Sequence[str],
                   threshold: float = ROBUST_THRESHOLD, field: str = ROBUST_FIELD
                   ) -> pd.DataFrame:
    """Per lever setting: the share of worlds in which ``field``'s mean >= ``threshold``.

    With its Wilson 95% interval over the worlds that ran, the mean of the field over
    the worlds, and the mean Trans-Caspian volume over the worlds with its interval
    (how much the answer moves across plausible worlds, not across years).
    """
    rows = []
    for setting in sorted(experiments["setting"].unique()):
        group = experiments[experiments["setting"] == setting]
        ran = group[group["replications"] > 0]
        robust = ran[f"{field}_mean"] >= threshold - ROUNDING
        worlds = len(ran)
        share = float(robust.mean()) if worlds else float("nan")
        low, high = wilson_interval(share, worlds) if worlds else (float("nan"),) * 2
        volume = summarize(ran["transcaspian_mt_per_year_mean"]) if worlds else {}
        rows.append({"setting": int(setting), **{p: group[p].iloc[0] for p in lever_paths},
                     "worlds": worlds, "robust_worlds": int(robust.sum()),
                     "robust_share": share, "robust_share_ci95_low": low,
                     "robust_share_ci95_high": high,
                     f"{field}_mean_over_worlds": float(ran[f"{field}_mean"].mean())
                     if worlds else float("nan"),
                     "transcaspian_mt_per_year_mean_over_worlds": volume.get("mean"),
                     "transcaspian_mt_per_year_over_worlds_ci95_low": volume.get("ci95_low"),
                     "transcaspian_mt_per_year_over_worlds_ci95_high": volume.get("ci95_high"),
                     "replications_per_world": int(ran["replications"].min()) if worlds else 0,
                     "threshold": threshold, "field": field})
    return pd.DataFrame(rows)
