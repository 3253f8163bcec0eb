"""What per-event logging costs: serial base replications with the event recorder off or on.

    python benchmarks/recorder.py [--replications N] [--record]

Prints the wall milliseconds per replication-year of ``N`` serial replications of
``scenarios/base.toml`` (warm-up included) and the model's location, so that two
checkouts (this one, recorder off, and one from before the recorder) can be timed
side by side, each in a fresh process: ``docs/performance.md`` gives the ratio.
"""

from __future__ import annotations

import argparse
import inspect
import time
from pathlib import Path

import sim
from sim.model.replication import run_replication
from sim.scenario.loader import load_scenario
from sim.units import DAYS_PER_YEAR

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    """Run the replications and print ms per replication-year."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--record", action="store_true", help="log every event")
    args = parser.parse_args()
    scenario = load_scenario(ROOT / "scenarios" / "base.toml").scenario
    years = (scenario.run.warmup_days + scenario.run.horizon_days) / DAYS_PER_YEAR
    recording = args.record and "recorder" in inspect.signature(run_replication).parameters
    started = time.perf_counter()
    for k in range(args.replications):
        if recording:
            from sim.model.recorder import EventRecorder

            run_replication(scenario, k, recorder=EventRecorder())
        else:
            run_replication(scenario, k)
    elapsed = time.perf_counter() - started
    print(f"{1000 * elapsed / (args.replications * years):.1f} ms per replication-year "
          f"({args.replications} replications, recorder {'on' if recording else 'off'}, "
          f"model {Path(sim.__file__).parent})")


if __name__ == "__main__":
    main()
