"""Benchmarks of the uncertainty studies: sensitivity, compare, and an ensemble's memory and resume.

Usage::

    python benchmarks/uncertainty.py            # full mode, about 8 minutes on 2 cores
    python benchmarks/uncertainty.py --quick    # small counts (CI keeps it from rotting)
    python benchmarks/uncertainty.py --output benchmarks/uncertainty.md

Every case runs the command line in a fresh process, as a planner would, and reads
its wall time and its peak resident memory (the command's own process, and the
largest worker process) from ``resource.getrusage``:

- ``sensitivity`` of ``scenarios/base.toml`` (one at a time, 30 replications per end)
  and how much narrower the paired intervals are than independent ones would be;
- ``compare`` of base and the expanded fleet at 200 replications;
- ``explore`` of base, N Latin hypercube worlds x 20 replications x 3 fleet sizes,
  at two N (memory must not grow with N), then the large case killed part-way and
  resumed (its tables must equal the uninterrupted run's).

Nothing here asserts a timing: the numbers are for reading (docs/performance.md).
"""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
BASE = str(ROOT / "scenarios" / "base.toml")
EXPANDED = str(ROOT / "scenarios" / "expanded_fleet.toml")

_PROBE = """
import resource, subprocess, sys, time, json
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({"seconds": time.perf_counter() - started, "code": done.returncode,
                  "stdout": done.stdout, "stderr": done.stderr[-2000:],
                  "child_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                  / 1024}))
"""


def timed(args: list[str]) -> dict[str, object]:
    """Run ``python -m sim ARGS`` in a fresh process: wall time, exit code, peak RSS."""
    command = [sys.executable, "-m", "sim", *args]
    out = subprocess.run([sys.executable, "-c", _PROBE, *command], capture_output=True,
                         text=True, check=True, cwd=ROOT)
    result: dict[str, object] = json.loads(out.stdout)
    if result["code"] != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {result['stderr']}")
    return result


def sensitivity_case(folder: Path, replications: int) -> list[str]:
    """Time one-at-a-time sensitivity of base; report the paired and unpaired half-widths."""
    out = folder / "sensitivity"
    run = timed(["sensitivity", BASE, "--replications", str(replications), "--out", str(out)])
    effects = pd.read_csv(out / "sensitivity.csv")
    volume = effects[effects["output"] == "transcaspian_mt_per_year"]
    moved = pd.concat([volume["low_delta_half_width"], volume["high_delta_half_width"]])
    unpaired = pd.concat([volume["low_delta_unpaired_half_width"],
                          volume["high_delta_unpaired_half_width"]])
    keep = moved > 0
    top = volume.sort_values("rank").head(3)
    lines = [f"### Sensitivity of base (one at a time, {len(volume)} inputs, {replications} "
             "replications per end)", "",
             f"Wall time **{run['seconds']:.1f} s** (target: under 180 s); peak RSS of the "
             f"largest process {run['child_peak_mib']:.0f} MiB.", "",
             f"Paired 95% half-widths of the changes in Trans-Caspian Mt/yr, over the "
             f"{int(keep.sum())} input ends that change it at all: median "
             f"{moved[keep].median():.3f}, largest {moved[keep].max():.3f}; independent "
             f"replications would give a median of {unpaired[keep].median():.3f} "
             f"({unpaired[keep].median() / moved[keep].median():.0f}x wider). The top three:", "",
             "| rank | input | change at low [95% CI] | change at high [95% CI] |",
             "|---:|---|---|---|"]
    for r in top.itertuples():
        lines.append(f"| {r.rank} | `{r.input}` | {r.low_delta_mean:+.3f} "
                     f"[{r.low_delta_ci95_low:+.3f}, {r.low_delta_ci95_high:+.3f}] | "
                     f"{r.high_delta_mean:+.3f} [{r.high_delta_ci95_low:+.3f}, "
                     f"{r.high_delta_ci95_high:+.3f}] |")
    return [*lines, ""]


