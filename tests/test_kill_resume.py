"""A killed sweep always resumes, and leaves no process behind (issue 15, item 2).

The lock of a results directory belongs to the command alone: worker processes
start from a fork server and inherit none of its files, they end when the
command ends however it ends, and a lock whose noted owner is gone is taken over
on ``--resume`` with a one-line notice. The slow tests kill the main process
alone (not its group) with SIGTERM, SIGKILL and SIGHUP in the middle of a sweep,
check that every process it started is gone, and resume to the identical table.
"""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import sim.experiments.executors
from sim.cli import main
from sim.experiments.executors import Chunk, ProcessBackend, _main_module_hidden, _watch_command
from sim.experiments.jobs import process_alive
from sim.experiments.lock import LOCK
from sim.scenario.loader import load_scenario
from tests.sweeps import BASE_FILE, ROOT, interrupted_copy, same_tables, sweep_argv


def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat[stat.rindex(")") + 2:].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@pytest.fixture
def whole(tiny_sweep) -> Path:
    return tiny_sweep


# --- the lock belongs to the command alone ------------------------------------------------

def test_workers_hold_none_of_the_commands_files(tmp_path):
    held = tmp_path / "held.lock"
    fd = os.open(held, os.O_RDWR | os.O_CREAT)  # close-on-exec, as the sweep's lock is
    fcntl.flock(fd, fcntl.LOCK_EX)
    scenario = load_scenario(BASE_FILE, ["run.horizon_days=2"]).scenario
    try:
        with ProcessBackend(2) as backend:
            list(backend.run_unordered([Chunk(0, scenario, 1, (0,)), Chunk(0, scenario, 1, (1,))]))
            workers = list(backend._pool._processes)
            assert workers
            for pid in workers:
                links = [os.readlink(f"/proc/{pid}/fd/{n}") for n in os.listdir(f"/proc/{pid}/fd")]
                assert str(held) not in links
    finally:
        os.close(fd)


def _watching(pid: int) -> None:
    _watch_command(pid, os.getppid())


def test_a_worker_ends_within_seconds_once_its_command_is_gone(monkeypatch):
    monkeypatch.setattr(sim.experiments.executors, "WATCH_SECONDS", 0.05)
    child = multiprocessing.get_context("fork").Process(target=_watching, args=(dead_pid(),))
    child.start()
    child.join(5)
    assert child.exitcode == 1


def test_the_lock_note_is_cleared_when_a_sweep_ends(whole):
    assert (whole / LOCK).read_text() == ""


def test_a_lock_left_by_a_killed_sweep_is_taken_over_on_resume_with_a_notice(
        tmp_path, whole, capsys):
    out = interrupted_copy(whole, tmp_path / "study")
    (out / LOCK).write_text(f"pid {dead_pid()} on host {socket.gethostname()}, since then")
    capsys.readouterr()
    assert main(sweep_argv(out, "--resume")) == 0
    err = capsys.readouterr().err.splitlines()
    notices = [line for line in err if line.startswith("notice:")]
    assert len(notices) == 1
    assert "ended without releasing its lock; taking the lock" in notices[0]
    same_tables(whole, out)


def _hold_lock(lock_file: str, note: str, ready) -> None:
    """Child: hold the lock as an orphaned worker of a dead sweep would (inherited)."""
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.ftruncate(fd, 0)
    os.write(fd, note.encode())
    ready.set()
    time.sleep(120)


@pytest.fixture
def orphan_holding(tmp_path, whole):
    """A results directory whose lock an orphan holds while its noted owner is dead."""
    out = interrupted_copy(whole, tmp_path / "study")
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    note = f"pid {dead_pid()} on host {socket.gethostname()}, since then"
    holder = context.Process(target=_hold_lock, args=(str(out / LOCK), note, ready))
    holder.start()
    assert ready.wait(30)
    yield out
    os.kill(holder.pid, signal.SIGKILL)
    holder.join(10)


def test_a_lock_held_by_orphans_of_a_dead_sweep_is_refused_without_resume(
        orphan_holding, capsys):
    assert main(sweep_argv(orphan_holding)) == 2
    err = capsys.readouterr().err
    assert "another sweep is writing to this directory (pid" in err
    assert err.count("\n") == 1


def test_a_lock_held_by_orphans_of_a_dead_sweep_is_taken_over_on_resume(
        orphan_holding, whole, capsys):
    assert main(sweep_argv(orphan_holding, "--resume")) == 0
    err = capsys.readouterr().err
    assert "processes it left behind still held its lock; taking the lock over" in err
    same_tables(whole, orphan_holding)


