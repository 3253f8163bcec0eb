"""Tiny sweeps through the command line, shared by the reliability tests.

A sweep of two points x three replications of six simulated days takes a fraction
of a second; ``tiny_sweep`` (in ``conftest.py``) runs one per session, and tests
that damage or interrupt it work on a copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
BASE_FILE = str(ROOT / "scenarios" / "base.toml")
TINY = ["--param", "fleet.tankers", "--values", "5,7", "--set", "run.horizon_days=5",
        "--set", "run.warmup_days=1", "--no-figures"]


def sweep_argv(out: Path, *extra: str, replications: int = 3, jobs: int = 1) -> list[str]:
    """``sweep`` of the tiny grid into ``out``; ``extra`` options come last (they win)."""
    return ["sweep", BASE_FILE, *TINY, "--replications", str(replications), "--jobs",
            str(jobs), "--out", str(out), *extra]


def same_tables(expected: Path, actual: Path) -> None:
    """Both results directories hold the same replications and summary, row for row."""
    pd.testing.assert_frame_equal(pd.read_parquet(expected / "replications.parquet"),
                                  pd.read_parquet(actual / "replications.parquet"))
    pd.testing.assert_frame_equal(pd.read_csv(expected / "summary.csv"),
                                  pd.read_csv(actual / "summary.csv"))


def interrupted_copy(finished: Path, target: Path) -> Path:
    """A copy of a finished sweep without its tables, as if it had stopped after its parts."""
    shutil.copytree(finished, target)
    for name in ("summary.csv", "replications.parquet"):
        (target / name).unlink()
    return target
