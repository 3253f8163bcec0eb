"""Where replications run: in this process, on a local process pool, or on a Dask cluster.

Work is cut into :class:`Chunk` s (several replications of one plan point). Every
back end is a context manager (its workers are released on exit, however the
block ends) with the same :meth:`Backend.run_unordered`, which yields
:class:`ChunkResult` s as they complete; results do not depend on the back end
because each replication's random streams depend only on (seed, replication).
Dask is imported only when it is used.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from types import TracebackType

from sim.errors import UserError
from sim.experiments.jobs import default_jobs
from sim.model.replication import run_replication
from sim.model.results import ReplicationResult
from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class Chunk:
    """Replications ``replications`` of sweep point ``point`` under root seed ``seed``."""

    point: int
    scenario: Scenario
    seed: int
    replications: tuple[int, ...]


@dataclass(frozen=True)
class Failure:
    """A replication that raised: enough to rerun it alone."""

    point: int
    replication: int
    seed: int
    error: str


@dataclass
class ChunkResult:
    """What a chunk produced: results of the replications that ran, and failures."""

    chunk: Chunk
    results: list[ReplicationResult] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


def run_chunk(chunk: Chunk) -> ChunkResult:
    """Run every replication of a chunk; a failing replication is recorded, not raised."""
    out = ChunkResult(chunk)
    for k in chunk.replications:
        try:
            out.results.append(run_replication(chunk.scenario, k, chunk.seed))
        except Exception as exc:  # reported with point, replication and seed
            out.failures.append(Failure(chunk.point, k, chunk.seed,
                                        f"{type(exc).__name__}: {exc}"))
    return out


def chunks_for(point: int, scenario: Scenario, seed: int, replications: Sequence[int],
               size: int) -> list[Chunk]:
    """Cut one point's replications into chunks of at most ``size``."""
    reps = list(replications)
    return [Chunk(point, scenario, seed, tuple(reps[i:i + size]))
            for i in range(0, len(reps), size)]


def chunk_size(total: int, jobs: int) -> int:
    """Replications per chunk: a few chunks per worker, at most 25 (h of work stays small)."""
    return max(1, min(25, total // (4 * max(jobs, 1)) or 1))


class Backend:
    """Runs chunks and yields their results in completion order; a context manager."""

    def run_unordered(self, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        """Submit ``chunks`` and yield each result as it completes."""
        raise NotImplementedError

    def close(self) -> None:
        """Release workers."""

    def __enter__(self) -> Backend:
        """Use the back end inside ``with``; its workers go when the block ends."""
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc_value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        """Release the workers, however the block ended."""
        self.close()


class SerialBackend(Backend):
    """Runs chunks one after another in this process."""

    def run_unordered(self, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        """Run each chunk in turn."""
        return map(run_chunk, chunks)

    def close(self) -> None:
        """Nothing to release."""


class ProcessBackend(Backend):
    """A local pool of worker processes (one per core by default)."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._pool = ProcessPoolExecutor(max_workers=jobs)

    def run_unordered(self, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        """Keep every worker busy and yield results as they come back."""
        pending: set[Future[ChunkResult]] = set()
        queue = iter(chunks)
        try:
            for chunk in queue:
                pending.add(self._pool.submit(run_chunk, chunk))
                if len(pending) >= 2 * self.jobs:
                    break
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
                    nxt = next(queue, None)
                    if nxt is not None:
                        pending.add(self._pool.submit(run_chunk, nxt))
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        """Shut the pool down without waiting for cancelled work."""
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskBackend(Backend):
    """A Dask distributed cluster: the one at ``scheduler``, or a local one."""

    def __init__(self, jobs: int, scheduler: str | None = None) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise UserError("--executor dask needs Dask: pip install -e '.[dask]'") from None
        self._cluster = None
        if scheduler is None:
            self._cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                         dashboard_address=None)
            self._client = Client(self._cluster)
        else:
            try:
                self._client = Client(scheduler, timeout="10s")
            except OSError as exc:
                raise UserError(f"--scheduler {scheduler}: cannot connect ({exc})") from None

    def run_unordered(self, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        """Submit every chunk and yield results as workers finish them."""
        from dask.distributed import as_completed

        futures = [self._client.submit(run_chunk, chunk, pure=False) for chunk in chunks]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        """Disconnect, and stop the local cluster if this backend started it."""
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_backend(executor: str, jobs: int | None, scheduler: str | None = None) -> Backend:
    """The back end named ``executor`` ("process" or "dask") with ``jobs`` workers."""
    jobs = jobs or default_jobs()
    if executor == "dask":
        return DaskBackend(jobs, scheduler)
    if executor != "process":
        raise UserError(f"--executor {executor}: must be 'process' or 'dask'")
    return SerialBackend() if jobs == 1 else ProcessBackend(jobs)
