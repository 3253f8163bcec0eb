"""``python -m sim compare A.toml B.toml [C.toml ...]``: scenarios side by side, paired.

Every scenario runs the same replications (common random numbers); every
summarised output gets its difference from the first scenario with a 95%
interval and a verdict (significantly higher, lower, or no detectable difference).
"""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.options import (
    check_run_options,
    command_line,
    default_out,
    positive_int,
    run_options,
)


def add_parsers(sub: Any) -> None:
    """Add the ``compare`` command."""
    co = sub.add_parser("compare", help="scenarios side by side: paired differences and "
                        "verdicts")
    co.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                    help="two or more scenario files; the first is the reference")
    co.add_argument("--set", dest="overrides", action="append", default=[],
                    metavar="PATH=VALUE", help="override a field in every scenario "
                    "(repeatable), e.g. --set run.horizon_days=180")
    co.add_argument("--allow-outside-extends", action="store_true",
                    help="let 'extends' reach files outside each scenario's directory")
    co.add_argument("--replications", type=positive_int,
                    help="replications of each scenario (default 200)")
    run_options(co, "compare")
    co.add_argument("--no-figures", action="store_true", help="skip drawing the figure")
    co.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the comparison, print the table and the verdicts, say where the results are."""
    from sim.scenario.loader import load_scenario

    check_run_options(args)
    if len(args.scenarios) < 2:
        from sim.errors import NO_VALUE, ScenarioError

        raise ScenarioError("compare", "", NO_VALUE, "give at least two scenario files")
    loaded = [load_scenario(path, args.overrides, allow_outside_tree=args.allow_outside_extends)
              for path in args.scenarios]
    from sim.report.compare import comparison_text, verdict_lines
    from sim.uncertainty import compare

    out = args.out if args.out is not None else default_out(loaded[0].scenario.name, "compare")
    result = compare(loaded, replications=args.replications, seed=args.seed, jobs=args.jobs,
                     executor=args.executor, scheduler=args.scheduler, out=out,
                     resume=args.resume, figures=not args.no_figures, progress=True,
                     command_line=command_line())
    print(comparison_text(result))
    print("\nVerdicts (headline outputs):")
    print("\n".join(f"  {line}" for line in verdict_lines(result)))
    print(f"\nResults in {result.out}/ (comparison.csv, replications.parquet, "
          "figures/compare.png)")
    return 0
