"""The command line every benchmark script shares: ``--quick`` and ``--output FILE``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def script_main(doc: str | None, report: Callable[[bool], str],
                quick_help: str = "small counts, for CI") -> None:
    """Parse ``--quick`` and ``--output``, print ``report(quick)`` and write it if asked."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--output", type=Path, help="also write the report here")
    args = parser.parse_args()
    text = report(args.quick)
    print(text)
    if args.output:
        args.output.write_text(text)
