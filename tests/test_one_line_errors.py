"""One line where a traceback used to be (issue 15, item 6).

Each case of the issue ends in one ``error:`` line (or one ``notice:`` line when the
command can carry on), with the documented exit code: 2 for input or output that
cannot be used, 1 for a run that failed, 128+N for a signal, 141 for a closed pipe.
The precision overflow and the 1e-300-day horizon are in ``test_event_budget.py``.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import EXIT_BROKEN_PIPE, main
from sim.errors import WorkerDied
from sim.experiments.executors import Chunk, DaskBackend, scheduler_problem
from tests.sweeps import BASE_FILE, ROOT, interrupted_copy, same_tables, sweep_argv


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    out, err = capsys.readouterr()
    assert err.startswith("error: "), err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


@pytest.fixture
def stored(tiny_sweep, tmp_path) -> Path:
    return interrupted_copy(tiny_sweep, tmp_path / "study")


def test_a_300_character_out_is_one_line_and_creates_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(sweep_argv(Path("x" * 300))) == 2
    assert "a folder name of 300 bytes" in one_error_line(capsys)
    assert list(tmp_path.iterdir()) == []


def test_a_bad_scheduler_address_is_one_line_before_anything_is_written(tmp_path, capsys):
    assert main(sweep_argv(tmp_path / "o", "--executor", "dask", "--scheduler",
                           "foo://bar")) == 2
    assert "--scheduler = 'foo://bar': unknown scheme 'foo'" in one_error_line(capsys)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(("address", "fine"), [
    ("tcp://127.0.0.1:8786", True), ("127.0.0.1:8786", True), ("tls://h:1", True),
    ("foo://bar", False), ("http://h:80", False), ("tcp://", False), ("tcp://a b:1", False),
])
def test_scheduler_addresses_are_checked_by_their_scheme(address, fine):
    assert (scheduler_problem(address) is None) == fine


class _KillingFuture:
    """A Dask future whose task killed three workers in a row."""

    def __init__(self, chunk: Chunk) -> None:
        self.key = f"run_chunk-{id(chunk)}"

    def result(self):
        from distributed.scheduler import KilledWorker

        class Worker:
            address = "tcp://127.0.0.1:1"

        raise KilledWorker(self.key, Worker(), 2)

    def cancel(self) -> None:
        pass


def test_a_task_that_keeps_killing_dask_workers_is_one_line_and_exit_1(
        tmp_path, capsys, monkeypatch):
    pytest.importorskip("dask.distributed")

    class Client:
        def submit(self, function, chunk, pure):
            return _KillingFuture(chunk)

        def close(self) -> None:
            pass

    def fake_cluster(self, jobs, scheduler=None):
        self._client, self._cluster = Client(), None

    monkeypatch.setattr(DaskBackend, "__init__", fake_cluster)
    monkeypatch.setattr("dask.distributed.as_completed", iter)
    assert main(sweep_argv(tmp_path / "o", "--executor", "dask")) == 1
    err = one_error_line(capsys)
    assert "3 Dask workers in a row died running replications " in err
    assert "(killed, or out of memory)" in err


def test_the_dask_backend_names_the_chunk_whose_task_killed_the_workers(monkeypatch):
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr("dask.distributed.as_completed", iter)
    backend = DaskBackend.__new__(DaskBackend)
    backend._client = type("C", (), {"submit": lambda self, f, c, pure: _KillingFuture(c)})()
    chunks = [Chunk(4, None, 1, (7, 8)), Chunk(5, None, 1, (9,))]  # type: ignore[arg-type]
    with pytest.raises(WorkerDied, match="replications 7-8 of point 4"):
        list(backend.run_unordered(chunks))


def test_a_part_with_the_wrong_columns_is_set_aside_and_rerun(stored, tiny_sweep, capsys):
    part = sorted((stored / "parts").glob("*.parquet"))[0]
    pd.read_parquet(part).drop(columns=["shut_in_mt_per_year"]).to_parquet(part)
    assert main(sweep_argv(stored, "--resume")) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"notice: {part}: set aside as {part.name}.foreign, not used: ")
    assert (part.parent / f"{part.name}.foreign").exists()
    same_tables(tiny_sweep, stored)


def test_a_part_that_is_not_parquet_is_set_aside_as_unreadable_and_rerun(stored, tiny_sweep,
                                                                          capsys):
    part = sorted((stored / "parts").glob("*.parquet"))[-1]
    part.write_bytes(b"PAR1 not really")
    assert main(sweep_argv(stored, "--resume")) == 0
    assert "unreadable" in capsys.readouterr().err
    same_tables(tiny_sweep, stored)


@pytest.mark.parametrize(("change", "fragment"), [
    (lambda m: m.update(command_lines="python -m sim"), "'command_lines' is str, not list"),
    (lambda m: m.update(command_lines=[1, 2]), "'command_lines' is not a list of command"),
    (lambda m: m.update(started=20250101), "'started' is int, not str"),
    (lambda m: m.update(sweep_id=["x"]), "'sweep_id' is list, not str"),
    (lambda m: m.pop("status"), "no 'status'"),
    (lambda m: m.update(scenario="base"), "'scenario' is str, not dict"),
])
def test_a_manifest_with_wrong_types_is_refused_on_resume_in_one_line(
        change, fragment, stored, capsys):
    manifest = json.loads((stored / "manifest.json").read_text())
    change(manifest)
    (stored / "manifest.json").write_text(json.dumps(manifest))
    before = sorted(p.name for p in stored.rglob("*"))
    assert main(sweep_argv(stored, "--resume")) == 2
    err = one_error_line(capsys)
    assert "manifest.json: not a manifest this program can use" in err
    assert fragment in err
    assert sorted(p.name for p in stored.rglob("*")) == before


class FailingStdout:
    """A stdout that fails: its reader went away (``| head -1``), the device is full, it
    was closed by the caller."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def write(self, text: str) -> int:
        raise self.error

    def flush(self) -> None:
        raise self.error


