"""``python -m sim plot DIR``: redraw the figures of a results directory.

The manifest and ``summary.csv`` are checked before anything is drawn (a bad file
is refused in one line, exit code 2); each figure is drawn on its own, and one
that fails is reported in one line (exit code 1) while the others are drawn.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sim.cli.options import emit
from sim.errors import notice, one_line


def add_parsers(sub: Any) -> None:
    """Add the ``plot`` command."""
    plot = sub.add_parser("plot", help="redraw the figures of a results directory")
    plot.add_argument("directory", help="a sweep's results directory")
    plot.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Redraw and list the figures; a figure that fails is one line, and exit code 1."""
    from sim.report.figures import redraw

    drawn = redraw(Path(args.directory))
    for path in drawn.written:
        emit(one_line(str(path)))
    for name, reason in drawn.failed.items():
        notice(f"figure {name} not drawn: {reason}")
    return 1 if drawn.failed else 0
