"""Faults during a sweep lose nothing and change no number.

A sweep killed with SIGKILL at any moment and resumed gives the uninterrupted
table row for row; a failing replication is reported with its point,
replication and seed and stops the sweep or is recorded; a second sweep on the
same directory is refused; a full disk or a read-only directory is a clear
error and what was stored survives; the same seed gives the same table on any
back end, with any number of jobs, and after any resume.
"""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import random
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import sim.experiments.executors
import sim.experiments.results_dir
from sim.cli import main
from sim.errors import OutputError, ReplicationError, RunFailure
from sim.experiments.plan import plan_sweep
from sim.model.chain import ExportChain
from sim.scenario.loader import load_scenario
from sim.study import sweep

BASE_FILE = str(Path(__file__).parent.parent / "scenarios" / "base.toml")
SHORT = ["run.horizon_days=60", "run.warmup_days=5"]
GRID = {"fleet.tankers": [5, 7]}
REPS = 12
#: With 2 points x 12 replications on one job: manifest, scenario.toml, 4 parts,
#: replications.parquet, summary.csv, final manifest.
WRITES = 9


def base():
    return load_scenario(BASE_FILE, SHORT).scenario


def run_sweep(out: Path | None, **options):
    settings = {"replications": REPS, "jobs": 1, "figures": False, **options}
    return sweep(base(), GRID, out=out, **settings)


@pytest.fixture(scope="module")
def whole(tmp_path_factory) -> Path:
    """An uninterrupted sweep: the reference every other table must equal."""
    out = tmp_path_factory.mktemp("whole") / "study"
    run_sweep(out)
    return out


@pytest.fixture(scope="module")
def sweep_seconds(tmp_path_factory, whole) -> float:
    """How long the whole sweep takes once everything is imported (s)."""
    started = time.perf_counter()
    run_sweep(tmp_path_factory.mktemp("timed") / "study")
    return time.perf_counter() - started


def assert_same_tables(expected: Path, actual: Path) -> None:
    pd.testing.assert_frame_equal(pd.read_parquet(expected / "replications.parquet"),
                                  pd.read_parquet(actual / "replications.parquet"))
    pd.testing.assert_frame_equal(pd.read_csv(expected / "summary.csv"),
                                  pd.read_csv(actual / "summary.csv"))
    assert json.loads((actual / "manifest.json").read_text())["status"] == "complete"
    assert not list(actual.glob("**/.*.tmp"))


# --- SIGKILL at any moment -----------------------------------------------------------------

def _sweep_killing_itself(out: Path, write: int, inside: bool, resume: bool) -> None:
    """Child process: run the sweep and SIGKILL itself at (or inside) its write-th file write."""
    count = {"writes": 0}
    original_write, original_replace = sim.experiments.results_dir.atomic_write, os.replace

    def counting_write(path, writer):
        count["writes"] += 1
        if count["writes"] == write and not inside:
            os.kill(os.getpid(), signal.SIGKILL)
        original_write(path, writer)

    def dying_replace(src, dst):
        if count["writes"] == write and inside:  # the data is on disk, not yet renamed
            os.kill(os.getpid(), signal.SIGKILL)
        original_replace(src, dst)

    sim.experiments.results_dir.atomic_write = counting_write
    os.replace = dying_replace
    run_sweep(out, resume=resume)
    os._exit(0)


def _plain_sweep(out: Path) -> None:
    run_sweep(out)
    os._exit(0)


def fork(target: Callable[..., None], *args) -> multiprocessing.Process:
    process = multiprocessing.get_context("fork").Process(target=target, args=args)
    process.start()
    return process


def kill_at_write(out: Path, write: int, inside: bool = False, resume: bool = False) -> None:
    process = fork(_sweep_killing_itself, out, write, inside, resume)
    process.join(60)
    assert process.exitcode == -signal.SIGKILL


KILL_POINTS = {
    "before anything is written": (1, False),
    "while writing the manifest": (1, True),
    "after the manifest, before scenario.toml": (2, False),
    "after the manifest, before any part": (3, False),
    "while writing the second part": (4, True),
    "after two parts": (5, False),
    "after every part, before the tables": (7, False),
    "while writing replications.parquet": (7, True),
    "after replications.parquet": (8, False),
    "before the final manifest": (9, False),
}


