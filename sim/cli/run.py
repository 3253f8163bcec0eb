"""``python -m sim run SCENARIO``: a scenario's replications, summarised (a one-point plan)."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from sim.cli.options import (
    check_jobs,
    emit,
    json_safe,
    load,
    non_negative_int,
    positive_int,
    scenario_arguments,
)
from sim.experiments.jobs import default_jobs


def add_parsers(sub: Any) -> None:
    """Add the ``run`` command."""
    run = sub.add_parser("run", help="run a scenario's replications and report KPIs")
    scenario_arguments(run)
    run.add_argument("--replications", type=positive_int, help="replications (overrides "
                     "run.replications)")
    run.add_argument("--seed", type=non_negative_int, help="root seed (overrides run.seed)")
    run.add_argument("--jobs", type=positive_int, default=None,
                     help="worker processes (default: all cores)")
    run.add_argument("--json", action="store_true", help="print one JSON document")
    run.set_defaults(handler=handle)


def years_table(years: Any) -> str:
    """The per-year summary as text: volume with its CI, P(>= 6.0), shut-in, what binds."""
    period = "month" if "month" in years else "year"
    lines = ["", f"Per calendar {period} (mean [95% CI], replications):",
             f"{period:>7} {'days':>4} {'Trans-Caspian Mt/yr':>26} {'P(>=6.0)':>20} "
             f"{'shut-in Mt/yr':>14}  binds (bound of the plan on 1 July: deliverable; "
             "capacity)"]
    for row in years.to_dict("records"):
        when = f"{row['year']}-{int(row['month']):02d}" if "month" in row else str(row["year"])
        lines.append(
            f"{when:>7} {row['days']:>4.0f} "
            f"{row['transcaspian_mt_per_year_mean']:>7.3f} "
            f"[{row['transcaspian_mt_per_year_ci95_low']:.3f}, "
            f"{row['transcaspian_mt_per_year_ci95_high']:.3f}] n={row['replications']:<4} "
            f"{row['reaches_6_0_mean']:>5.2f} [{row['reaches_6_0_ci95_low']:.2f}, "
            f"{row['reaches_6_0_ci95_high']:.2f}] {row['shut_in_mt_per_year_mean']:>14.3f}  "
            f"{row['binding']}; {row.get('capacity_binding', '-')}")
    if "month" not in years:  # the first year a probability is reached needs whole years
        lines += ["", *first_year_lines(years)]
    return "\n".join(lines)


def first_year_lines(years: Any) -> list[str]:
    """When P(>= 6.0) first reaches 0.5 and 0.9: by the estimate and by its 95% interval."""
    from sim.analysis.years import first_year_reaching

    lines = []
    for probability in (0.5, 0.9):
        first = first_year_reaching(years, probability)
        year = first["year"] or "not within the plan"
        lines.append(f"P(>= 6.0 Mt/yr) first reaches {probability:g} in: {year} (by its 95% "
                     f"interval: not before {first['year_possibly'] or 'the end of the plan'}"
                     f", surely by {first['year_surely'] or 'no year of the plan'})")
    return lines


def handle(args: argparse.Namespace) -> int:
    """Run the replications and print the report (a table, or JSON).

    The scenario is loaded and checked before the heavy libraries are imported, so
    bad input is refused at once.
    """
    options = []
    if args.replications is not None:
        options.append(("--replications", f"run.replications={args.replications}"))
    if args.seed is not None:
        options.append(("--seed", f"run.seed={args.seed}"))
    check_jobs(args)
    loaded = load(args, options)
    sc = loaded.scenario
    from sim.analysis.bound import chain_bound
    from sim.report.summary import disruption_description, reach_notes, run_summary
    from sim.report.tables import run_table
    from sim.study import run_replications

    started = time.perf_counter()
    years = None
    if sc.run.start_date is None:
        frame = run_replications(loaded, jobs=args.jobs or default_jobs(), progress=True)
    else:  # a plan over time: the same per calendar year
        from sim.analysis.years import binding_by_year, summarize_years
        from sim.study import run_years

        frame, per_year = run_years(loaded, jobs=args.jobs or default_jobs(), progress=True)
        years = summarize_years(per_year).merge(
            binding_by_year(sc, sorted(per_year["year"].unique())), on="year")
    report = {
        "scenario": sc.name, "scenario_file": str(args.scenario),
        "overrides": list(args.overrides), "replications": sc.run.replications,
        "seed": sc.run.seed, "horizon_days": sc.run.horizon_days,
        "warmup_days": sc.run.warmup_days,
        "russian_route_disruption": disruption_description(sc),
        **run_summary(frame),
        "notes": reach_notes(sc),
        "chain_bound": chain_bound(sc).as_dict(),
        "wall_time_s": time.perf_counter() - started,
    }
    if years is not None:
        report["years"] = years.drop(columns="point").to_dict("records")
        from sim.analysis.years import first_year_reaching

        report["first_year_reaching_6_0"] = [first_year_reaching(years, p) for p in (0.5, 0.9)]
    if args.json:
        emit(json.dumps(json_safe(report), indent=2, allow_nan=False))
    else:
        emit(run_table(report))
        if years is not None:
            emit(years_table(years))
    return 0
