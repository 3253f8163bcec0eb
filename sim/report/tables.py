"""Text tables for the terminal: the ``run`` report and the ``sweep`` summary.

Names, file names and swept strings come from the user: they are shown with
control characters escaped (:func:`~sim.errors.one_line`), so a name cannot
clear the screen or forge a line of the report.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.errors import one_line
from sim.model.results import GROUPS


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
              f"{b['capacity_binding']} binds); expected deliverable "
              f"{b['deliverable_mt_per_year']:.2f} Mt/yr ({b['deliverable_binding']} binds); "
              "mass balance max error "
              f"{report['mass_balance']['max_abs_error_t']:.2e} t over {n} replications; "
              f"{report['wall_time_s']:.1f} s"]
    return "\n".join(lines)


def _row(name: str, s: dict[str, Any]) -> str:
    ci = f"[{_num(s['ci95_low'])}, {_num(s['ci95_high'])}]"
    percentiles = "".join(f"{_num(s[p]):>11}" if p in s else f"{'':>11}"
                          for p in ("p5", "p50", "p95"))
    return f"  {name:<36}{s['unit']:>8}{_num(s['mean']):>11}{ci:>25}{percentiles}"


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3f}"


def sweep_table(summary: pd.DataFrame, params: list[str]) -> str:
    """The sweep summary: per point, Trans-Caspian volume with its CI and the headline KPIs."""
    header = "".join(f"{p.rsplit('.', 1)[-1]:>14}" for p in params)
    lines = [f"{header}{'reps':>6}{'Trans-Caspian Mt/yr [95% CI]':>32}{'P(>=6.0)':>10}"
             f"{'P(>=6.5)':>10}{'shut-in':>9}{'capacity':>9}"]
    for _, row in summary.iterrows():
        values = "".join(f"{_cell(row[p]):>14}" for p in params)
        tc = (f"{row['transcaspian_mt_per_year_mean']:.2f} "
              f"[{row['transcaspian_mt_per_year_ci95_low']:.2f}, "
              f"{row['transcaspian_mt_per_year_ci95_high']:.2f}]")
        lines.append(f"{values}{row['replications']:>6}{tc:>32}{row['reaches_6_0_mean']:>10.2f}"
                     f"{row['reaches_6_5_mean']:>10.2f}{row['shut_in_mt_per_year_mean']:>9.2f}"
                     f"{row['capacity_mt_per_year']:>9.2f}")
    return "\n".join(lines)


def headline_table(summary: pd.DataFrame) -> str:
    """Both headline panels as terminal tables (means with 95% CIs)."""
    a = summary[summary["panel"] == "A"]
    lines = ["A. Capacity by investment level (nomination and allowance above capacity)",
             f"{'level':<34}{'reps':>6}{'Trans-Caspian Mt/yr [95% CI]':>31}"
             f"{'P(>=6.0) [95% CI]':>22}  binds"]
    for _, row in a.iterrows():
        tc = _bracket(row, "transcaspian_mt_per_year")
        reach = _bracket(row, "reaches_6_0")
        level = one_line(str(row["level"]))
        lines.append(f"{level:<34}{row['replications']:>6}{tc:>31}{reach:>22}  {row['binds']}")
    b = summary[summary["panel"] == "B"]
    lines += ["", "B. Surge absorbed at the contract nomination (paired with no diversion)",
              f"{'level':<34}{'p':>6}{'reps':>6}{'extra Trans-Caspian Mt/yr':>28}"
              f"{'shut-in avoided Mt/yr':>26}"]
    for _, row in b.iterrows():
        lines.append(f"{one_line(str(row['level'])):<34}{row['russian_route.disruption.probability']:>6.2f}"
                     f"{row['replications']:>6}"
                     f"{_bracket(row, 'extra_transcaspian_mt_per_year'):>28}"
                     f"{_bracket(row, 'shut_in_avoided_mt_per_year'):>26}")
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
