"""Print the README's table of shipped scenarios: ``python tools/scenario_table.py [REPLICATIONS]``.

Each scenario is run with its own seed (``python -m sim run`` would give the same
numbers); every mean has its 95% CI, single years their P5-P95, every P(>= target)
its Wilson interval, and the two figures of ``python -m sim bound`` say what binds.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.analysis.bound import chain_bound
from sim.report.summary import reach_notes, run_summary
from sim.scenario.loader import load_scenario
from sim.study import run_replications

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("base", "expanded_fleet", "cpc_crisis", "btc_cap_2_2", "plan_2023")


def _ci(s: dict[str, float]) -> str:
    return f"{s['mean']:.2f} [{s['ci95_low']:.2f}, {s['ci95_high']:.2f}]"


def main() -> int:
    """Run each shipped scenario and print one Markdown row for it."""
    replications = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    print(f"| scenario ({replications} replications) | Trans-Caspian Mt/yr | single years "
          "P5-P95 | P(>= 6.0) | surge Mt/yr | extra Trans-Caspian Mt/yr | shut-in avoided "
          "Mt/yr | capacity (a) / deliverable (b) Mt/yr, what binds |")
    print("|---|---|---|---|---|---|---|---|")
    for name in SCENARIOS:
        scenario = load_scenario(ROOT / "scenarios" / f"{name}.toml").scenario
        k = run_summary(run_replications(scenario, replications=replications))["kpis"]
        b = chain_bound(scenario)
        tc = k["transcaspian_mt_per_year"]
        reach = _ci(k["reaches_6_0"]) if "reaches_6_0" not in reach_notes(scenario) else \
            "0 by contract"
        print(f"| `{name}` | {_ci(tc)} | {tc['p5']:.2f}-{tc['p95']:.2f} | {reach} | "
              f"{_ci(k['surge_mt_per_year'])} | {_ci(k['extra_transcaspian_mt_per_year'])} | "
              f"{_ci(k['shut_in_avoided_mt_per_year'])} | {b.capacity_mt_per_year:.2f} "
              f"({b.capacity_binding}) / {b.deliverable_mt_per_year:.2f} "
              f"({b.deliverable_binding}) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
