"""Text tables for the terminal: the ``run`` report and the ``sweep`` summary.

Every column header carries its unit, a probability names the route and target it
is about, and each point says what binds it (in the words of the headline). A 95%
interval from fewer than :data:`~sim.analysis.stats.MIN_REPLICATIONS_FOR_CI`
replications is marked ``*`` with a footnote.

Names, file names and swept strings come from the user: they are shown with
control characters escaped (:func:`~sim.errors.one_line`), so a name cannot
clear the screen or forge a line of the report.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.stats import MIN_REPLICATIONS_FOR_CI, too_few
from sim.errors import one_line
from sim.model.results import GROUPS, TARGET_HIGH_MT_PER_YEAR, TARGET_LOW_MT_PER_YEAR
from sim.report.headline import STAGES

#: Footnote of a 95% interval from too few replications.
FEW_MARK = "*"


def run_table(report: dict[str, Any]) -> str:
    """The ``run`` report: every summarised field by group, then the ceiling and the checks."""
    d = report["russian_route_disruption"]
    n = report["replications"]
    lines = [
        f"Scenario {one_line(report['scenario'])} ({one_line(report['scenario_file'])}): "
        f"{n} replications x "
        f"{report['horizon_days']:g} days, seed {report['seed']}",
        f"Russian route major disruptions given as {d['given_as']}: p = "
        f"{d['probability']:.3f} (share of days disrupted), "
        f"{d['onsets_per_calendar_year']:.2f} onsets a calendar year "
        f"({d['rate_per_year']:.2f} a year of up-time), mean {d['mean_duration_days']:g} days, "
        f"{d['capacity_loss_fraction']:.0%} capacity lost; short halts apart",
        "",
        f"{'field':<38}{'unit':>8}{'mean':>11}{'95% CI':>25}{'P5':>11}{'P50':>11}{'P95':>11}",
    ]
    for group in GROUPS:
        if group in ("id", "bookkeeping"):
            continue
        lines += ["", group]
        lines += [_row(name, s) for name, s in report[group].items()]
    for name, note in report.get("notes", {}).items():
        lines.append(f"  note on {name}: {note}")
    b = report["chain_bound"]
    lines += ["", f"Physical capacity {b['capacity_mt_per_year']:.2f} Mt/yr ("
              f"{binds(b['capacity_binding'])} binds); expected deliverable "
              f"{b['deliverable_mt_per_year']:.2f} Mt/yr ({binds(b['deliverable_binding'])} "
              "binds); mass balance max error "
              f"{report['mass_balance']['max_abs_error_t']:.2e} t over {n} replications; "
              f"{report['wall_time_s']:.1f} s"]
    if too_few(n):
        lines.append(_few_note(n, "95% CIs and percentiles"))
    return "\n".join(lines)


def _row(name: str, s: dict[str, Any]) -> str:
    """A field's line: unit, mean, 95% CI (marked if from too few) and, if continuous, P5-P95."""
    mark = FEW_MARK if too_few(s["n"]) else ""
    ci = f"[{_num(s['ci95_low'])}, {_num(s['ci95_high'])}]{mark}"
    percentiles = "".join(f"{_num(s[p]):>11}" if p in s else f"{'':>11}"
                          for p in ("p5", "p50", "p95"))
    return f"  {name:<36}{s['unit']:>8}{_num(s['mean']):>11}{ci:>25}{percentiles}"


def _few_note(n: int, what: str = "95% CIs") -> str:
    """The footnote of intervals marked as resting on too few replications."""
    return (f"{FEW_MARK} from {n} replications, fewer than {MIN_REPLICATIONS_FOR_CI}: too few "
            f"for these {what} to be trusted; run more replications")


def binds(term: str) -> str:
    """What binds, in the headline's words: a stage (``the tanker fleet``), supply or BTC."""
    return STAGES[term][0] if term in STAGES else term


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3f}"


#: The sweep table's Trans-Caspian columns under their common header: title and field.
SWEEP_COLUMNS = (
    ("Mt/yr [95% CI]", "transcaspian_mt_per_year"),
    (f"P(>= {TARGET_LOW_MT_PER_YEAR} Mt/yr) [CI]", "reaches_6_0"),
    (f"P(>= {TARGET_HIGH_MT_PER_YEAR} Mt/yr) [CI]", "reaches_6_5"),
)
SWEEP_GROUP = "Trans-Caspian volume into BTC"


