"""Long runs in bounded memory: no per-event history is kept, so memory does not grow with
the horizon, and per replication only its result row is kept.

The tests are small. The full measurement (a 30-year horizon; 2,000 replications of
one point) is a script: ``python tests/test_long_runs.py`` prints the peak resident
memory of each in a fresh process.
"""

from __future__ import annotations

import gc
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

BASE_FILE = Path(__file__).parent.parent / "scenarios" / "base.toml"


def traced_peak(work: Callable[[], Any]) -> tuple[int, Any]:
    """Peak Python heap allocated while ``work()`` runs (bytes), and its result."""
    gc.collect()
    tracemalloc.start()
    try:
        result = work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, result


def short_scenario(horizon_days: float, warmup_days: float = 1.0):
    from sim.scenario.loader import load_scenario

    return load_scenario(BASE_FILE, [f"run.horizon_days={horizon_days}",
                                     f"run.warmup_days={warmup_days}"]).scenario


@pytest.mark.slow
def test_a_replication_needs_no_more_memory_for_a_ten_times_longer_horizon():
    from sim.model.replication import run_replication

    short, long = short_scenario(30), short_scenario(300)
    run_replication(short, 0)  # warm caches and imports
    short_peak, _ = traced_peak(lambda: run_replication(short, 0))
    long_peak, _ = traced_peak(lambda: run_replication(long, 0))
    assert long_peak < short_peak + 100_000  # 10x the events, < 100 kB more


@pytest.mark.slow
def test_memory_per_replication_is_one_result_row():
    from sim.study import run_replications

    scenario = short_scenario(3, 0.5)
    run_replications(scenario, replications=5, jobs=1)
    few, frame_few = traced_peak(lambda: run_replications(scenario, replications=200, jobs=1))
    many, frame_many = traced_peak(lambda: run_replications(scenario, replications=1000,
                                                            jobs=1))
    assert len(frame_few) == 200
    assert len(frame_many) == 1000
    per_replication = (many - few) / 800
    # The result record, its dict and its DataFrame row (~6 kB together at the peak, when
    # the table is built); nothing that grows with the number of events.
    assert per_replication < 10_000


# --- the full measurement (not a test) -----------------------------------------------------

def _peak_rss_mb() -> float:
    """Peak resident memory of this process (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(command: str, horizon_days: float, replications: int, trace: bool = False
            ) -> dict[str, Any]:
    """Run ``command`` ("run" or "sweep") serially in this process; report time and memory.

    With ``trace``, also the peak of the Python heap (tracemalloc slows the run and
    adds its own memory, so peak RSS and time are measured without it).
    """
    import tempfile

    from sim.study import run_replications, sweep

    scenario = short_scenario(horizon_days, 30)
    before = _peak_rss_mb()
    started = time.perf_counter()
    if trace:
        tracemalloc.start()
    if command == "run":
        frame = run_replications(scenario, replications=replications, jobs=1)
    else:
        with tempfile.TemporaryDirectory() as out:
            frame = sweep(scenario, {"fleet.tankers": [6]}, replications=replications,
                          jobs=1, out=Path(out) / "study", figures=False).replications
    report = {"command": command, "horizon_days": horizon_days, "replications": len(frame),
              "seconds": round(time.perf_counter() - started, 1),
              "rss_after_imports_mb": round(before, 1), "peak_rss_mb": round(_peak_rss_mb(), 1)}
    if trace:
        report["python_heap_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 2)
        tracemalloc.stop()
    return report


def main() -> None:
    """Measure each case in a fresh process, so each peak is its own."""
    cases = [("run", 365 * 30, 20, False), ("run", 365 * 30, 2, True),
             ("run", 365, 200, False), ("run", 365, 2000, False), ("sweep", 365, 2000, False),
             ("run", 365, 200, True)]
    for command, horizon, replications, trace in cases:
        code = (f"import json, sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
                "from test_long_runs import measure; "
                f"print(json.dumps(measure({command!r}, {horizon}, {replications}, {trace})))")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True)
        print(done.stdout.splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