@pytest.mark.slow
@pytest.mark.parametrize("moment", KILL_POINTS)
def test_a_sweep_killed_at_any_write_and_resumed_equals_an_uninterrupted_one(
        moment, tmp_path, whole):
    write, inside = KILL_POINTS[moment]
    out = tmp_path / "study"
    kill_at_write(out, write, inside)
    assert not (out / "summary.csv").exists() or write > 8
    run_sweep(out, resume=True)
    assert_same_tables(whole, out)


@pytest.mark.slow
@pytest.mark.parametrize("quarter", [0, 1, 2, 3])
def test_a_sweep_killed_at_a_random_time_and_resumed_equals_an_uninterrupted_one(
        quarter, tmp_path, whole, sweep_seconds):
    """Killed at a random moment within each quarter of the run (its last 25% excluded)."""
    out = tmp_path / "study"
    process = fork(_plain_sweep, out)
    time.sleep(random.Random(quarter).uniform(quarter, quarter + 1) / 4 * 0.75 * sweep_seconds)
    os.kill(process.pid, signal.SIGKILL)
    process.join(60)
    assert process.exitcode == -signal.SIGKILL  # it was still running
    run_sweep(out, resume=out.exists())
    assert_same_tables(whole, out)


@pytest.mark.slow
def test_a_sweep_killed_twice_and_resumed_on_dask_equals_the_serial_one(tmp_path, whole):
    pytest.importorskip("dask.distributed")
    out = tmp_path / "study"
    kill_at_write(out, 5)
    kill_at_write(out, 4, resume=True)  # the resumed run is killed too
    run_sweep(out, resume=True, executor="dask", jobs=2)
    assert_same_tables(whole, out)


@pytest.mark.slow
def test_a_precision_sweep_killed_and_resumed_reaches_the_same_replications(tmp_path):
    def precise(out: Path, **options):
        return sweep(base(), GRID, precision_mt_per_year=0.3, jobs=1, out=out, figures=False,
                     **options)

    whole = precise(tmp_path / "whole")
    out = tmp_path / "broken"
    process = fork(lambda: (precise(out), os._exit(0)))
    time.sleep(0.3)
    os.kill(process.pid, signal.SIGKILL)
    process.join(60)
    assert process.exitcode == -signal.SIGKILL
    resumed = precise(out, resume=out.exists())
    pd.testing.assert_frame_equal(whole.replications, resumed.replications)
    pd.testing.assert_frame_equal(whole.summary, resumed.summary)


# --- a replication that raises -------------------------------------------------------------

@pytest.fixture
def broken_replication(monkeypatch):
    """Replication 3 of the 7-tanker point loses two tonnes: the model's own mass-balance
    check (run at the end of every replication) must catch it."""
    build, run = ExportChain.__init__, ExportChain.run

    def leaky_build(self, scenario, replication, seed, **options):
        build(self, scenario, replication, seed, **options)
        self.leaks = scenario.fleet.tankers == 7 and replication == 3

    def leaky_run(self):
        run(self)
        if self.leaks:
            self.supply.totals.russian_t -= 2.0

    monkeypatch.setattr(ExportChain, "__init__", leaky_build)
    monkeypatch.setattr(ExportChain, "run", leaky_run)


def test_a_failing_replication_stops_the_sweep_naming_point_replication_and_seed(
        tmp_path, broken_replication):
    out = tmp_path / "study"
    with pytest.raises(ReplicationError) as info:
        run_sweep(out)
    failure = info.value
    assert (failure.point, failure.replication, failure.seed) == (1, 3, base().run.seed)
    assert failure.values == {"fleet.tankers": 7}
    assert "mass balance off by 2.000 t" in str(failure)
    assert "fleet.tankers=7" in failure.rerun
    assert str(out / "scenario.toml") in failure.rerun
    stored = json.loads((out / "failures.json").read_text())
    assert stored == [{"point": 1, "values": {"fleet.tankers": 7}, "replication": 3,
                       "seed": base().run.seed, "error": stored[0]["error"],
                       "rerun": failure.rerun}]
    assert json.loads((out / "manifest.json").read_text())["status"] == "failed"
    assert list((out / "parts").glob("*.parquet"))  # what was done before is kept


