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
    frame = run_replications(loaded, jobs=args.jobs or default_jobs(), progress=True)
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
    if args.json:
        emit(json.dumps(json_safe(report), indent=2, allow_nan=False))
    else:
        emit(run_table(report))
    return 0
