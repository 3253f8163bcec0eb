"""Start-up: how fast the command line answers ``--help``, ``--version`` and bad input.

Usage::

    python benchmarks/startup.py            # 10 runs of each command
    python benchmarks/startup.py --quick    # 3 runs of each (CI)
    python benchmarks/startup.py --output benchmarks/startup.md

Each command runs in a fresh interpreter, as a user runs it; the report gives the
fastest and the median wall time of the runs, the CPU time of the fastest, the
machine's load, and which heavy libraries (NumPy, pandas, SciPy, Matplotlib, SimPy)
the command imported (``python -X importtime``). The target is under 0.5 s wall on
an idle machine; nothing here asserts a timing.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: What a user types, and what each line of the report calls it.
COMMANDS = {
    "--help": ["--help"],
    "--version": ["--version"],
    "run missing.toml": ["run", "missing.toml"],
    "run base.toml --set fleet.tankers=x": ["run", "scenarios/base.toml", "--set",
                                            "fleet.tankers=x"],
    "sweep base.toml --param fleet.tankers --values 6:12:5": [
        "sweep", "scenarios/base.toml", "--param", "fleet.tankers", "--values", "6:12:5"],
    "sweep base.toml --param aktau.storage_t --values 1000": [  # a grid point breaks a rule
        "sweep", "scenarios/base.toml", "--param", "aktau.storage_t", "--values", "1000"],
}

#: Libraries a command should import only when it needs them.
HEAVY = ("numpy", "pandas", "scipy", "matplotlib", "simpy", "pyarrow")


@dataclass(frozen=True)
class Startup:
    """Wall and CPU seconds of one command over several fresh runs."""

    name: str
    fastest_s: float
    median_s: float
    cpu_s: float  # user + system of the fastest run
    heavy: tuple[str, ...]  # heavy libraries it imported


def timed_run(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of ``python -m sim ARGV`` in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sim", *argv], cwd=ROOT, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def heavy_imports(argv: list[str]) -> tuple[str, ...]:
    """The heavy libraries ``python -m sim ARGV`` imports (top-level package names)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "sim", *argv], cwd=ROOT,
                          check=False, capture_output=True, text=True)
    names = {line.rsplit("|", 1)[-1].strip().split(".")[0]
             for line in done.stderr.splitlines() if line.startswith("import time:")}
    return tuple(name for name in HEAVY if name in names)


def measure(name: str, argv: list[str], repeats: int) -> Startup:
    """Run one command ``repeats`` times (after one warm-up run)."""
    timed_run(argv)  # warm the file cache
    runs = [timed_run(argv) for _ in range(repeats)]
    fastest = min(runs)
    return Startup(name, fastest[0], statistics.median(wall for wall, _ in runs), fastest[1],
                   heavy_imports(argv))


def startup_seconds(repeats: int = 5) -> float:
    """Fastest wall time of ``python -m sim --help`` (interpreter, imports, parser)."""
    return min(timed_run(["--help"])[0] for _ in range(repeats))


def report(quick: bool) -> str:
    """Time every command and return the Markdown report."""
    repeats = 3 if quick else 10
    load_before = os.getloadavg()
    rows = [measure(name, argv, repeats) for name, argv in COMMANDS.items()]
    load_after = os.getloadavg()
    lines = [f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {platform.machine()}, "
             f"{os.cpu_count()} cores, Python {platform.python_version()}; load average "
             f"{load_before[0]:.1f} before and {load_after[0]:.1f} after; {repeats} runs of "
             "each command in a fresh interpreter.", "",
             "### Start-up and input errors (`python -m sim ...`; target under 0.5 s wall)", "",
             "| command | fastest wall (s) | median wall (s) | CPU of fastest (s) | "
             "heavy libraries imported |", "|---|---:|---:|---:|---|"]
    for row in rows:
        lines.append(f"| `{row.name}` | {row.fastest_s:.3f} | {row.median_s:.3f} | "
                     f"{row.cpu_s:.3f} | {', '.join(row.heavy) or 'none'} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    from benchmarks.script import script_main

    script_main(__doc__, report, "3 runs of each command (CI)")
