"""``python -m sim explore SCENARIO --sample lhs:N``: lever settings across plausible worlds.

N Latin hypercube draws of the scenario's uncertain inputs ("plausible worlds"),
each run with R replications under every lever setting; writes the experiments
table (``experiments.parquet``, one row per world and setting, which pandas and
EMA Workbench read directly) and, per setting, the share of worlds in which it is
robust (P(>= 6.0) >= 0.9). A command of its own rather than ``sweep --sample``: an
ensemble has two kinds of input (uncertainties and levers), a row per world rather
than a grid, and its own summary; ``sweep``'s grid options would not apply. It
runs on the same runner and results-directory rules (``--jobs``, ``--out``,
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
    """Add the ``explore`` command."""
    ex = sub.add_parser("explore", help="lever settings across Latin hypercube draws of the "
                        "uncertain inputs (robust share)")
    scenario_arguments(ex)
    ex.add_argument("--sample", required=True, metavar="lhs:N",
                    help="N Latin hypercube draws of the uncertain inputs, e.g. lhs:200")
    ex.add_argument("--replications", type=positive_int,
                    help="replications per world and setting (default 20)")
    ex.add_argument("--lever", dest="levers", action="append", default=[],
                    metavar="PATH[=A,B,...]", help="a lever to try (repeatable): its settings "
                    "from the scenario's [levers] table, or as given; default: every lever of "
                    "the table")
    ex.add_argument("--combine", action="store_true", help="every combination of the levers' "
                    "settings (default: the scenario as it is, then each setting alone)")
    ex.add_argument("--threshold", type=float, default=0.9, help="P(>= 6.0) a world must "
                    "reach for a setting to count as robust there (default 0.9)")
    ex.add_argument("--robust-field", default="reaches_6_0",
                    help="the indicator output the threshold applies to (default reaches_6_0)")
    run_options(ex, "explore")
    ex.add_argument("--no-figures", action="store_true", help="skip drawing the figure")
    ex.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the ensemble, print the robust shares and say where the results are."""
    check_run_options(args)
    levers = _levers(args.levers)
    loaded = load(args)  # bad input is refused before the heavy libraries are imported
    from sim.report.ensemble import robust_text
    from sim.uncertainty import explore, parse_sample

    parse_sample(args.sample)
    out = args.out if args.out is not None else default_out(loaded.scenario.name, "explore")
    result = explore(loaded, args.sample, replications=args.replications, levers=levers,
                     combine=args.combine, threshold=args.threshold,
                     robust_field=args.robust_field, seed=args.seed, jobs=args.jobs,
                     executor=args.executor, scheduler=args.scheduler, out=out,
                     resume=args.resume, figures=not args.no_figures, progress=True,
                     command_line=command_line())
    print(robust_text(result.robust, result.design["levers"]))
    print(f"\nResults in {result.out}/ (experiments.parquet: one row per world and setting; "
          "robust.csv, replications.parquet, figures/robust.png)")
    return 0


def _levers(items: list[str]) -> dict[str, list[Any] | None] | None:
    """``--lever PATH`` (the table's settings) or ``--lever PATH=A,B`` (these settings)."""
    from sim.errors import NO_VALUE, ScenarioError
    from sim.scenario.grid import parse_values

    if not items:
        return None
    chosen: dict[str, list[Any] | None] = {}
    for item in items:
        path, _, values = item.partition("=")
        path = path.strip()
        if not path:
            raise ScenarioError("--lever", "", item, "expected PATH or PATH=A,B")
        if path in chosen:
            raise ScenarioError("--lever", path, NO_VALUE, "the same lever is given twice")
        chosen[path] = parse_values(values, path) if values.strip() else None
    return chosen
