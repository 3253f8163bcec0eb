"""``python -m sim sensitivity SCENARIO``: which uncertain inputs move the answer, and how much.

One at a time by default (each range's ends, paired replications, a tornado);
``--method morris`` or ``--method sobol`` for global indices through SALib. Runs on
the same runner and results-directory rules as ``sweep`` (``--jobs``, ``--out``,
``--resume``).
"""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.options import (
    check_run_options,
    command_line,
    default_out,
    load,
    positive_int,
    run_options,
    scenario_arguments,
)


def add_parsers(sub: Any) -> None:
    """Add the ``sensitivity`` command."""
    se = sub.add_parser("sensitivity", help="which uncertain inputs move the answer (tornado, "
                        "Morris, Sobol)")
    scenario_arguments(se)
    se.add_argument("--method", choices=["oat", "morris", "sobol"], default="oat",
                    help="oat: each range's ends one at a time (default); morris, sobol: "
                    "global indices through SALib")
    se.add_argument("--replications", type=positive_int, help="replications per design point "
                    "(default: 30 for oat, 10 for morris, 5 for sobol)")
    se.add_argument("--samples", type=positive_int, help="morris: trajectories (default 10); "
                    "sobol: base samples, a power of two (default 64)")
    se.add_argument("--output", dest="outputs", action="append", default=[], metavar="FIELD",
                    help="also analyse this output field (repeatable); always: "
                    "transcaspian_mt_per_year and reaches_6_0")
    run_options(se, "sensitivity")
    se.add_argument("--no-figures", action="store_true", help="skip drawing figures")
    se.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the study, print its table and say where the results are."""
    check_run_options(args)
    loaded = load(args)
    from sim.report.sensitivity import effects_text, indices_text
    from sim.uncertainty import sensitivity

    out = args.out if args.out is not None else default_out(loaded.scenario.name, "sensitivity")
    result = sensitivity(loaded, args.method, replications=args.replications,
                         samples=args.samples, outputs=args.outputs, seed=args.seed,
                         jobs=args.jobs, executor=args.executor, scheduler=args.scheduler,
                         out=out, resume=args.resume, figures=not args.no_figures,
                         progress=True, command_line=command_line())
    print(effects_text(result) if result.effects is not None else indices_text(result))
    table = "sensitivity.csv" if result.effects is not None else "indices.csv"
    figure = "tornado" if result.effects is not None else "indices"
    print(f"\nResults in {result.out}/ ({table}, design.csv, replications.parquet, "
          f"figures/{figure}.png, report.html)")
    return 0
