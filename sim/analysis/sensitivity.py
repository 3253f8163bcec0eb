"""What the answer depends on: effects of the uncertain inputs, measured on paired replications.

One at a time (``oat``): every input is moved alone to each end of its range and the
change in each output is the mean of the replication-by-replication difference from
the scenario as it is, with a Student-t 95% interval (common random numbers make the
pairs; :func:`oat_effects` also reports the interval the same number of independent
replications would give). Inputs are ranked by their *swing*, the larger of the two
changes in absolute value: what the least favourable end of the range does.

Global (``morris``, ``sobol``): SALib's estimators on the per-point means, in the
unit cube of the inputs' quantiles. Morris' mu* is the mean absolute elementary
effect (output units per whole range); Sobol's S1 and ST are shares of the output's
variance over the ranges. Each index comes with SALib's bootstrap 95% interval.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.stats import paired_difference, summarize, unpaired_half_width
from sim.errors import RunFailure, ScenarioError
from sim.experiments.designs import Design, design_rng, salib_problem
from sim.model.results import OutputField, output_fields
from sim.scenario.inputs import UncertainInput

#: Outputs every sensitivity study reports (more with ``--output``).
DEFAULT_OUTPUTS = ("transcaspian_mt_per_year", "reaches_6_0")

#: Bootstrap resamples behind the intervals of the global indices.
RESAMPLES = 1000


@dataclass
class SensitivityResult:
    """A sensitivity study: what was varied, how, and what it did to each output."""

    scenario: str
    method: str
    replications: int
    seed: int
    outputs: list[str]
    inputs: pd.DataFrame  # one row per uncertain input: column, path, low, high, ...
    design: dict[str, Any]
    baseline: dict[str, dict[str, float]] = field(default_factory=dict)  # oat: per output
    effects: pd.DataFrame | None = None  # oat: one row per input and output
    indices: pd.DataFrame | None = None  # morris, sobol: one row per input and output
    out: Path | None = None

    def ranking(self, output: str) -> list[str]:
        """Inputs (table names) from the most to the least influential on ``output``."""
        table = self.effects if self.effects is not None else self.indices
        if table is None:
            return []
        rows = table[table["output"] == output].sort_values("rank")
        return [str(name) for name in rows["input"]]


def resolve_outputs(names: Sequence[str]) -> list[OutputField]:
    """The summarised output fields named (defaults first); unknown names are refused."""
    fields = {f.name: f for f in output_fields() if f.kind != "id"}
    chosen = []
    for name in dict.fromkeys([*DEFAULT_OUTPUTS, *names]):
        if name not in fields:
            close = difflib.get_close_matches(name, list(fields), n=1, cutoff=0.6)
            hint = (f"did you mean '{close[0]}'?" if close else
                    "give a summarised output field of docs/outputs.md, e.g. "
                    "shut_in_mt_per_year")
            raise ScenarioError("--output", "", name, f"unknown output field; {hint}")
        chosen.append(fields[name])
    return chosen


def inputs_table(inputs: Sequence[UncertainInput]) -> pd.DataFrame:
    """One row per uncertain input: table name, path, ends, distribution, value, reason."""
    return pd.DataFrame([{
        "input": item.column, "path": item.path, "low": item.ends[0], "high": item.ends[1],
        "relative": item.spec.relative, "distribution": item.distribution,
        "scenario_value": _shown(item.nominal), "reason": item.spec.reason}
        for item in inputs])


def oat_effects(frame: pd.DataFrame, inputs: Sequence[UncertainInput],
                outputs: Sequence[OutputField]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Paired effects of each input's ends on each output, ranked by swing.

    ``frame`` holds the replications of a :func:`~sim.experiments.designs.one_at_a_time`
    design (point 0 the scenario as it is; points 2i+1, 2i+2 input i low, high).
    Returns the effects table and the baseline statistics per output.
    """
    by_point = _by_point(frame, 1 + 2 * len(inputs))
    base = by_point[0]
    rows, baseline = [], {}
    for output in outputs:
        binary = output.kind == "indicator"
        baseline[output.name] = summarize(base[output.name], binary=binary)
        for i, item in enumerate(inputs):
            row: dict[str, Any] = {"input": item.column, "path": item.path,
                                   "output": output.name, "unit": output.unit,
                                   "low": item.ends[0], "high": item.ends[1],
                                   "baseline_mean": baseline[output.name]["mean"]}
            for end, point in (("low", 2 * i + 1), ("high", 2 * i + 2)):
                group = by_point[point]
                shared = base.index.intersection(group.index)
                at_end = summarize(group[output.name], binary=binary)
                change = paired_difference(base.loc[shared, output.name],
                                           group.loc[shared, output.name], binary)
                row.update({f"{end}_mean": at_end["mean"], f"{end}_ci95_low": at_end["ci95_low"],
                            f"{end}_ci95_high": at_end["ci95_high"],
                            f"{end}_delta_mean": change["mean"],
                            f"{end}_delta_ci95_low": change["ci95_low"],
                            f"{end}_delta_ci95_high": change["ci95_high"],
                            f"{end}_delta_half_width": change["half_width"],
                            f"{end}_delta_unpaired_half_width": unpaired_half_width(
                                base[output.name], group[output.name])})
            row["n"] = int(len(base))
            row["swing"] = max(abs(row["low_delta_mean"]), abs(row["high_delta_mean"]))
            rows.append(row)
    table = pd.DataFrame(rows)
    # Ties (e.g. a probability no input moves) keep the order of the first output.
    first = table[table["output"] == outputs[0].name].set_index("input")["swing"]
    table["tie"] = table["input"].map(first)
    table = table.sort_values(["output", "swing", "tie"], ascending=[True, False, False],
                              kind="stable")
    table["rank"] = table.groupby("output").cumcount() + 1
    order = {o.name: i for i, o in enumerate(outputs)}
    table = table.sort_values(["output", "rank"], key=lambda c: c.map(order) if c.name ==
                              "output" else c, kind="stable")
    return table.drop(columns="tie").reset_index(drop=True), baseline


