"""The README's main job as the benchmark: end to end, its phases, side by side with the shuttle.

Usage::

    python benchmarks/headline.py                 # 3 rounds, about 10 minutes on 2 cores
    python benchmarks/headline.py --quick         # a tiny headline, one round (CI)
    python benchmarks/headline.py --output benchmarks/headline.md

Each round runs, one after the other (so the machine's drift hits all alike):

1. the README's main job exactly as a user runs it, ``python -m sim headline
   scenarios/base.toml``, on 2 jobs, timed from process start to exit (the last file
   written), with its results directory's manifest read for the phases (planning,
   simulation, summary, tables, figures) and the CPU its workers spent per
   replication-year;
2. the same on 1 job, for the parallel efficiency T1 / (2 T2), start-up included;
3. ``benchmarks/shuttle.py`` serially for the same number of replication-years.

It also times the start-up alone (``python -m sim --help``) and notes the machine's
load. The report gives every round and the medians; nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.startup import startup_seconds  # noqa: E402

MAIN_JOB = ["-m", "sim", "headline", "scenarios/base.toml"]
QUICK = ["--capacity-replications", "4", "--surge-replications", "2"]

_SHUTTLE = """
import sys, time
sys.path.insert(0, sys.argv[1])
from benchmarks.shuttle import run_shuttle
from sim.scenario.loader import load_scenario
sc = load_scenario(sys.argv[1] + "/scenarios/base.toml").scenario
years_each = (sc.run.warmup_days + sc.run.horizon_days) / 365.0
replications = max(1, round(float(sys.argv[2]) / years_each))
started = time.perf_counter()
for k in range(replications):
    run_shuttle(sc.fleet.tankers, sc.fleet.cargo_t, years_each, seed=k)
print(time.perf_counter() - started, replications * years_each)
"""


@dataclass(frozen=True)
class MainJob:
    """One run of the main job: wall time and what its manifest recorded."""

    wall_seconds: float
    phases: dict[str, float]
    replication_years: float
    worker_cpu_ms_per_replication_year: float


def main_job(jobs: int, extra: list[str]) -> MainJob:
    """Run the README's main job on ``jobs`` jobs in a fresh process; time it end to end."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "headline"
        started = time.perf_counter()
        subprocess.run([sys.executable, *MAIN_JOB, *extra, "--jobs", str(jobs), "--out",
                        str(out)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - started
        manifest = json.loads((out / "manifest.json").read_text())
    cost = manifest["cost"]
    return MainJob(wall, manifest["timings_seconds"], cost["replication_years"],
                   cost["worker_cpu_ms_per_replication_year"])


def shuttle_seconds(replication_years: float) -> float:
    """Serial wall time of the minimal shuttle for ``replication_years`` (fresh process)."""
    out = subprocess.run([sys.executable, "-c", _SHUTTLE, str(ROOT), str(replication_years)],
                         cwd=ROOT, check=True, capture_output=True, text=True)
    return float(out.stdout.split()[0])


def report(rounds: int, quick: bool) -> str:
    """Run the rounds and return the Markdown report."""
    extra = QUICK if quick else []
    load_before = os.getloadavg()
    startup = startup_seconds()
    rows = []
    for _ in range(rounds):
        two = main_job(2, extra)
        one = main_job(1, extra)
        shuttle = shuttle_seconds(two.replication_years)
        rows.append((two, one, shuttle))
    load_after = os.getloadavg()

    lines = [f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {platform.machine()}, "
             f"{os.cpu_count()} cores, Python {platform.python_version()}; load average "
             f"{load_before[0]:.1f} before and {load_after[0]:.1f} after; "
             f"{'quick' if quick else 'full'} mode, {rounds} round(s).", "",
             f"Command: `python {' '.join(MAIN_JOB + extra)}` "
             f"({rows[0][0].replication_years:,.0f} replication-years).", "",
             "| round | 2 jobs (s) | 1 job (s) | shuttle, serial (s) | 2 jobs / shuttle | "
             "parallel efficiency |", "|---:|---:|---:|---:|---:|---:|"]
    for i, (two, one, shuttle) in enumerate(rows, 1):
        lines.append(f"| {i} | {two.wall_seconds:.1f} | {one.wall_seconds:.1f} | "
                     f"{shuttle:.1f} | {two.wall_seconds / shuttle:.3f} | "
                     f"{one.wall_seconds / (2 * two.wall_seconds):.2f} |")
    ratio = statistics.median(two.wall_seconds / shuttle for two, _, shuttle in rows)
    efficiency = statistics.median(one.wall_seconds / (2 * two.wall_seconds)
                                   for two, one, _ in rows)
    lines += ["", f"Median: the main job on 2 jobs takes **{ratio:.3f}x** the shuttle's serial "
              f"time for the same replication-years; parallel efficiency **{efficiency:.2f}**; "
              f"start-up (`python -m sim --help`) {startup:.2f} s.", ""]
    phases = {name: statistics.median(two.phases.get(name, 0.0) for two, _, _ in rows)
              for name in rows[0][0].phases}
    cpu = statistics.median(two.worker_cpu_ms_per_replication_year for two, _, _ in rows)
    lines += ["Phases of the 2-job run (median seconds, from its manifest): "
              + ", ".join(f"{name} {value:.2f}" for name, value in phases.items())
              + f"; start-up and interpreter exit make up the rest of the wall time. CPU "
              f"inside the pool workers: **{cpu:.1f} ms per replication-year**.", ""]
    return "\n".join(lines)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--quick", action="store_true", help="a tiny headline, one round")
    parser.add_argument("--output", type=Path, help="also write the report here")
    args = parser.parse_args()
    text = report(1 if args.quick else args.rounds, args.quick)
    print(text)
    if args.output:
        args.output.write_text(text)


if __name__ == "__main__":
    main()
