"""Regenerate the golden results of the shipped scenarios: ``python tests/make_golden.py``.

Run it only when a change is meant to alter the numbers, and say why in the commit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.scenario.loader import load_scenario  # noqa: E402
from sim.study import run_replications  # noqa: E402

GOLDEN = ROOT / "tests" / "golden"
REPLICATIONS = 2


def golden_records(scenario_file: Path) -> list[dict]:
    """Per-replication results of a shipped scenario at its own seed."""
    scenario = load_scenario(scenario_file).scenario
    frame = run_replications(scenario, replications=REPLICATIONS, jobs=1)
    return frame.to_dict("records")


def main() -> None:
    """Write one JSON file per shipped scenario."""
    GOLDEN.mkdir(exist_ok=True)
    for path in sorted((ROOT / "scenarios").glob("*.toml")):
        records = golden_records(path)
        (GOLDEN / f"{path.stem}.json").write_text(json.dumps(records, indent=1) + "\n")
        print(f"{path.stem}: {records[0]['transcaspian_mt_per_year']:.6f} Mt/yr (rep 0)")


if __name__ == "__main__":
    main()
