"""Regenerate the generated references: ``python tools/docs.py`` (``--check``: exit 1 if stale).

``docs/scenarios.md`` comes from the scenario schema (and how ``scenarios/base.toml``
differs from its defaults), ``docs/outputs.md`` from the result fields' metadata.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sim.report import outputs_doc
from sim.scenario import reference
from sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def documents() -> dict[Path, Callable[[], str]]:
    """Each generated document and the function that renders it."""
    base = ROOT / "scenarios" / "base.toml"
    return {ROOT / "docs" / "scenarios.md": lambda: reference.render(load_scenario(base).scenario),
            ROOT / "docs" / "outputs.md": outputs_doc.render}


def main(argv: Sequence[str] | None = None) -> int:
    """Write the documents, or with ``--check`` report which are stale (exit 1)."""
    parser = argparse.ArgumentParser(prog="python tools/docs.py",
                                     description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a document is stale")
    args = parser.parse_args(argv)
    stale = []
    for path, render in documents().items():
        text = render()
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == text:
            continue
        if args.check:
            stale.append(path.relative_to(ROOT))
        else:
            path.write_text(text, encoding="utf-8")
            sys.stdout.write(f"wrote {path.relative_to(ROOT)}\n")
    for path in stale:
        sys.stderr.write(f"{path} is stale; run `python tools/docs.py`\n")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
