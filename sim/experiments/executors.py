"""Where replications run: in this process, on a local process pool, or on a Dask cluster.

Work is cut into :class:`Chunk` s (several replications of one plan point). Every
back end is a context manager (its workers are released on exit, however the
block ends) with the same :meth:`Backend.run_unordered`, which yields
:class:`ChunkResult` s as they complete; results do not depend on the back end
because each replication's random streams depend only on (seed, replication).
Dask is imported only when it is used.

Worker processes belong to the command that started them and never outlive it:

- they are started from a fork server (:data:`POOL_CONTEXT`), not forked from the
  command, so they hold none of its open files (the results directory's lock
  above all: a lock inherited by a worker would outlive a killed command), and
  without running the user's script again (a script needs no ``__main__`` guard);
- they ignore Ctrl-C (the command stops them, so one Ctrl-C prints one line, not a
  traceback per worker);
- they end when the command ends, however it ends: on Linux the kernel kills a
  worker whose parent dies (``PR_SET_PDEATHSIG``; the fork server exits when the
  command does), and everywhere a watcher thread ends a worker whose command is gone;
- a command stopped by an error or a signal kills its workers instead of waiting
  for the chunks they are running.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
import types
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from sim.errors import RunFailure, UserError, WorkerDied
from sim.experiments.jobs import default_jobs, process_alive
from sim.model.replication import run_replication, run_replication_years
from sim.model.results import ReplicationResult
from sim.scenario.schema import Scenario

#: How local worker processes are started: from a fork server that imported the model once,
#: so a worker starts in milliseconds and inherits none of the command's open files.
POOL_CONTEXT = "forkserver"
#: How often a worker checks that its command is still alive (s).
WATCH_SECONDS = 1.0
#: Dask schedulers are addressed as ``SCHEME://HOST:PORT`` with one of these schemes.
DASK_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx", "inproc")
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Chunk:
    """Replications ``replications`` of sweep point ``point`` under root seed ``seed``."""

    point: int
    scenario: Scenario
    seed: int
    replications: Sequence[int]  # a range, or a tuple where stored replications leave holes


@dataclass(frozen=True)
class Failure:
    """A replication that raised: enough to rerun it alone."""

    point: int
    replication: int
    seed: int
    error: str


@dataclass
class ChunkResult:
    """What a chunk produced: results of the replications that ran, failures, and its cost.

    ``cpu_seconds`` is the CPU time the worker spent on the chunk (process time).
    """

    chunk: Chunk
    results: list[ReplicationResult] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    cpu_seconds: float = 0.0
    years: list[dict[str, Any]] = field(default_factory=list)  # calendar-year rows, if dated


def run_chunk(chunk: Chunk) -> ChunkResult:
    """Run every replication of a chunk; a failing replication is recorded, not raised."""
    started = time.process_time()
    out = ChunkResult(chunk)
    for k in chunk.replications:
        try:
            if chunk.scenario.run.start_date is None:
                out.results.append(run_replication(chunk.scenario, k, chunk.seed))
            else:  # a calendar: also one row per calendar year
                result, years = run_replication_years(chunk.scenario, k, chunk.seed)
                out.results.append(result)
                out.years.extend(years)
        except Exception as exc:  # reported with point, replication and seed
            out.failures.append(Failure(chunk.point, k, chunk.seed,
                                        f"{type(exc).__name__}: {exc}"))
    out.cpu_seconds = time.process_time() - started
    return out


def chunks_for(point: int, scenario: Scenario, seed: int, replications: Sequence[int],
               size: int) -> list[Chunk]:
    """Cut one point's replications into chunks of at most ``size``.

    A ``range`` is cut into ranges, so a million fresh replications cost no list of a
    million numbers.
    """
    reps = replications if isinstance(replications, range) else tuple(replications)
    return [Chunk(point, scenario, seed, reps[i:i + size]) for i in range(0, len(reps), size)]


def chunk_size(total: int, jobs: int) -> int:
    """Replications per chunk: a few chunks per worker, at most 25 (h of work stays small)."""
    return max(1, min(25, total // (4 * max(jobs, 1)) or 1))


class Backend(ABC):
    """Runs chunks and yields their results in completion order; a context manager.

    ``workers`` is how many chunks it runs at once (chunks are sized from it).
    """

    workers: int = 1

    @abstractmethod
    def run_unordered(self, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        """Submit ``chunks`` and yield each result as it completes."""

    @abstractmethod
    def close(self, abort: bool = False) -> None:
        """Release workers; with ``abort``, stop them without waiting for their work."""

    def __enter__(self) -> Backend:
        """Use the back end inside ``with``; its workers go when the block ends."""
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc_value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        """Release the workers, however the block ended (at once if it ended by an error)."""
        self.close(abort=exc_type is not None)


class SerialBackend(Backend):
    """Runs chunks one after another in this process."""

    def run_unordered(self, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        """Run each chunk in turn."""
        return map(run_chunk, chunks)

    def close(self, abort: bool = False) -> None:
        """Nothing to release."""


def worker_setup(command_pid: int) -> None:
    """Run in each local worker as it starts: ignore Ctrl-C, end with the command.

    Linux's ``PR_SET_PDEATHSIG`` has the kernel kill the worker when its parent (the
    fork server, which exits with the command) dies; the watcher thread does the
    same everywhere by polling the command's pid.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    parent = os.getppid()
    threading.Thread(target=_watch_command, args=(command_pid, parent), daemon=True,
                     name="watch-command").start()


