"""Sensitivity results as a tornado, a table, and the Markdown section "What the answer depends on".

- :func:`tornado`: for each output a panel; each uncertain input a row, ranked by
  swing, with bars from zero to the paired change at the low end (blue) and at the
  high end (orange) of its range, and their 95% intervals as whiskers.
- :func:`indices_figure`: Morris mu* or Sobol ST per input, with 95% intervals.
- :func:`effects_text`, :func:`indices_text`: the same as terminal tables.
- :func:`render_markdown`: a pure function of sensitivity results (no I/O, no dates):
  the section the validation report links to, written by ``tools/sensitivity_report.py``.

Figures are :class:`matplotlib.figure.Figure` objects built without pyplot.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.sensitivity import SensitivityResult, precision
from sim.model.results import TARGET_LOW_MT_PER_YEAR

#: Short names of the headline outputs in figures and prose.
OUTPUT_LABELS = {"transcaspian_mt_per_year": "Trans-Caspian Mt/yr",
                 "reaches_6_0": "P(>= 6.0)", "reaches_6_5": "P(>= 6.5)",
                 "shut_in_mt_per_year": "shut-in Mt/yr"}
LOW_COLOUR, HIGH_COLOUR = "C0", "C1"
#: Index names in words.
INDEX_LABELS = {"mu_star": "Morris mu* (mean |elementary effect| over the whole range)",
                "ST": "total Sobol index ST (share of variance, interactions included)"}


def output_label(name: str) -> str:
    """Short label of an output field."""
    return OUTPUT_LABELS.get(name, name)


def number(value: Any, signed: bool = False) -> str:
    """A value for tables: thousands separated, three significant decimals for small ones."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    sign = "+" if signed and value > 0 else ""
    if abs(value) >= 1000:
        return f"{sign}{value:,.0f}"
    if isinstance(value, int) or float(value).is_integer() and not signed:
        return f"{sign}{value:g}"
    return f"{sign}{value:.2f}" if abs(value) >= 0.095 or value == 0 else f"{sign}{value:.3f}"


def _change(row: Any, end: str) -> str:
    return (f"{number(getattr(row, f'{end}_delta_mean'), True)} "
            f"[{number(getattr(row, f'{end}_delta_ci95_low'), True)}, "
            f"{number(getattr(row, f'{end}_delta_ci95_high'), True)}]")


def tornado(result: SensitivityResult, top: int | None = None) -> Figure:
    """One panel per output: each input's paired change at its low and high end (ranked)."""
    assert result.effects is not None, "a tornado needs one-at-a-time effects"
    outputs = result.outputs
    count = len(result.effects[result.effects["output"] == outputs[0]])
    shown = min(top or count, count)
    fig = Figure(figsize=(6.5 * len(outputs), 1.6 + 0.32 * shown), layout="constrained")
    axes = fig.subplots(1, len(outputs), squeeze=False)[0]
    for ax, output in zip(axes, outputs, strict=True):
        rows = (result.effects[result.effects["output"] == output].sort_values("rank")
                .head(shown).iloc[::-1])
        y = range(len(rows))
        for end, colour, offset in (("low", LOW_COLOUR, 0.2), ("high", HIGH_COLOUR, -0.2)):
            delta = rows[f"{end}_delta_mean"].to_numpy()
            err = np.clip([delta - rows[f"{end}_delta_ci95_low"].to_numpy(),
                           rows[f"{end}_delta_ci95_high"].to_numpy() - delta], 0, None)
            at = [v + offset for v in y]
            ax.barh(at, delta, height=0.4, color=colour, alpha=0.85,
                    label=f"{end} end of the range")
            ax.errorbar(delta, at, xerr=err, fmt="none", ecolor="black", elinewidth=0.8,
                        capsize=2)
        ax.set_yticks(list(y), [f"{r.input} ({number(r.low)} to {number(r.high)})"
                                for r in rows.itertuples()], fontsize=7)
        ax.axvline(0, color="black", linewidth=0.8)
        base = result.baseline[output]
        ax.set_xlabel(f"change in {output_label(output)} from the scenario as it is "
                      f"({number(base['mean'])} [{number(base['ci95_low'])}, "
                      f"{number(base['ci95_high'])}])", fontsize=8)
        ax.grid(axis="x", alpha=0.3)
        ax.legend(fontsize=7, loc="lower right")
    fig.suptitle(f"{result.scenario}: what the answer depends on (each input alone at the ends "
                 f"of its range; {result.replications} paired replications, 95% intervals)",
                 fontsize=9)
    return fig


