"""Peak memory of a sweep against its number of replications (it must stay flat).

Usage::

    python benchmarks/memory.py                      # 10^3, 10^4, 10^5 replications
    python benchmarks/memory.py --counts 1000000     # one run of 10^6 (about an hour on 2 cores)
    python benchmarks/memory.py --quick              # 10^2 and 10^3 (CI keeps it from rotting)

Each case is the command line a planner would type, in a fresh process: a sweep of
``scenarios/base.toml`` over 100 points (fleet.tankers 1-10 x Russian-route p
0-0.45), the replications spread evenly over the points, two jobs, no figures. The
horizon is one hour after no warm-up: what is measured is the study's bookkeeping
(chunks, parts, progress, the summary and the assembled tables), which grows with
the replications, not the simulation, which does not. The peak resident memory is
the largest process of the command (itself or a worker), read from
``resource.getrusage``.

Nothing here asserts: the numbers are for reading (docs/performance.md).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script
from benchmarks.uncertainty import BASE, timed

POINTS = 100
GRID = ["--param", "fleet.tankers", "--values", "1:10:10",
        "--param", "russian_route.disruption.probability", "--values", "0:0.45:10"]
TINY = ["--set", "run.horizon_days=0.0417", "--set", "run.warmup_days=0"]


def measure(replications: int, folder: Path, jobs: int) -> dict[str, float]:
    """Run one sweep of ``replications`` in all; its wall time, peak RSS and disk use."""
    out = folder / f"sweep-{replications}"
    run = timed(["sweep", BASE, *GRID, *TINY, "--replications", str(replications // POINTS),
                 "--jobs", str(jobs), "--no-figures", "--out", str(out)])
    disk = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    return {"replications": replications, "seconds": float(run["seconds"]),  # type: ignore[arg-type]
            "peak_mib": float(run["child_peak_mib"]),  # type: ignore[arg-type]
            "disk_mb": disk / 1e6}


def report(rows: Sequence[dict[str, float]]) -> str:
    """A Markdown table of the runs and the fitted growth of the peak per decade."""
    lines = [f"Sweep of base over {POINTS} points, horizon one hour, "
             f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
             "", "| replications | wall time (s) | ms per replication | peak RSS (MiB) "
             "| disk (MB) |",
             "|---:|---:|---:|---:|---:|"]
    for row in rows:
        lines.append(f"| {row['replications']:,.0f} | {row['seconds']:.1f} | "
                     f"{1000 * row['seconds'] / row['replications']:.2f} | "
                     f"{row['peak_mib']:.0f} | {row['disk_mb']:.1f} |")
    if len(rows) > 1:
        decades = np.log10([r["replications"] for r in rows])
        slope = float(np.polyfit(decades, [r["peak_mib"] for r in rows], 1)[0])
        first = rows[0]["peak_mib"]
        at_million = first + slope * (6 - math.log10(rows[0]["replications"]))
        lines += ["", f"Peak memory grows by {slope:+.1f} MiB per tenfold replications; "
                  f"extrapolated to 10^6: {at_million:.0f} MiB "
                  f"({100 * (at_million / first - 1):+.1f}% of the smallest run)."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the cases and print (or write) the table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10^2 and 10^3 replications")
    parser.add_argument("--counts", type=int, nargs="+", help="replications in all, per run")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--output", type=Path, help="also write the table here")
    args = parser.parse_args(argv)
    counts = args.counts or ([100, 1_000] if args.quick else [1_000, 10_000, 100_000])
    with tempfile.TemporaryDirectory() as folder:
        rows = []
        for count in counts:
            rows.append(measure(count, Path(folder), args.jobs))
            sys.stderr.write(f"{count:,} replications: {rows[-1]}\n")
    text = report(rows)
    print(text)
    if args.output is not None:
        args.output.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
