"""Command line: ``python -m sim run|sweep|sensitivity|compare|explore|plot|show|bound|schema``.

Each command lives in its own module with ``add_parser(sub)`` and a handler;
heavy libraries (pandas, scipy, matplotlib) are imported only by the handler
that needs them, so ``--help`` and input errors answer at once. User errors
(bad scenario, bad option, unusable results directory) print one line,
``error: WHERE: PATH = VALUE: RULE``, to stderr and exit with code 2, without a
traceback and before anything is written. Failed replications and model
invariant violations exit with code 1 and name the replication and seed to rerun.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool

from sim import __version__
from sim.cli import compare, explore, inspect, plot, run, sensitivity, sweep
from sim.cli.options import Parser
from sim.errors import RunFailure, SimulationInvariantError, UserError, one_line

EXIT_USER_ERROR = 2
EXIT_RUN_FAILED = 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    try:
        args = parser().parse_args(argv)
        return int(args.handler(args) or 0)
    except UserError as exc:
        print(f"error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_USER_ERROR
    except RunFailure as exc:
        print(f"error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_RUN_FAILED
    except SimulationInvariantError as exc:
        print(f"error: model invariant violated: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_RUN_FAILED
    except BrokenProcessPool:
        print("error: a worker process died (killed, or out of memory); try fewer --jobs",
              file=sys.stderr)
        return EXIT_RUN_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def parser() -> Parser:
    """The full command-line parser: one sub-command per module."""
    top = Parser(prog="python -m sim", description=(
        "Simulate Kazakh crude exports over the Russian route and the Trans-Caspian chain."))
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = top.add_subparsers(dest="command", required=True)
    for command in (run, sweep, sensitivity, compare, explore, plot, inspect):
        command.add_parsers(sub)
    return top