def indices_figure(result: SensitivityResult) -> Figure:
    """One panel per output: the global index of each input with its 95% interval."""
    assert result.indices is not None, "needs Morris or Sobol indices"
    outputs = result.outputs
    count = len(result.indices[result.indices["output"] == outputs[0]])
    fig = Figure(figsize=(6.5 * len(outputs), 1.6 + 0.32 * count), layout="constrained")
    axes = fig.subplots(1, len(outputs), squeeze=False)[0]
    for ax, output in zip(axes, outputs, strict=True):
        rows = result.indices[result.indices["output"] == output].sort_values("rank").iloc[::-1]
        value = rows["value"].to_numpy()
        err = np.clip([value - rows["ci95_low"].to_numpy(), rows["ci95_high"].to_numpy() - value],
                      0, None)
        ax.barh(range(len(rows)), value, color="C2", xerr=err, capsize=2)
        ax.set_yticks(list(range(len(rows))), list(rows["input"]), fontsize=7)
        index = str(rows["index"].iloc[0])
        ax.set_xlabel(f"{INDEX_LABELS.get(index, index)}: {output_label(output)}", fontsize=8)
        ax.grid(axis="x", alpha=0.3)
    size = ", ".join(f"{k} {v}" for k, v in result.design.items() if k != "method")
    fig.suptitle(f"{result.scenario}: {result.method} indices ({size}; {result.replications} "
                 "replications per point, 95% bootstrap intervals)", fontsize=9)
    return fig


def effects_text(result: SensitivityResult) -> str:
    """The one-at-a-time table for the terminal, one block per output."""
    assert result.effects is not None
    lines = []
    for output in result.outputs:
        base = result.baseline[output]
        check = precision(result.effects, output)
        lines += [f"{output} ({output_label(output)}): as it is {number(base['mean'])} "
                  f"[{number(base['ci95_low'])}, {number(base['ci95_high'])}], "
                  f"n = {base['n']}; paired half-widths median "
                  f"{number(check['median_paired_half_width'])} (independent replications: "
                  f"{number(check['median_unpaired_half_width'])})",
                  f"{'rank':>4}  {'input':<46}{'low':>10}{'high':>10}"
                  f"{'change at low [95% CI]':>30}{'change at high [95% CI]':>30}"]
        rows = result.effects[result.effects["output"] == output].sort_values("rank")
        for r in rows.itertuples():
            lines.append(f"{r.rank:>4}  {str(r.input):<46}{number(r.low):>10}"
                         f"{number(r.high):>10}{_change(r, 'low'):>30}{_change(r, 'high'):>30}")
        lines.append("")
    return "\n".join(lines).rstrip()


def indices_text(result: SensitivityResult) -> str:
    """The Morris or Sobol table for the terminal, one block per output."""
    assert result.indices is not None
    size = ", ".join(f"{k} {v}" for k, v in result.design.items() if k != "method")
    lines = [f"{result.method}: {size}; {result.replications} replications per point "
             "(common random numbers)"]
    for output in result.outputs:
        rows = result.indices[result.indices["output"] == output].sort_values("rank")
        index = str(rows["index"].iloc[0])
        lines += ["", f"{output}: {INDEX_LABELS.get(index, index)}",
                  f"{'rank':>4}  {'input':<46}{'value [95% CI]':>28}"]
        for r in rows.itertuples():
            lines.append(f"{r.rank:>4}  {str(r.input):<46}"
                         f"{number(r.value) + ' [' + number(r.ci95_low) + ', ':>20}"
                         f"{number(r.ci95_high)}]")
    return "\n".join(lines)


def render_markdown(results: Sequence[SensitivityResult],
                    images: Mapping[str, str] | None = None,
                    command: str = "python tools/sensitivity_report.py",
                    top: int = 6, heading: str = "##") -> str:
    """The section "What the answer depends on" for one-at-a-time results (pure function).

    ``images`` maps a scenario name to the path of its tornado, relative to the
    document. Every number comes from ``results``; nothing is read or dated.
    """
    first = results[0]
    lines = [f"{heading} What the answer depends on", "",
             f"Generated by `{command}`. Each uncertain input of the scenario (its "
             "`[uncertainty]` table: the plausible range of every estimate, with the reason, "
             "from `docs/sources.md` §7) is moved alone to the low and to the high end of its "
             f"range; {first.replications} replications per end, the same replications at "
             "every point (common random numbers), so each change is a paired difference "
             "with a 95% interval. Inputs are ranked by the larger change either end causes "
             "in the Trans-Caspian volume.", ""]
    for result in results:
        lines += _scenario_section(result, images or {}, top, heading + "#")
    return "\n".join(lines).rstrip() + "\n"