def precision(effects: pd.DataFrame, output: str, top: int = 3) -> dict[str, Any]:
    """How well the replications resolve the effects on ``output``.

    The median and largest paired half-width over the input ends that changed the
    output at all, the median half-width independent replications would have given
    there, and how many of the leading ranks are resolved (each swing's interval
    clear of the next one's).
    """
    rows = effects[effects["output"] == output].sort_values("rank")
    paired = np.concatenate([rows["low_delta_half_width"], rows["high_delta_half_width"]])
    unpaired = np.concatenate([rows["low_delta_unpaired_half_width"],
                               rows["high_delta_unpaired_half_width"]])
    moved = paired > 0  # ends that changed anything (others have no spread to measure)
    paired, unpaired = (paired[moved], unpaired[moved]) if moved.any() else (paired, unpaired)
    low_wins = rows["low_delta_mean"].abs().to_numpy() >= rows["high_delta_mean"].abs().to_numpy()
    swing_hw = np.where(low_wins, rows["low_delta_half_width"].to_numpy(),
                        rows["high_delta_half_width"].to_numpy())
    swings = rows["swing"].to_numpy(dtype=float)
    resolved = 0
    for k in range(min(top, len(swings) - 1)):
        if swings[k] - swing_hw[k] > swings[k + 1] + swing_hw[k + 1]:
            resolved += 1
        else:
            break
    return {"median_paired_half_width": float(np.nanmedian(paired)),
            "max_paired_half_width": float(np.nanmax(paired)),
            "median_unpaired_half_width": float(np.nanmedian(unpaired)),
            "resolved_leading_ranks": resolved, "n": int(rows["n"].iloc[0]) if len(rows) else 0}