def compare_case(folder: Path, replications: int) -> list[str]:
    """Time ``compare`` of base and the expanded fleet."""
    out = folder / "compare"
    run = timed(["compare", BASE, EXPANDED, "--replications", str(replications), "--out",
                 str(out)])
    row = pd.read_csv(out / "comparison.csv").query("field == 'transcaspian_mt_per_year'")
    r = row.iloc[0]
    return [f"### Compare base and expanded_fleet ({replications} replications each)", "",
            f"Wall time **{run['seconds']:.1f} s** (target: under 20 s), the whole command "
            f"(start-up, runs, tables, figure). Trans-Caspian difference "
            f"{r.difference_mean:+.2f} Mt/yr [{r.difference_ci95_low:+.2f}, "
            f"{r.difference_ci95_high:+.2f}]: {r.verdict}.", ""]


def explore_args(draws: int, replications: int, out: Path) -> list[str]:
    return ["explore", BASE, "--sample", f"lhs:{draws}", "--replications", str(replications),
            "--lever", "fleet.tankers=6,8,10", "--no-figures", "--out", str(out)]


def explore_case(folder: Path, draws: tuple[int, int], replications: int) -> list[str]:
    """Peak memory at two ensemble sizes, then kill the larger part-way and resume it."""
    lines = [f"### Ensemble: lhs:N x {replications} replications x 3 fleet sizes", "",
             "| worlds N | points | replications | wall time (s) | peak RSS, command (MiB) | "
             "peak RSS, largest worker (MiB) |", "|---:|---:|---:|---:|---:|---:|"]
    for n in draws:
        out = folder / f"explore-{n}"
        peak = _peak_of_command(explore_args(n, replications, out))
        table = pd.read_parquet(out / "experiments.parquet")
        lines.append(f"| {n} | {len(table)} | {len(table) * replications:,} | "
                     f"{peak['seconds']:.1f} | {peak['self_mib']:.0f} | "
                     f"{peak['children_mib']:.0f} |")
    big = draws[-1]
    whole = folder / f"explore-{big}"
    killed = folder / "explore-killed"
    started = time.perf_counter()
    job = subprocess.Popen([sys.executable, "-m", "sim", *explore_args(big, replications, killed)],
                           cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    total = big * 3
    while time.perf_counter() - started < 600:
        parts = len(list((killed / "parts").glob("*.parquet"))) if killed.exists() else 0
        if parts >= total // 2:
            break
        time.sleep(0.2)
    os.killpg(job.pid, signal.SIGKILL)
    job.wait()
    parts = len(list((killed / "parts").glob("*.parquet")))
    resumed = timed([*explore_args(big, replications, killed), "--resume"])
    same = pd.read_parquet(killed / "experiments.parquet").equals(
        pd.read_parquet(whole / "experiments.parquet"))
    lines += ["", f"Killed (SIGKILL to the command and its workers) with {parts} of "
              f"{total} part files stored; `--resume` finished the rest in "
              f"{resumed['seconds']:.1f} s and the experiments table "
              f"{'equals' if same else 'DIFFERS FROM'} the uninterrupted run's.", ""]
    return lines


_PEAK = """
import json, resource, sys, time
from sim.cli import main
started = time.perf_counter()
code = main(sys.argv[1:])
print(json.dumps({"code": code, "seconds": time.perf_counter() - started,
                  "self_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "children_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def _peak_of_command(args: list[str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", _PEAK, *args], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(quick: bool) -> str:
    """Run every case and return the Markdown report."""
    lines = [f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, "
             f"{os.cpu_count()} cores, Python {platform.python_version()}; "
             f"{'quick' if quick else 'full'} mode.", ""]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        lines += sensitivity_case(folder, 4 if quick else 30)
        lines += compare_case(folder, 10 if quick else 200)
        lines += explore_case(folder, (4, 8) if quick else (50, 200), 2 if quick else 20)
    return "\n".join(lines)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    from benchmarks.script import script_main

    script_main(__doc__, report)
