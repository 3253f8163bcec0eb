"""Run a plan over time and draw its per-year figure: ``python tools/roadmap.py [SCENARIO]``.

Default: ``scenarios/roadmap_2026_2030.toml`` at its own replications and seed. Prints the
per-year table (mean, 95% CI, P(>= 6.0) with its Wilson interval, what binds) and the first
years P(>= 6.0) reaches 0.5 and 0.9, and writes ``docs/images/roadmap_2026_2030.png`` (the
README's figure; ``--out FOLDER`` to write elsewhere).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.analysis.years import binding_by_year, summarize_years  # noqa: E402
from sim.cli.run import years_table  # noqa: E402
from sim.experiments.jobs import default_jobs  # noqa: E402
from sim.report.figure_plumbing import save_figure  # noqa: E402
from sim.report.years import years_figure  # noqa: E402
from sim.scenario.loader import load_scenario  # noqa: E402
from sim.study import run_years  # noqa: E402


def main() -> None:
    """Run, print, draw."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" /
                                                          "roadmap_2026_2030.toml"))
    parser.add_argument("--replications", type=int, default=None)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"))
    args = parser.parse_args()
    loaded = load_scenario(args.scenario)
    started = time.perf_counter()
    _, per_year = run_years(loaded, replications=args.replications,
                            jobs=args.jobs or default_jobs())
    sc = loaded.scenario
    years = summarize_years(per_year).merge(
        binding_by_year(sc, sorted(per_year["year"].unique())), on="year")
    sys.stdout.write(f"{sc.name}: seed {sc.run.seed}, "
                     f"{time.perf_counter() - started:.0f} s\n")
    sys.stdout.write(years_table(years) + "\n")
    for path in save_figure(years_figure(years, sc.name), Path(args.out), sc.name):
        sys.stdout.write(f"wrote {path}\n")


if __name__ == "__main__":
    main()