def test_a_lock_noted_by_another_host_is_never_taken_over(tmp_path, whole, capsys):
    out = interrupted_copy(whole, tmp_path / "study")
    fd = os.open(out / LOCK, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.write(fd, f"pid {dead_pid()} on host elsewhere.example, since then".encode())
    try:
        assert main(sweep_argv(out, "--resume")) == 2
        assert "another sweep is writing" in capsys.readouterr().err
    finally:
        os.close(fd)


def test_process_alive_tells_the_living_from_the_dead():
    assert process_alive(os.getpid())
    assert not process_alive(dead_pid())


# --- SIGTERM and SIGHUP stop a sweep cleanly -----------------------------------------------

@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
def test_a_stop_signal_ends_the_sweep_in_one_line_and_keeps_what_was_stored(
        signum, tmp_path, monkeypatch, capsys, whole):
    real = sim.experiments.executors.run_replication

    def run(scenario, replication, seed=None):
        if scenario.fleet.tankers == 7 and replication == 1:
            os.kill(os.getpid(), signum)
        return real(scenario, replication, seed)

    monkeypatch.setattr(sim.experiments.executors, "run_replication", run)
    out = tmp_path / "study"
    assert main(sweep_argv(out)) == 128 + signum
    assert capsys.readouterr().err == f"interrupted ({signal.Signals(signum).name})\n"
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
    monkeypatch.undo()
    assert main(sweep_argv(out, "--resume")) == 0
    same_tables(whole, out)


# --- the main process alone killed in the middle of a parallel sweep ----------------------

@pytest.mark.slow
@pytest.mark.parametrize(("signum", "executor"), [
    (signal.SIGTERM, "process"), (signal.SIGKILL, "process"), (signal.SIGHUP, "process"),
    (signal.SIGKILL, "dask")], ids=["TERM", "KILL", "HUP", "KILL on Dask"])
def test_killing_the_main_process_alone_leaves_no_process_and_resumes_to_the_same_table(
        signum, executor, tmp_path, whole):
    if executor == "dask":
        pytest.importorskip("dask.distributed")
    out = tmp_path / "study"
    longer = ("--set", "run.horizon_days=60")
    argv = [sys.executable, "-m", "sim", *sweep_argv(out, *longer, "--executor", executor,
                                                     replications=12, jobs=2)]
    command = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not list((out / "parts").glob("*.parquet")) if out.exists() else True:
            assert time.monotonic() < deadline, "no part was stored"
            assert command.poll() is None, "the sweep ended before it could be killed"
            time.sleep(0.02)
        started = descendants(command.pid)
        assert len(started) >= 2  # the workers (and the fork server)
        os.kill(command.pid, signum)  # the main process only, not its group
        command.wait(30)
        deadline = time.monotonic() + 10
        while [pid for pid in started if process_alive(pid)] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [pid for pid in started if process_alive(pid)] == []
        assert not (out / "summary.csv").exists()
    finally:
        with_group = [command.pid, *descendants(command.pid)]
        for pid in with_group:
            if process_alive(pid):
                os.kill(pid, signal.SIGKILL)
    resumed = subprocess.run([*argv, "--resume"], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    reference = tmp_path / "reference"
    assert main(sweep_argv(reference, *longer, replications=12)) == 0
    same_tables(reference, out)


# --- workers start without running the user's script again --------------------------------

def test_the_main_module_is_hidden_only_while_workers_start():
    main_module = sys.modules["__main__"]
    with _main_module_hidden():
        assert sys.modules["__main__"] is not main_module
        assert sys.modules["__main__"].__spec__ is None
    assert sys.modules["__main__"] is main_module


@pytest.mark.slow
@pytest.mark.parametrize("executor", ["process", "dask"])
def test_a_script_without_a_main_guard_can_run_a_parallel_sweep(executor, tmp_path):
    if executor == "dask":
        pytest.importorskip("dask.distributed")
    script = tmp_path / "study.py"
    script.write_text(
        "import sim\n"
        f"result = sim.sweep({BASE_FILE!r}, {{'fleet.tankers': [5, 7]}}, replications=4,\n"
        f"                   jobs=2, executor={executor!r}, out={str(tmp_path / 'out')!r},\n"
        "                   figures=False)\n"
        "print(len(result.replications))\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=180)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "8\n"