def _watch_command(command_pid: int, parent: int) -> None:
    """End this worker as soon as its command (or the process that started it) is gone."""
    while process_alive(command_pid) and os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start workers (and the fork server) without running the user's script again in them.

    A started worker runs the ``__main__`` module of the command again (as
    ``__mp_main__``), so that functions defined there can be unpickled; a plain script
    that calls :func:`sim.sweep` without an ``if __name__ == "__main__":`` guard would
    then start a sweep in every worker. Workers here only ever run this module's
    functions, so the script is hidden from them while they start.
    """
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")  # no spec, no file: nothing to rerun
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


class ProcessBackend(Backend):
    """A local pool of worker processes (one per core by default)."""

    def __init__(self, jobs: int) -> None:
        self.jobs = self.workers = jobs
        context = multiprocessing.get_context(POOL_CONTEXT)
        if POOL_CONTEXT == "forkserver":
            context.set_forkserver_preload([__name__])
        self._pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                         initializer=worker_setup, initargs=(os.getpid(),))

    def run_unordered(self, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        """Keep every worker busy and yield results as they come back."""
        pending: set[Future[ChunkResult]] = set()
        queue = iter(chunks)
        try:
            for chunk in queue:
                pending.add(self._submit(chunk))
                if len(pending) >= 2 * self.jobs:
                    break
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
                    nxt = next(queue, None)
                    if nxt is not None:
                        pending.add(self._submit(nxt))
        finally:
            for future in pending:
                future.cancel()

    def _submit(self, chunk: Chunk) -> Future[ChunkResult]:
        """Submit one chunk (the pool starts a worker here when it needs one)."""
        with _main_module_hidden():
            return self._pool.submit(run_chunk, chunk)

    def close(self, abort: bool = False) -> None:
        """Shut the pool down; with ``abort``, kill the workers rather than wait for them."""
        workers: dict[Any, Any] = getattr(self._pool, "_processes", None) or {}
        if abort:
            for process in list(workers.values()):
                with contextlib.suppress(OSError, ValueError, AttributeError):
                    process.kill()
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskBackend(Backend):
    """A Dask distributed cluster: the one at ``scheduler``, or a local one.

    A local cluster's workers are started with Ctrl-C ignored (the command stops
    them) and its logging kept to errors, so an interrupted sweep ends in one line.
    A task that keeps killing its workers (Dask's ``KilledWorker``) is a
    :class:`~sim.errors.WorkerDied`.
    """

    def __init__(self, jobs: int, scheduler: str | None = None) -> None:
        try:
            import dask
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise UserError("--executor dask needs Dask: pip install -e '.[dask]'") from None
        self._cluster = None
        if scheduler is None:
            with _sigint_ignored(), dask.config.set(_QUIET_DASK), _quiet_workers(), \
                    _main_module_hidden():
                try:
                    self._cluster = LocalCluster(n_workers=jobs, threads_per_worker=1,
                                                 processes=True, dashboard_address=None)
                except (OSError, RuntimeError, TimeoutError) as exc:
                    raise RunFailure(f"could not start a local Dask cluster ({exc})") from None
            self._client = Client(self._cluster)
            self.workers = jobs
        else:
            problem = scheduler_problem(scheduler)
            if problem is not None:
                raise UserError(f"--scheduler {scheduler!r}: {problem}")
            try:
                self._client = Client(scheduler, timeout="10s")
            except (OSError, ValueError, TimeoutError) as exc:
                raise UserError(f"--scheduler {scheduler!r}: cannot connect "
                                f"({type(exc).__name__}: {exc})") from None
            self.workers = max(1, sum(worker.get("nthreads", 1) for worker in
                                      self._client.scheduler_info()["workers"].values()))

    def run_unordered(self, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        """Submit every chunk and yield results as workers finish them."""
        from dask.distributed import as_completed
        from distributed.scheduler import KilledWorker

        submitted = list(chunks)
        futures = [self._client.submit(run_chunk, chunk, pure=False) for chunk in submitted]
        by_key = {future.key: chunk for future, chunk in zip(futures, submitted, strict=True)}
        try:
            for future in as_completed(futures):
                try:
                    result: ChunkResult = future.result()
                except KilledWorker as exc:
                    chunk = by_key[future.key]
                    raise WorkerDied(f"{exc.allowed_failures + 1} Dask workers in a row died "
                                     f"running replications {chunk.replications[0]}-"
                                     f"{chunk.replications[-1]} of point {chunk.point} "
                                     "(killed, or out of memory)") from None
                yield result
        finally:
            for future in futures:
                future.cancel()

    def close(self, abort: bool = False) -> None:
        """Disconnect, and stop the local cluster if this backend started it (quietly)."""
        quiet = logging.getLogger("distributed")
        level = quiet.level
        quiet.setLevel(logging.CRITICAL)
        try:
            with contextlib.suppress(Exception):
                self._client.close()
            if self._cluster is not None:
                with contextlib.suppress(Exception):
                    self._cluster.close()
        finally:
            quiet.setLevel(level)


#: Dask settings for a local cluster: workers log errors only.
_QUIET_DASK = {"logging.distributed": "error"}


@contextlib.contextmanager
def _quiet_workers() -> Iterator[None]:
    """Start Dask workers with errors-only logging (they read it from the environment)."""
    previous = os.environ.get(_DASK_LOGGING_ENV)
    os.environ[_DASK_LOGGING_ENV] = "error"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(_DASK_LOGGING_ENV, None)
        else:
            os.environ[_DASK_LOGGING_ENV] = previous


_DASK_LOGGING_ENV = "DASK_LOGGING__DISTRIBUTED"


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore Ctrl-C while worker processes start, so that they inherit "ignore"."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def scheduler_problem(address: str) -> str | None:
    """Why ``address`` is not a Dask scheduler address, or None if it may be one."""
    scheme, separator, rest = address.partition("://")
    if not separator:
        scheme, rest = "tcp", address
    if scheme not in DASK_SCHEMES:
        return (f"unknown scheme {scheme!r}; use one of {', '.join(DASK_SCHEMES)} "
                "(e.g. tcp://HOST:8786)")
    if not rest or any(c.isspace() or not c.isprintable() for c in rest):
        return "expected SCHEME://HOST:PORT, e.g. tcp://127.0.0.1:8786"
    return None


def make_backend(executor: str, jobs: int | None, scheduler: str | None = None) -> Backend:
    """The back end named ``executor`` ("process" or "dask") with ``jobs`` workers."""
    jobs = jobs or default_jobs()
    if executor == "dask":
        return DaskBackend(jobs, scheduler)
    if executor != "process":
        raise UserError(f"--executor {executor}: must be 'process' or 'dask'")
    return SerialBackend() if jobs == 1 else ProcessBackend(jobs)
