"""Benchmarks of the simulation: speed, parallel efficiency, memory and scaling.

Usage::

    python benchmarks/run.py            # full mode, about 4 minutes on 2 cores
    python benchmarks/run.py --quick    # small counts (CI keeps it from rotting)
    python benchmarks/run.py --output benchmarks/results.md

It prints one Markdown report (and writes it to --output): events per second and
time per replication-year of every shipped scenario; the side-by-side ratio
against the minimal shuttle in ``benchmarks/shuttle.py`` with the base fleet; the
headline sweep's wall time at 1 and 2 jobs and the parallel efficiency; and peak
memory and time as the horizon and the replication count grow (each measured in
a fresh process); and how fast ``--help`` and bad input are answered
(``benchmarks/startup.py``). Nothing here asserts a timing: the numbers are for reading.
"""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import simpy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import startup  # noqa: E402
from benchmarks.script import script_main  # noqa: E402
from benchmarks.shuttle import run_shuttle  # noqa: E402
from sim.experiments.jobs import default_jobs  # noqa: E402
from sim.model.chain import ExportChain  # noqa: E402
from sim.model.invariants import check_invariants  # noqa: E402
from sim.scenario.loader import load_scenario  # noqa: E402
from sim.scenario.schema import Scenario  # noqa: E402
from sim.study import sweep  # noqa: E402

SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))


class CountingEnvironment(simpy.Environment):
    """A SimPy environment that counts the events it processes (benchmarks only)."""

    def __init__(self) -> None:
        super().__init__()
        self.processed = 0

    def step(self) -> None:
        """Process one event and count it."""
        self.processed += 1
        super().step()


@dataclass(frozen=True)
class Speed:
    """Mean cost of one replication."""

    name: str
    seconds_per_replication_year: float
    events_per_replication_year: float

    @property
    def events_per_second(self) -> float:
        """Processed SimPy events per wall-clock second."""
        return self.events_per_replication_year / self.seconds_per_replication_year


def model_speed(path: Path, replications: int) -> Speed:
    """Serial time and events per simulated year (warm-up included) of a scenario."""
    sc = load_scenario(path).scenario
    years = (sc.run.warmup_days + sc.run.horizon_days) / 365.0
    events, seconds = replication_cost(sc, replications)
    return Speed(path.stem, seconds / years, events / years)


def replication_cost(sc: Scenario, replications: int,
                     after: Callable[[ExportChain, int], object] | None = None
                     ) -> tuple[float, float]:
    """Mean SimPy events and wall seconds of one serial replication of ``sc``.

    Each replication runs the chain, checks its invariants and then ``after(chain, k)``
    (e.g. the year rows), all inside the timing; a first run warms imports and caches.
    """
    ExportChain(sc, 0, sc.run.seed).run()
    timings, events = [], []
    for k in range(replications):
        env = CountingEnvironment()
        started = time.perf_counter()
        chain = ExportChain(sc, k, sc.run.seed, env=env)
        chain.run()
        check_invariants(chain)
        if after is not None:
            after(chain, k)
        timings.append(time.perf_counter() - started)
        events.append(env.processed)
    return statistics.mean(events), statistics.mean(timings)


def shuttle_speed(tankers: int, cargo_t: float, years: float, replications: int) -> Speed:
    """Serial time and events per simulated year of the minimal shuttle."""
    run_shuttle(tankers, cargo_t, years, seed=0)
    timings, events = [], []
    for k in range(replications):
        env = CountingEnvironment()
        started = time.perf_counter()
        run_shuttle(tankers, cargo_t, years, seed=k, env=env)
        timings.append(time.perf_counter() - started)
        events.append(env.processed)
    return Speed(f"minimal shuttle ({tankers} tankers)", statistics.mean(timings) / years,
                 statistics.mean(events) / years)


def sweep_wall_time(points: int, replications: int, jobs: int) -> float:
    """Wall time (s) of the headline sweep with ``points`` points at ``jobs`` workers."""
    base = load_scenario(ROOT / "scenarios" / "base.toml").scenario
    values = [round(0.5 * i / max(points - 1, 1), 6) for i in range(points)]
    started = time.perf_counter()
    sweep(base, {"russian_route.disruption.probability": values}, replications=replications,
          jobs=jobs)
    return time.perf_counter() - started


