"""``python -m sim report DIR``: one self-contained HTML page of a study's results.

The page (``DIR/report.html`` unless ``--output`` says otherwise) holds the
question, the answer with its 95% CIs, what binds, the figures, the tables, the
assumptions with their sources and the provenance; see :mod:`sim.report.page`.
A directory that is not a finished study is refused in one line (exit code 2).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sim.cli.options import emit
from sim.errors import one_line


def add_parsers(sub: Any) -> None:
    """Add the ``report`` command."""
    report = sub.add_parser("report", help="write one self-contained HTML page of a results "
                            "directory (headline, sweep, sensitivity, compare, explore)")
    report.add_argument("directory", help="a study's results directory")
    report.add_argument("--output", metavar="FILE", help="where to write the page "
                        "(default: DIRECTORY/report.html)")
    report.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Write the page and say where it is."""
    from sim.report.page import write_report

    path = write_report(Path(args.directory), None if args.output is None else
                        Path(args.output))
    emit(one_line(str(path)))
    return 0