def sweep_table(summary: pd.DataFrame, params: list[str]) -> str:
    """The sweep summary: per point, the headline KPIs with their units, capacity and what binds.

    Swept fields are named by their full dotted path; the Trans-Caspian volume and
    the probabilities of reaching each target carry 95% CIs; ``binds`` is what
    limits the point's expected deliverable (a stage of the chain, supply or the
    BTC allowance).
    """
    widths = [max(len(p), 8) + 2 for p in params]
    columns = [max(len(title), len("99.99 [99.99, 99.99]*")) + 2 for title, _ in SWEEP_COLUMNS]
    lines = [(" " * (sum(widths) + 6) + f"{SWEEP_GROUP:^{sum(columns)}}").rstrip(),
             "".join(f"{p:>{w}}" for p, w in zip(params, widths, strict=True)) + f"{'reps':>6}"
             + "".join(f"{title:>{w}}" for (title, _), w in zip(SWEEP_COLUMNS, columns,
                                                                 strict=True))
             + f"{'shut-in Mt/yr':>15}{'capacity Mt/yr':>16}  binds"]
    few = 0
    for _, row in summary.iterrows():
        n = int(row["replications"])
        few = few or (n if too_few(n) else 0)
        cells = [_bracket(row, name) + (FEW_MARK if too_few(n) else " ")
                 for _, name in SWEEP_COLUMNS]
        lines.append("".join(f"{_cell(row[p]):>{w}}" for p, w in zip(params, widths,
                                                                      strict=True))
                     + f"{n:>6}" + "".join(f"{cell:>{w}}" for cell, w in zip(cells, columns,
                                                                              strict=True))
                     + f"{row['shut_in_mt_per_year_mean']:>15.2f}"
                     f"{row['capacity_mt_per_year']:>16.2f}  "
                     + binds(str(row.get("deliverable_binding", ""))))
    if few:
        lines.append(_few_note(few))
    return "\n".join(lines)


def headline_table(summary: pd.DataFrame) -> str:
    """Both headline panels as terminal tables (means with 95% CIs; p is the Russian route's)."""
    a = summary[summary["panel"] == "A"]
    lines = ["A. Capacity by investment level (nomination and allowance above capacity)",
             f"{'level':<34}{'reps':>6}{'Trans-Caspian Mt/yr [95% CI]':>31}"
             f"{'P(>= 6.0 Mt/yr) [95% CI]':>27}  binds"]
    for _, row in a.iterrows():
        mark = FEW_MARK if too_few(row["replications"]) else " "
        tc = _bracket(row, "transcaspian_mt_per_year") + mark
        reach = _bracket(row, "reaches_6_0") + mark
        level = one_line(str(row["level"]))
        lines.append(f"{level:<34}{row['replications']:>6}{tc:>31}{reach:>27}  {row['binds']}")
    b = summary[summary["panel"] == "B"]
    lines += ["", "B. Surge absorbed at the contract nomination (paired with no diversion)",
              f"{'level':<34}{'Russian-route p':>16}{'reps':>6}"
              f"{'extra Trans-Caspian Mt/yr':>28}{'shut-in avoided Mt/yr':>26}"]
    for _, row in b.iterrows():
        mark = FEW_MARK if too_few(row["replications"]) else " "
        lines.append(f"{one_line(str(row['level'])):<34}"
                     f"{row['russian_route.disruption.probability']:>16.2f}{row['replications']:>6}"
                     f"{_bracket(row, 'extra_transcaspian_mt_per_year') + mark:>28}"
                     f"{_bracket(row, 'shut_in_avoided_mt_per_year') + mark:>26}")
    few = [n for n in summary["replications"] if too_few(n)]
    if few:
        lines.append(_few_note(min(few)))
    return "\n".join(lines)


def _bracket(row: pd.Series, name: str) -> str:
    """``mean [low, high]`` of a field in a summary row."""
    return (f"{row[f'{name}_mean']:.2f} [{row[f'{name}_ci95_low']:.2f}, "
            f"{row[f'{name}_ci95_high']:.2f}]")


def _cell(value: Any) -> str:
    """A swept value as in TOML (``true``, ``6``, ``0.25``), control characters escaped."""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        return f"{value:.4g}"
    return one_line(str(value))
