"""``python -m sim headline SCENARIO``: the two-panel answer (the README's main job)."""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.options import (
    check_run_options,
    command_line,
    default_out,
    emit,
    load,
    positive_int,
    report_failures,
    run_options,
    scenario_arguments,
    study_outputs,
)
from sim.errors import one_line


def add_parsers(sub: Any) -> None:
    """Add the ``headline`` command."""
    cmd = sub.add_parser("headline", help="capacity by investment level and surge absorbed "
                         "against p (the scenario's [headline] table)")
    scenario_arguments(cmd)
    cmd.add_argument("--capacity-replications", type=positive_int, metavar="N",
                     help="replications per level in panel A (default: the [headline] table)")
    cmd.add_argument("--surge-replications", type=positive_int, metavar="N",
                     help="replications per level and p in panel B (default: the table)")
    run_options(cmd, "headline")
    study_outputs(cmd)
    cmd.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the headline study, print its two sentences and tables, say where the files are."""
    check_run_options(args)
    loaded = load(args)  # bad input is refused before the heavy libraries are imported
    from sim.experiments.plan import plan_headline

    plan_headline(loaded.scenario, args.seed, args.capacity_replications,
                  args.surge_replications)  # every level and p checked before the imports
    from sim.report.tables import headline_table
    from sim.study import headline

    out = args.out if args.out is not None else default_out(loaded.scenario.name, "headline")
    result = headline(loaded, capacity_replications=args.capacity_replications,
                      surge_replications=args.surge_replications, seed=args.seed,
                      jobs=args.jobs, executor=args.executor, scheduler=args.scheduler,
                      out=out, resume=args.resume, on_error=args.on_error, csv=args.csv,
                      figures=not args.no_figures, progress=True,
                      command_line=command_line())
    emit(headline_table(result.summary))
    emit()
    emit(result.texts["headline.md"].strip())
    emit(f"\nResults in {one_line(str(result.out))}/ (headline.md, summary.csv, "
         "replications.parquet, figures/headline.png, report.html)")
    return report_failures(result.failures, result.out)
