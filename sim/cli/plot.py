"""``python -m sim plot DIR``: redraw the figures of a results directory."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_parsers(sub: Any) -> None:
    """Add the ``plot`` command."""
    plot = sub.add_parser("plot", help="redraw the figures of a results directory")
    plot.add_argument("directory", help="a sweep's results directory")
    plot.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Redraw and list the figures."""
    from sim.report.figures import redraw

    for path in redraw(Path(args.directory)):
        print(path)
    return 0