_MEMORY_PROBE = """
import json, resource, sys, time
from sim.study import run_replications
from sim.scenario.loader import load_scenario
years, reps = float(sys.argv[1]), int(sys.argv[2])
sc = load_scenario(sys.argv[3], [f"run.horizon_days={365 * years}"]).scenario
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started, cpu = time.perf_counter(), time.process_time()
frame = run_replications(sc, replications=reps, jobs=1)
print(json.dumps({"seconds": time.perf_counter() - started, "rows": len(frame),
                  "cpu_seconds": time.process_time() - cpu,
                  "baseline_mib": before / 1024,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def memory_probe(years: float, replications: int) -> dict[str, float]:
    """Peak RSS and time of a fresh process running ``replications`` x ``years``."""
    out = subprocess.run([sys.executable, "-c", _MEMORY_PROBE, str(years), str(replications),
                          str(ROOT / "scenarios" / "base.toml")], capture_output=True,
                         text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout)


def report(quick: bool) -> str:
    """Run every benchmark and return the Markdown report."""
    reps = 5 if quick else 50
    lines = [f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, "
             f"{default_jobs()} cores, Python {platform.python_version()}, SimPy "
             f"{simpy.__version__}; {'quick' if quick else 'full'} mode.", ""]

    speeds = [model_speed(path, reps) for path in SCENARIOS]
    base_sc = load_scenario(ROOT / "scenarios" / "base.toml").scenario
    years = (base_sc.run.warmup_days + base_sc.run.horizon_days) / 365.0
    shuttle = shuttle_speed(base_sc.fleet.tankers, base_sc.fleet.cargo_t, years, reps)
    base = next(s for s in speeds if s.name == "base")
    lines += ["### Speed per replication-year (serial, warm-up included)", "",
              "| model | ms per replication-year | events per replication-year | events/s |",
              "|---|---:|---:|---:|"]
    for s in [*speeds, shuttle]:
        lines.append(f"| {s.name} | {1000 * s.seconds_per_replication_year:.1f} | "
                     f"{s.events_per_replication_year:,.0f} | {s.events_per_second:,.0f} |")
    lines += ["", f"Base scenario / minimal shuttle with the same fleet: **"
              f"{base.seconds_per_replication_year / shuttle.seconds_per_replication_year:.2f}"
              f"x** the time per replication-year (target: at most 0.25).", ""]

    points, sweep_reps = (3, 10) if quick else (11, 200)
    t1 = sweep_wall_time(points, sweep_reps, 1)
    t2 = sweep_wall_time(points, sweep_reps, 2)
    lines += [f"### Headline sweep ({points} points x {sweep_reps} replications x 1 year)", "",
              "| jobs | wall time (s) | parallel efficiency |", "|---:|---:|---:|",
              f"| 1 | {t1:.1f} | 1.00 |", f"| 2 | {t2:.1f} | {t1 / (2 * t2):.2f} |", ""]

    horizons = (1, 3) if quick else (1, 10, 30)
    counts = (10, 30) if quick else (10, 100, 1000)
    lines += ["### Scaling and peak memory (fresh process, serial)", "",
              "| horizon (years) | replications | wall time (s) | CPU s per replication-year | "
              "peak RSS (MiB) |", "|---:|---:|---:|---:|---:|"]
    per_replication = {}
    for h, n in [*((h, 10) for h in horizons), *((1, n) for n in counts if n != 10)]:
        m = memory_probe(h, n)
        per_replication.setdefault(h, m["cpu_seconds"] / n)  # CPU: steadier under load
        lines.append(f"| {h} | {n} | {m['seconds']:.2f} | {m['cpu_seconds'] / (h * n):.4f} | "
                     f"{m['peak_mib']:.0f} |")
    longest = max(horizons)
    ratio = per_replication[longest] / per_replication[1]
    lines += ["", f"A {longest}-year horizon costs **{ratio:.1f}x** a 1-year run per "
              f"replication in CPU time (target: at most {longest + 1}x)."]
    lines += ["", *startup.report(quick).splitlines()[2:]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    script_main(__doc__, report)