def _scenario_section(result: SensitivityResult, images: Mapping[str, str], top: int,
                      heading: str) -> list[str]:
    assert result.effects is not None
    volume, reach = "transcaspian_mt_per_year", "reaches_6_0"
    base_v, base_p = result.baseline[volume], result.baseline.get(reach)
    lines = [f"{heading} `{result.scenario}`", "",
             f"As it is: Trans-Caspian {_ci(base_v)} Mt/yr"
             + (f", P(>= 6.0) = {_ci(base_p)}" if base_p else "")
             + f" ({result.replications} replications, seed {result.seed}).", ""]
    effects = result.effects
    vol = effects[effects["output"] == volume].sort_values("rank")
    prob = effects[effects["output"] == reach].set_index("input") if base_p else None
    lines += ["| rank | input | range | Trans-Caspian Mt/yr at low | at high |"
              + (" P(>= 6.0) at low | at high |" if prob is not None else ""),
              "|---:|---|---|---|---|" + ("---|---|" if prob is not None else "")]
    for r in vol.head(top).itertuples():
        cells = (f"| {r.rank} | `{r.input}` | {number(r.low)} to {number(r.high)} | "
                 f"{_at(r, 'low')} | {_at(r, 'high')} |")
        if prob is not None:
            p = prob.loc[str(r.input)]
            cells += f" {number(p.low_mean)} | {number(p.high_mean)} |"
        lines.append(cells)
    lines.append("")
    lines += [_verdict(result, vol, prob), ""]
    check = precision(effects, volume)
    lines += [f"How precise: over the ends that change the volume at all, the paired 95% "
              f"half-widths are "
              f"{number(check['median_paired_half_width'])} Mt/yr at the median and "
              f"{number(check['max_paired_half_width'])} at most; the same number of "
              f"independent replications would give {number(check['median_unpaired_half_width'])}"
              f" at the median. {_resolved(check['resolved_leading_ranks'])}", ""]
    if result.scenario in images:
        lines += [f"![Tornado of {result.scenario}]({images[result.scenario]})", ""]
    return lines


def _ci(stat: Mapping[str, float]) -> str:
    return f"{number(stat['mean'])} [{number(stat['ci95_low'])}, {number(stat['ci95_high'])}]"


def _at(row: Any, end: str) -> str:
    return (f"{number(getattr(row, f'{end}_mean'))} "
            f"({number(getattr(row, f'{end}_delta_mean'), True)} "
            f"[{number(getattr(row, f'{end}_delta_ci95_low'), True)}, "
            f"{number(getattr(row, f'{end}_delta_ci95_high'), True)}])")


def _resolved(count: int) -> str:
    if count == 0:
        return "The first two ranks are not separated at this precision."
    return (f"The first {count + 1} ranks are separated (each swing's interval clear of the "
            "next)." if count < 3 else "The first three ranks are separated (each swing's "
            "interval clear of the next).")


def _verdict(result: SensitivityResult, vol: pd.DataFrame, prob: pd.DataFrame | None) -> str:
    """One paragraph: which inputs move the answer, and whether any reaches or loses 6.0."""
    clear = ((vol["low_delta_ci95_low"] > 0) | (vol["low_delta_ci95_high"] < 0)
             | (vol["high_delta_ci95_low"] > 0) | (vol["high_delta_ci95_high"] < 0))
    moving = {str(name) for name in vol.loc[clear, "input"]}
    quiet = [str(r.input) for r in vol.itertuples() if str(r.input) not in moving]
    base = result.baseline["transcaspian_mt_per_year"]["mean"]
    ends = vol[["low_mean", "high_mean"]]
    crossing = [f"`{r.input}` at its {end} end ({number(getattr(r, f'{end}_mean'))})"
                for r in vol.itertuples() for end in ("low", "high")
                if (getattr(r, f"{end}_mean") >= TARGET_LOW_MT_PER_YEAR) != (
                    base >= TARGET_LOW_MT_PER_YEAR)]
    text = (f"{len(moving)} of {len(vol)} inputs change the Trans-Caspian volume detectably; "
            f"the largest swing is `{vol.iloc[0]['input']}` "
            f"({number(vol.iloc[0]['swing'])} Mt/yr).")
    if crossing:
        text += (" The mean " + ("falls below" if base >= TARGET_LOW_MT_PER_YEAR else
                                 "reaches") + " 6.0 Mt/yr under " + ", ".join(crossing) + ".")
    else:
        text += (" No single input moves the mean across 6.0 Mt/yr ("
                 + ("it stays above" if base >= TARGET_LOW_MT_PER_YEAR else "it stays below")
                 + f" at every end: from {number(float(ends.min().min()))} to "
                 f"{number(float(ends.max().max()))} Mt/yr).")
    if prob is not None:
        flips = prob[(prob["low_delta_ci95_high"] < -0.05) | (prob["high_delta_ci95_high"] < -0.05)
                     | (prob["low_delta_ci95_low"] > 0.05) | (prob["high_delta_ci95_low"] > 0.05)]
        if len(flips):
            text += (" P(>= 6.0) changes by more than 0.05 (at 95% confidence) under "
                     + ", ".join(f"`{name}`" for name in flips.sort_values("rank").index) + ".")
    if quiet:
        text += f" No detectable effect: {', '.join(f'`{q}`' for q in quiet)}."
    return text
