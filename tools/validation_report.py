"""Run the validation and write ``docs/validation.md``: ``python tools/validation_report.py``.

``--quick`` runs small counts and prints the report instead of writing it
(unless ``--output`` is given). Exits 1 if a theory check fails.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from sim.validation.checks import FULL, QUICK
from sim.validation.report import COMMAND, render
from sim.validation.run import run_validation

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
DOC_PATH = ROOT / "docs" / "validation.md"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the validation and write or print the report; exit 1 if a theory check fails."""
    parser = argparse.ArgumentParser(prog=COMMAND, description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="small counts (seconds); prints the report unless --output")
    parser.add_argument("--output", type=Path, help=f"write here (default: "
                        f"{DOC_PATH.relative_to(ROOT)} in full mode, stdout in quick mode)")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes")
    args = parser.parse_args(argv)
    effort = QUICK if args.quick else FULL
    if args.jobs is not None:
        effort = replace(effort, jobs=args.jobs)

    def progress(message: str) -> None:
        sys.stderr.write(f"{message} ...\n")

    report = run_validation(SCENARIOS, effort, progress=progress)
    sensitivity = ROOT / "docs" / "sensitivity.md"
    text = render(report, sensitivity.read_text(encoding="utf-8") if sensitivity.exists() else None)
    output = args.output if args.output is not None else (None if args.quick else DOC_PATH)
    if output is None:
        sys.stdout.write(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        sys.stderr.write(f"wrote {output}\n")
    for check in report.checks:
        if check.verdict != "pass":
            sys.stderr.write(f"{check.verdict}: {check.family}: {check.name}\n")
    return 1 if any(c.verdict == "fail" for c in report.checks) else 0


if __name__ == "__main__":
    raise SystemExit(main())