@pytest.mark.parametrize(("error", "code", "fragment"), [
    (BrokenPipeError(errno.EPIPE, "Broken pipe"), EXIT_BROKEN_PIPE,
     "it was closed before everything was written (broken pipe)"),
    (OSError(errno.ENOSPC, "No space left on device"), 2, "No space left on device"),
])
@pytest.mark.parametrize("argv", [["schema"], ["show", BASE_FILE], ["bound", BASE_FILE]])
def test_output_that_cannot_be_written_is_one_line(argv, error, code, fragment, monkeypatch,
                                                   capsys):
    monkeypatch.setattr(sys, "stdout", FailingStdout(error))
    assert main(argv) == code
    err = capsys.readouterr().err
    assert err == f"error: cannot write to standard output: {fragment}\n"


@pytest.mark.slow
def test_schema_into_a_closed_pipe_and_into_a_full_device_are_one_line_each():
    """``schema | head -1`` fails when head has gone before the rest is written; a reader
    that is gone before the first write (``| true``) makes that certain."""
    piped = subprocess.run(f"{sys.executable} -m sim schema | true; "
                           "echo ${PIPESTATUS[0]} >&2", shell=True, executable="/bin/bash",
                           capture_output=True, text=True, cwd=ROOT, timeout=60)
    lines = piped.stderr.splitlines()
    assert lines == ["error: cannot write to standard output: it was closed before "
                     "everything was written (broken pipe)", str(EXIT_BROKEN_PIPE)]
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "sim", "schema"], stdout=full,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 2
    assert done.stderr == "error: cannot write to standard output: No space left on device\n"


def without_progress(err: str) -> list[str]:
    """The lines of stderr other than progress lines (a sweep without a terminal logs them)."""
    return [line for line in err.splitlines() if not line.startswith("progress: ")]


@pytest.mark.slow
def test_ctrl_c_on_a_dask_sweep_is_one_line(tmp_path):
    pytest.importorskip("dask.distributed")
    out = tmp_path / "study"
    argv = [sys.executable, "-m", "sim", "sweep", BASE_FILE, "--param", "fleet.tankers",
            "--values", "5,7", "--replications", "40", "--set", "run.horizon_days=60",
            "--jobs", "2", "--no-figures", "--executor", "dask", "--out", str(out)]
    command = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 90
    while not (out.exists() and list((out / "parts").glob("*.parquet"))):
        assert time.monotonic() < deadline
        assert command.poll() is None
        time.sleep(0.05)
    os.killpg(command.pid, signal.SIGINT)  # as Ctrl-C does: the whole foreground group
    _, err = command.communicate(timeout=60)
    assert command.returncode == 130
    assert without_progress(err) == ["interrupted (SIGINT)"]
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"


@pytest.mark.slow
def test_ctrl_c_on_a_process_pool_sweep_is_one_line(tmp_path):
    out = tmp_path / "study"
    argv = [sys.executable, "-m", "sim", "sweep", BASE_FILE, "--param", "fleet.tankers",
            "--values", "5,7", "--replications", "40", "--set", "run.horizon_days=60",
            "--jobs", "2", "--no-figures", "--out", str(out)]
    command = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 90
    while not (out.exists() and list((out / "parts").glob("*.parquet"))):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(command.pid, signal.SIGINT)
    _, err = command.communicate(timeout=60)
    assert (command.returncode, without_progress(err)) == (130, ["interrupted (SIGINT)"])


def test_a_python_without_the_projects_libraries_gets_one_line_and_how_to_set_up(tmp_path):
    # The interpreter finds the package but not SimPy (as when it runs from a checkout
    # without the README's setup): one line, exit 2, nothing written.
    code = ("import sys; sys.modules['simpy'] = None; from sim.cli import main; "
            "sys.exit(main(sys.argv[1:]))")
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", code, "run", str(root / "scenarios" / "base.toml"),
                           "--replications", "2", "--json"], capture_output=True, text=True,
                          cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(root)}, timeout=120)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1
    assert "lacks the library 'simpy'" in lines[0]
    assert "pip install -e ." in lines[0]
    assert list(tmp_path.iterdir()) == []
