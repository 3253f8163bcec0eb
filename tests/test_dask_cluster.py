"""A sweep on a real multi-process Dask cluster: a scheduler and two workers on loopback.

This is the path a study takes when it outgrows one machine (``docs/cluster.md``):
``dask scheduler`` and ``dask worker`` processes started by hand, and the sweep
pointed at them with ``--executor dask --scheduler ADDRESS``. Here all of them run
on this machine, bound to 127.0.0.1. One worker is killed in the middle of the
sweep: Dask hands its tasks to the other, and the sweep ends with the same table
as a serial run (every replication draws from its own seeds), or, if it cannot,
fails in one line and ``--resume`` completes it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
BASE = str(ROOT / "scenarios" / "base.toml")
SWEEP = ["sweep", BASE, "--param", "fleet.tankers", "--values", "5,7", "--replications", "24",
         "--set", "run.compare_without_diversion=false", "--no-figures"]


def start(*argv: str) -> subprocess.Popen[bytes]:
    """A Dask process in a session of its own (so the test can kill it whole)."""
    return subprocess.Popen([sys.executable, "-m", *argv], cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill(process: subprocess.Popen[bytes]) -> None:
    """Kill a process and everything it started (a worker's nanny and its child)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def wait_for(predicate, what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """A scheduler and two single-threaded workers, all on 127.0.0.1; yields its address."""
    pytest.importorskip("dask.distributed")
    address_file = tmp_path / "scheduler.json"
    scheduler = start("distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
                      "--no-dashboard", "--scheduler-file", str(address_file))
    workers: list[subprocess.Popen[bytes]] = []
    try:
        wait_for(address_file.exists, "the scheduler's address")
        wait_for(lambda: "address" in address_file.read_text(), "the scheduler's address")
        address = json.loads(address_file.read_text())["address"]
        workers = [start("distributed.cli.dask_worker", "--scheduler-file", str(address_file),
                         "--host", "127.0.0.1", "--nworkers", "1", "--nthreads", "1",
                         "--no-dashboard") for _ in range(2)]
        from dask.distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address, workers
    finally:
        for process in [*workers, scheduler]:
            kill(process)


def test_a_sweep_on_a_real_cluster_survives_a_killed_worker_with_identical_numbers(
        cluster, tmp_path):
    address, workers = cluster
    out = tmp_path / "study"
    argv = [sys.executable, "-m", "sim", *SWEEP, "--executor", "dask", "--scheduler", address,
            "--out", str(out)]
    sweep = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    try:
        wait_for(lambda: out.exists() and any((out / "parts").glob("*.parquet")),
                 "the first stored part", seconds=120)
        assert sweep.poll() is None, "the sweep ended before a worker could be killed"
        kill(workers[0])  # a machine lost mid-sweep
        _, stderr = sweep.communicate(timeout=300)
    finally:
        if sweep.poll() is None:
            sweep.kill()
    if sweep.returncode != 0:  # it may not finish, but then it must say why, in one line
        assert stderr.strip().count("\n") == 0, stderr
        assert "--resume" in stderr, stderr
        resumed = subprocess.run([*argv, "--resume"], cwd=ROOT, capture_output=True, text=True,
                                 timeout=300)
        assert resumed.returncode == 0, resumed.stderr
    reference = tmp_path / "serial"
    assert main([*SWEEP, "--jobs", "1", "--out", str(reference)]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out / "replications.parquet"),
                                  pd.read_parquet(reference / "replications.parquet"))
    pd.testing.assert_frame_equal(pd.read_csv(out / "summary.csv"),
                                  pd.read_csv(reference / "summary.csv"))


def test_an_unreachable_scheduler_is_one_line_and_writes_nothing(tmp_path, capsys):
    pytest.importorskip("dask.distributed")
    out = tmp_path / "study"
    code = main([*SWEEP, "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9",
                 "--out", str(out)])
    assert code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "cannot connect" in error
    assert not out.exists()
