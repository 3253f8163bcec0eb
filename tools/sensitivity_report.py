"""Write ``docs/sensitivity.md``: ``python tools/sensitivity_report.py``.

Runs one-at-a-time sensitivity (:func:`sim.uncertainty.sensitivity`) of
``scenarios/base.toml`` and ``scenarios/expanded_fleet.toml`` (every range in their
``[uncertainty]`` tables, 30 paired replications per end; about 90 s on two cores),
draws their tornados into ``docs/images/tornado_NAME.png`` and writes the section
rendered by :func:`sim.report.sensitivity.render_markdown`, which the validation
report links to. ``--quick`` runs 4 replications and prints instead of writing
(unless ``--output`` is given).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sim.report.sensitivity import render_markdown, tornado
from sim.uncertainty import sensitivity

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = [ROOT / "scenarios" / "base.toml", ROOT / "scenarios" / "expanded_fleet.toml"]
DOC_PATH = ROOT / "docs" / "sensitivity.md"
IMAGES = ROOT / "docs" / "images"
COMMAND = "python tools/sensitivity_report.py"


def document(section: str) -> str:
    """The whole document around the generated section."""
    return "\n".join([
        "# Sensitivity", "",
        f"Do not edit by hand: `{COMMAND}` rewrites it. Each estimate in a scenario file has "
        "a plausible range with its reason (`[uncertainty]`, listed in `docs/scenarios.md`); "
        "this document measures which of them decide the answer. To ask the same of another "
        "scenario: `python -m sim sensitivity SCENARIO` (a tornado and a table; `--method "
        "morris` or `--method sobol` for global indices); to see which lever settings hold "
        "up across every plausible world at once: `python -m sim explore SCENARIO --sample "
        "lhs:200`.", "", section])


def main(argv: Sequence[str] | None = None) -> int:
    """Run the two studies and write (or print) the document."""
    parser = argparse.ArgumentParser(prog=COMMAND, description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="4 replications per end; prints the document unless --output")
    parser.add_argument("--replications", type=int, default=None,
                        help="replications per end (default 30)")
    parser.add_argument("--output", type=Path, help=f"write here (default: "
                        f"{DOC_PATH.relative_to(ROOT)} in full mode, stdout in quick mode)")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes")
    args = parser.parse_args(argv)
    replications = args.replications or (4 if args.quick else 30)
    output = args.output if args.output is not None else (None if args.quick else DOC_PATH)
    results, images = [], {}
    for path in SCENARIOS:
        sys.stderr.write(f"sensitivity of {path.name} ...\n")
        result = sensitivity(path, replications=replications, jobs=args.jobs)
        results.append(result)
        if output is not None:
            image = IMAGES / f"tornado_{result.scenario}.png"
            image.parent.mkdir(parents=True, exist_ok=True)
            tornado(result).savefig(image, format="png", dpi=110, bbox_inches="tight")
            images[result.scenario] = Path(os.path.relpath(image, output.parent.resolve()))
    text = document(render_markdown(results, {k: v.as_posix() for k, v in images.items()},
                                    COMMAND))
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        sys.stderr.write(f"wrote {output}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