def point_means(frame: pd.DataFrame, outputs: Sequence[OutputField], points: int
                ) -> dict[str, np.ndarray]:
    """Per design point, the mean of each output over its replications (point order)."""
    means = frame.groupby("point")[[o.name for o in outputs]].mean()
    missing = sorted(set(range(points)) - set(means.index))
    if missing:
        raise RunFailure(f"{len(missing)} design points have no replications (first: point "
                         f"{missing[0]}); rerun with --resume to complete them")
    return {o.name: means.reindex(range(points))[o.name].to_numpy(dtype=float) for o in outputs}


def morris_indices(frame: pd.DataFrame, design: Design, inputs: Sequence[UncertainInput],
                   outputs: Sequence[OutputField], seed: int) -> pd.DataFrame:
    """Morris mu*, mu and sigma per input and output, with bootstrap 95% CIs of mu*."""
    from SALib.analyze import morris as analyze

    assert design.unit_sample is not None
    problem = salib_problem(inputs)
    rows = []
    for output, y in point_means(frame, outputs, len(design.points)).items():
        result = analyze.analyze(problem, design.unit_sample, y,
                                 num_levels=int(design.info["levels"]), conf_level=0.95,
                                 num_resamples=RESAMPLES, print_to_console=False,
                                 seed=design_rng(seed, "analysis"))
        for i, item in enumerate(inputs):
            mu_star, conf = float(result["mu_star"][i]), float(result["mu_star_conf"][i])
            rows.append({"input": item.column, "path": item.path, "output": output,
                         "index": "mu_star", "value": mu_star, "ci95_low": mu_star - conf,
                         "ci95_high": mu_star + conf, "mu": float(result["mu"][i]),
                         "sigma": float(result["sigma"][i])})
    return _ranked(pd.DataFrame(rows))


def sobol_indices(frame: pd.DataFrame, design: Design, inputs: Sequence[UncertainInput],
                  outputs: Sequence[OutputField], seed: int) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol indices per input and output, with 95% CIs."""
    from SALib.analyze import sobol as analyze

    problem = salib_problem(inputs)
    analysis_seed = int(design_rng(seed, "analysis").integers(1, 2**31 - 1))
    rows = []
    for output, y in point_means(frame, outputs, len(design.points)).items():
        if np.ptp(y) == 0:  # a constant output has no variance to share out
            result = {key: np.zeros(len(inputs)) for key in ("S1", "S1_conf", "ST", "ST_conf")}
        else:
            result = analyze.analyze(problem, y, calc_second_order=False,
                                     num_resamples=RESAMPLES, conf_level=0.95,
                                     print_to_console=False, seed=analysis_seed)
        for i, item in enumerate(inputs):
            st, st_conf = float(result["ST"][i]), float(result["ST_conf"][i])
            s1, s1_conf = float(result["S1"][i]), float(result["S1_conf"][i])
            rows.append({"input": item.column, "path": item.path, "output": output,
                         "index": "ST", "value": st, "ci95_low": st - st_conf,
                         "ci95_high": st + st_conf, "S1": s1, "S1_ci95_low": s1 - s1_conf,
                         "S1_ci95_high": s1 + s1_conf})
    return _ranked(pd.DataFrame(rows))


def _ranked(table: pd.DataFrame) -> pd.DataFrame:
    table["rank"] = (table.groupby("output")["value"].rank(ascending=False, method="first")
                     .astype(int))
    return table.sort_values(["output", "rank"], kind="stable").reset_index(drop=True)


def _by_point(frame: pd.DataFrame, points: int) -> dict[Any, pd.DataFrame]:
    by_point: dict[Any, pd.DataFrame] = {p: g.set_index("replication").sort_index()
                                         for p, g in frame.groupby("point")}
    missing = [p for p in range(points) if p not in by_point]
    if missing:
        raise RunFailure(f"{len(missing)} design points have no replications (first: point "
                         f"{missing[0]}); rerun with --resume to complete them")
    return by_point


def _shown(value: Any) -> Any:
    """A scenario value for a table cell (lists as text)."""
    if isinstance(value, tuple):
        return "[" + ", ".join(f"{v:g}" for v in value) + "]"
    return value if value is not None else math.nan