def test_a_recorded_failure_leaves_every_other_replication_unchanged(
        tmp_path, broken_replication, whole):
    result = run_sweep(tmp_path / "study", on_error="record")
    assert [(f.point, f.replication) for f in result.failures] == [(1, 3)]
    expected = pd.read_parquet(whole / "replications.parquet")
    expected = expected[~((expected["point"] == 1) & (expected["replication"] == 3))]
    pd.testing.assert_frame_equal(result.replications, expected.reset_index(drop=True))
    assert result.summary["replications"].tolist() == [REPS, REPS - 1]


def test_the_cli_reports_a_failed_replication_with_exit_code_1(
        tmp_path, broken_replication, capsys):
    argv = ["sweep", BASE_FILE, "--param", "fleet.tankers", "--values", "5,7",
            "--replications", str(REPS), "--jobs", "1", "--no-figures",
            *[a for s in SHORT for a in ("--set", s)]]
    assert main([*argv, "--out", str(tmp_path / "stop")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: point 1 (fleet.tankers = 7), replication 3, seed 20231122: ")
    assert "rerun it alone with: python -c" in err
    assert err.count("\n") == 1
    assert main([*argv, "--out", str(tmp_path / "record"), "--on-error", "record"]) == 1
    out, err = capsys.readouterr()
    assert "1 replications failed" in err
    assert "failures.json" in err
    assert (tmp_path / "record" / "summary.csv").exists()


def test_the_rerun_command_of_a_failure_runs_exactly_that_replication(
        tmp_path, broken_replication, whole):
    run_sweep(tmp_path / "study", on_error="record")
    command = json.loads((tmp_path / "study" / "failures.json").read_text())[0]["rerun"]
    args = shlex.split(command)
    done = subprocess.run([sys.executable, *args[1:]], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    table = pd.read_parquet(whole / "replications.parquet").set_index(["point", "replication"])
    expected = float(table.loc[(1, 3), "transcaspian_mt_per_year"])
    assert f"transcaspian_mt_per_year={expected!r}" in done.stdout


def test_a_worker_that_dies_is_a_clear_error_and_keeps_what_was_stored(tmp_path, monkeypatch):
    real = sim.experiments.executors.run_replication

    def run(scenario, replication, seed=None):
        if scenario.fleet.tankers == 7 and replication == 9:
            os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would
        return real(scenario, replication, seed)

    monkeypatch.setattr(sim.experiments.executors, "run_replication", run)
    # Workers normally start from a fork server, which would not see the patch above.
    monkeypatch.setattr(sim.experiments.executors, "POOL_CONTEXT", "fork")
    out = tmp_path / "study"
    with pytest.raises(RunFailure, match="a worker process died") as info:
        run_sweep(out, jobs=2)
    assert "--resume" in str(info.value)
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"


# --- two sweeps, one directory -------------------------------------------------------------

def _hold_directory(out: Path, ready: multiprocessing.Event) -> None:
    """Child process: a sweep that has opened ``out`` and is still running."""
    plan = plan_sweep(base(), GRID, replications=REPS)
    with sim.experiments.results_dir.ResultsDir.open(out, plan.sweep_id, resume=False):
        ready.set()
        time.sleep(60)


def test_a_second_sweep_on_the_same_directory_is_refused(tmp_path, capsys):
    out = tmp_path / "study"
    ready = multiprocessing.get_context("fork").Event()
    holder = fork(_hold_directory, out, ready)
    try:
        assert ready.wait(30)
        argv = ["sweep", BASE_FILE, "--param", "fleet.tankers", "--values", "5,7",
                "--replications", str(REPS), "--jobs", "1", "--no-figures", "--out", str(out),
                *[a for s in SHORT for a in ("--set", s)]]
        for extra in ([], ["--resume"]):
            assert main([*argv, *extra]) == 2
            err = capsys.readouterr().err
            assert f"error: {out}: another sweep is writing to this directory (pid " \
                   f"{holder.pid}" in err
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.join(30)
    assert out.is_dir()


# --- a full disk, a read-only directory ----------------------------------------------------

def failing_after(calls: int, error: int, real: Callable) -> Callable:
    """``real`` that raises OSError(error) from its ``calls + 1``-th call on."""
    count = {"n": 0}

    def wrapper(*args, **kwargs):
        count["n"] += 1
        if count["n"] > calls:
            raise OSError(error, os.strerror(error))
        return real(*args, **kwargs)

    return wrapper


def test_a_full_disk_is_a_clear_error_and_stored_parts_survive(tmp_path, monkeypatch, whole):
    out = tmp_path / "study"
    monkeypatch.setattr(os, "fsync", failing_after(4, errno.ENOSPC, os.fsync))
    with pytest.raises(OutputError) as info:
        run_sweep(out)
    message = str(info.value)
    assert "No space left on device" in message
    assert "the 12 replications already stored" in message
    assert "--resume" in message
    assert len(list((out / "parts").glob("*.parquet"))) == 2
    assert not list(out.glob("**/.*.tmp"))  # the half-written file was removed
    monkeypatch.undo()
    run_sweep(out, resume=True)
    assert_same_tables(whole, out)


def test_a_full_disk_at_the_first_write_leaves_no_directory(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "fsync", failing_after(0, errno.ENOSPC, os.fsync))
    with pytest.raises(OutputError, match="nothing had been stored"):
        run_sweep(tmp_path / "study")
    assert list(tmp_path.iterdir()) == []


def test_a_directory_turned_read_only_mid_sweep_keeps_what_was_stored(
        tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(tempfile, "mkstemp", failing_after(5, errno.EROFS, tempfile.mkstemp))
    out = tmp_path / "study"
    argv = ["sweep", BASE_FILE, "--param", "fleet.tankers", "--values", "5,7",
            "--replications", str(REPS), "--jobs", "1", "--no-figures", "--out", str(out),
            *[a for s in SHORT for a in ("--set", s)]]
    assert main(argv) == 2
    out_text, err = capsys.readouterr()
    assert out_text == ""
    assert err.startswith(f"error: {out}: cannot write results (Read-only file system)")
    assert len(list((out / "parts").glob("*.parquet"))) == 3


def test_an_output_directory_that_cannot_be_created_is_refused(tmp_path, monkeypatch):
    def read_only_mkdir(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))

    monkeypatch.setattr(Path, "mkdir", read_only_mkdir)
    with pytest.raises(OutputError, match="cannot create the results directory "
                                          r"\(Permission denied\)"):
        run_sweep(tmp_path / "nested" / "study")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_a_read_only_directory_is_refused_by_chmod(tmp_path):
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(0o555)
    if os.access(parent, os.W_OK):
        pytest.skip("running as root: chmod does not stop root from writing (the "
                    "monkeypatched variants above cover this case)")
    with pytest.raises(OutputError, match="Permission denied"):
        run_sweep(parent / "study")


# --- the same numbers everywhere -----------------------------------------------------------

def test_the_same_seed_gives_identical_tables_for_any_jobs_and_repeated_runs(whole):
    first = run_sweep(None)
    for options in ({}, {"jobs": 2}, {"jobs": 3}):
        again = run_sweep(None, **options)
        pd.testing.assert_frame_equal(first.replications, again.replications)
        pd.testing.assert_frame_equal(first.summary, again.summary)
    pd.testing.assert_frame_equal(first.replications,
                                  pd.read_parquet(whole / "replications.parquet"))


def test_the_manifest_reruns_a_point_to_the_same_numbers(whole):
    manifest = json.loads((whole / "manifest.json").read_text())
    assert (whole / manifest["scenario_toml"]).is_file()
    for key in ["sweep_id", "scenario", "scenario_sha256", "package_version", "python",
                "command_line", "parameters", "seed", "common_random_numbers", "points"]:
        assert key in manifest
    point = manifest["points"][1]
    assert point["values"] == {"fleet.tankers": 7}
    assert point["replications"] == REPS
    args = shlex.split(point["rerun"])
    done = subprocess.run([sys.executable, *args[1:], "--json", "--jobs", "1"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    summary = pd.read_csv(whole / "summary.csv")
    assert report["kpis"]["transcaspian_mt_per_year"]["mean"] == pytest.approx(
        summary.loc[1, "transcaspian_mt_per_year_mean"], rel=1e-12)
