"""``python -m sim trace SCENARIO``: one replication's event log and timeline.

``--replication K`` traces replication K; ``--pick worst|p5|median`` first runs
the scenario's ``run.replications`` (unrecorded) and traces the one with the lowest,
the 5th-percentile or the median Trans-Caspian volume.
"""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.options import (
    check_jobs,
    command_line,
    default_out,
    emit,
    load,
    non_negative_int,
    positive_int,
    scenario_arguments,
)
from sim.errors import notice, one_line

PICKS = ("worst", "p5", "median")  # sim.experiments.trace.PICKS, without importing pandas


def add_parsers(sub: Any) -> None:
    """Add the ``trace`` command."""
    cmd = sub.add_parser("trace", help="event log and timeline of one replication (the "
                         "worst, P5 or median year, or replication K)")
    scenario_arguments(cmd)
    which = cmd.add_mutually_exclusive_group(required=True)
    which.add_argument("--replication", type=non_negative_int, metavar="K",
                       help="trace replication K (0 to run.replications - 1)")
    which.add_argument("--pick", choices=PICKS, help="run the scenario's replications and "
                       "trace the year with the lowest (worst), 5th-percentile (p5) or median "
                       "Trans-Caspian volume")
    cmd.add_argument("--seed", type=non_negative_int, help="root seed (overrides run.seed)")
    cmd.add_argument("--jobs", type=positive_int, default=None,
                     help="worker processes for --pick (default: all cores)")
    cmd.add_argument("--out", metavar="DIR", help="results directory (default: "
                     "runs/NAME-trace-TIME)")
    cmd.add_argument("--no-figures", action="store_true", help="skip drawing the timeline")
    cmd.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Choose and record the replication, write the log and the timeline, say where."""
    from sim.experiments.trace import check_replication, store_trace, trace, trace_directory

    options = [("--seed", f"run.seed={args.seed}")] if args.seed is not None else []
    check_jobs(args)
    loaded = load(args, options)
    sc = loaded.scenario
    if args.replication is not None:
        check_replication(sc, args.replication)
    out = args.out if args.out is not None else default_out(sc.name, "trace")
    with trace_directory(out) as results_dir:  # refused before anything runs
        traced = trace(sc, replication=args.replication, pick=args.pick, jobs=args.jobs,
                       progress=args.pick is not None)
        failed = store_trace(traced, results_dir, None if loaded.path is None
                             else str(loaded.path), command_line(), figures=not args.no_figures)
    for name, reason in failed.items():
        notice(f"figure {name} not drawn: {reason}; the event log is complete")
    result = traced.result
    emit(f"{sc.name}: replication {traced.replication} (seed {traced.seed}), "
         f"{traced.chosen_by}")
    emit(f"Trans-Caspian {result.transcaspian_mt_per_year:.3f} Mt/yr, "
         f"{len(traced.recorder.activities):,} events logged")
    files = "events.parquet, events.csv, series.parquet"
    if traced.candidates is not None:
        files += ", replications.parquet"
    if not args.no_figures and not failed:
        files += ", figures/timeline.png"
    emit(f"Results in {one_line(str(results_dir.path))}/ ({files})")
    return 1 if failed else 0
