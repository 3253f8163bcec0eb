"""``python -m sim sweep SCENARIO``: one or two fields over a grid, into a results directory."""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.options import (
    check_run_options,
    command_line,
    default_out,
    emit,
    load,
    positive_float,
    positive_int,
    report_failures,
    run_options,
    scenario_arguments,
    study_outputs,
)
from sim.errors import NO_VALUE, ScenarioError, notice, one_line, short_path


def add_parsers(sub: Any) -> None:
    """Add the ``sweep`` command."""
    sw = sub.add_parser("sweep", help="vary one or two fields over a grid (capacity curves)")
    scenario_arguments(sw)
    sw.add_argument("--param", dest="params", action="append", default=[], metavar="PATH",
                    help="dotted field to vary (once or twice); default: the [sweep] table")
    sw.add_argument("--values", dest="values", action="append", default=[], metavar="LIST",
                    help="values for the matching --param: a,b,c or START:STOP:COUNT")
    count = sw.add_mutually_exclusive_group()
    count.add_argument("--replications", type=positive_int, help="replications per point")
    count.add_argument("--precision", type=positive_float, metavar="HALF_WIDTH",
                       help="add replications until the 95%% half-width of the Trans-Caspian "
                       "mean is at most this (Mt/yr)")
    sw.add_argument("--independent-streams", action="store_true",
                    help="give every point its own random streams (no common random numbers)")
    run_options(sw)
    study_outputs(sw)
    sw.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the sweep, print its table and say where the results are."""
    parameters = _sweep_parameters(args)
    check_run_options(args)
    loaded = load(args)  # bad input is refused before the heavy libraries are imported
    if parameters is None:  # the [sweep] table: say which inherited parameters were dropped
        for warning in loaded.warnings:
            notice(warning)
    from sim.experiments.plan import plan_sweep

    # Every grid point checked now, before the heavy imports (the sweep plans again: a
    # grid costs milliseconds to plan per hundred points, its run minutes).
    plan_sweep(loaded.scenario, parameters, args.replications, args.precision, args.seed,
               not args.independent_streams)
    from sim.report.tables import sweep_table
    from sim.study import sweep

    out = args.out if args.out is not None else default_out(loaded.scenario.name)
    result = sweep(loaded, parameters, replications=args.replications,
                   precision_mt_per_year=args.precision, seed=args.seed,
                   common_random_numbers=not args.independent_streams, jobs=args.jobs,
                   executor=args.executor, scheduler=args.scheduler, out=out,
                   resume=args.resume, on_error=args.on_error, csv=args.csv,
                   figures=not args.no_figures, progress=True,
                   command_line=command_line())
    paths = args.params or [p.path for p in loaded.scenario.sweep.parameters]
    emit(sweep_table(result.summary, [c for c in result.summary.columns if c in paths]))
    emit(f"\nResults in {one_line(str(result.out))}/ (summary.csv, replications.parquet, "
         "figures/, report.html)")
    return report_failures(result.failures, result.out)


def _sweep_parameters(args: argparse.Namespace) -> dict[str, list[Any]] | None:
    """Check and parse the --param/--values pairs (None: use the [sweep] table)."""
    from sim.scenario.grid import parse_values, sweep_path_problem

    if len(args.params) != len(args.values):
        raise ScenarioError("--values", "", NO_VALUE, f"{len(args.params)} --param but "
                            f"{len(args.values)} --values; give one --values for every --param")
    if len(set(args.params)) != len(args.params):
        duplicate = next(p for p in args.params if args.params.count(p) > 1)
        raise ScenarioError("--param", duplicate, NO_VALUE, "the same field is given twice")
    if not args.params:
        return None
    for path in args.params:
        problem = sweep_path_problem(path)
        if problem is not None:
            raise ScenarioError("--param", short_path(path), NO_VALUE, problem)
    return {path: parse_values(text, path) for path, text in zip(args.params, args.values,
                                                                 strict=True)}
