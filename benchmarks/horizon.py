"""Cost of a plan over time: a 5-year horizon against a 1-year one, per replication.

Usage::

    python benchmarks/horizon.py            # 20 replications per case, about a minute
    python benchmarks/horizon.py --quick    # 3 replications (CI keeps it from rotting)

For each case the same chain runs one calendar year and five (the 30-day warm-up
included in both), replication by replication on one core: SimPy events processed
and seconds, side by side, and the ratio 5-year / 1-year. The target (issue 12) is a
ratio of at most 5.5: events, not clock ticks, so cost grows with simulated time and
no faster. Cases: base.toml on the calendar (no dated events), and the 2026-2030
roadmap against its first year alone (its fleet grows, so its later years cost more
events: the ratio there measures the plan, not the calendar). Nothing here asserts a
timing: the numbers are for reading.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run import replication_cost  # noqa: E402
from sim.analysis.years import calendar_window  # noqa: E402
from sim.model.years import year_rows  # noqa: E402
from sim.scenario.loader import load_scenario  # noqa: E402
from sim.scenario.schema import Scenario  # noqa: E402


def cost(scenario: Scenario, replications: int) -> tuple[float, float]:
    """Mean SimPy events and seconds of one replication (chain, invariants, year rows)."""
    return replication_cost(scenario, replications,
                            after=lambda chain, k: year_rows(chain.year_snapshots, k))


def cases() -> list[tuple[str, Scenario, Scenario]]:
    """(name, one-year scenario, five-year scenario) of each case."""
    calendar = ["run.start_date=2026-01-01", "run.compare_without_diversion=false"]
    base_1 = load_scenario(ROOT / "scenarios" / "base.toml",
                           [*calendar, "run.horizon_years=1"]).scenario
    base_5 = load_scenario(ROOT / "scenarios" / "base.toml",
                           [*calendar, "run.horizon_years=5"]).scenario
    roadmap = load_scenario(ROOT / "scenarios" / "roadmap_2026_2030.toml").scenario
    first_year = calendar_window(roadmap, dt.date(2026, 1, 1), 365)
    return [("base.toml on the calendar", base_1, base_5),
            ("roadmap_2026_2030 (fleet grows)", first_year, roadmap)]


def report(replications: int) -> str:
    """The Markdown table of the cases."""
    lines = [f"## 5-year against 1-year horizon ({replications} replications, one core)", "",
             "| case | events, 1 year | events, 5 years | ratio | s, 1 year | s, 5 years | "
             "ratio |", "|---|---:|---:|---:|---:|---:|---:|"]
    for name, one, five in cases():
        e1, s1 = cost(one, replications)
        e5, s5 = cost(five, replications)
        lines.append(f"| {name} | {e1:,.0f} | {e5:,.0f} | {e5 / e1:.2f} | {s1:.3f} | "
                     f"{s5:.3f} | {s5 / s1:.2f} |")
    roadmap = cases()[1][2]
    years = [calendar_window(roadmap, dt.date(year, 1, 1),
                             (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days)
             for year in range(2026, 2031)]
    alone = [cost(year, replications) for year in years]
    e5, s5 = cost(roadmap, replications)
    e_sum, s_sum = sum(e for e, _ in alone), sum(s for _, s in alone)
    lines += ["", "The roadmap's later years carry a larger fleet and nomination, so against its "
              "first year its ratio measures the plan. Against its five calendar years run "
              "one by one (each with the plan in force then and its own warm-up):", "",
              "| case | events, 5 years one by one | events, 5 years at once | ratio | "
              "s, one by one | s, at once | ratio |", "|---|---:|---:|---:|---:|---:|---:|",
              f"| roadmap_2026_2030 | {e_sum:,.0f} | {e5:,.0f} | {e5 / e_sum:.2f} | "
              f"{s_sum:.3f} | {s5:.3f} | {s5 / s_sum:.2f} |",
              "", "Both horizons include the same 30-day warm-up; the target is a 5-year run "
              "costing at most 5.5 times a 1-year run of the same chain."]
    return "\n".join(lines)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 replications, for CI")
    parser.add_argument("--output", type=Path, help="also write the report here")
    args = parser.parse_args()
    text = report(3 if args.quick else 20)
    sys.stdout.write(text + "\n")
    if args.output:
        args.output.write_text(text + "\n")


if __name__ == "__main__":
    main()
