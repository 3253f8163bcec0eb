"""The one runner: a plan's replications on a back end, stored as they complete.

``run`` and ``sweep`` both hand a :class:`~sim.experiments.plan.Plan` to
:class:`Runner`. It asks the plan which replications each point still needs
(a fixed count, or precision rounds that depend only on stored results), cuts
them into chunks, runs them on a back end, stores each chunk (as a part file
when there is a results directory) and returns the per-replication table. A
replication that raises is reported the same way everywhere: with its point,
replication and seed and a command that reruns it alone; the runner stops
(:class:`~sim.errors.ReplicationError`) or records it (``on_error``).
"""

from __future__ import annotations

import contextlib
import json
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sim.errors import ReplicationError, ScenarioError
from sim.experiments.executors import (
    Backend,
    Chunk,
    ChunkResult,
    Failure,
    chunk_size,
    chunks_for,
    make_backend,
)
from sim.experiments.plan import PRECISION_COLUMN, Plan
from sim.experiments.progress import Progress
from sim.experiments.results_dir import ResultsDir
from sim.experiments.stored import StoredReplications
from sim.model.results import ReplicationResult, result_columns
from sim.scenario import budget
from sim.scenario.schema import Scenario
from sim.scenario.toml_io import toml_value
from sim.units import DAYS_PER_YEAR

#: Columns a runner always keeps for each stored replication.
ALWAYS_KEPT = ("point", "replication", PRECISION_COLUMN)


@dataclass(frozen=True)
class ScenarioSource:
    """Where a plan's base scenario came from, so that a replication can be rerun alone."""

    file: str | None = None  # the scenario file (None: built in Python)
    overrides: tuple[str, ...] = ()  # PATH=VALUE overrides applied on top of it


@dataclass
class RunOutcome:
    """The per-replication table (point, swept values, result fields) and the failures."""

    replications: pd.DataFrame
    failures: list[Failure] = field(default_factory=list)
    #: One row per replication and calendar year (scenarios with run.start_date), else empty.
    years: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Replications resumed from stored parts: their calendar years are not in ``years``.
    resumed: int = 0


@dataclass
class RunCost:
    """What this command's replications cost inside the workers (resumed parts excluded)."""

    replications: int = 0
    replication_years: float = 0.0  # simulated years, warm-up included
    worker_cpu_seconds: float = 0.0

    def add(self, done: ChunkResult, scenario: Scenario) -> None:
        """Count a finished chunk of ``scenario``'s replications."""
        ran = len(done.results) + len(done.failures)
        self.replications += ran
        self.replication_years += ran * (scenario.run.warmup_days
                                         + scenario.run.horizon_days) / DAYS_PER_YEAR
        self.worker_cpu_seconds += done.cpu_seconds

    def as_dict(self) -> dict[str, float | None]:
        """For the manifest: counts, CPU seconds and CPU milliseconds per replication-year."""
        per_year = (1000 * self.worker_cpu_seconds / self.replication_years
                    if self.replication_years else None)
        return {"replications": self.replications,
                "replication_years": round(self.replication_years, 3),
                "worker_cpu_seconds": round(self.worker_cpu_seconds, 3),
                "worker_cpu_ms_per_replication_year": None if per_year is None
                else round(per_year, 2)}


def chunk_cost(chunk: Chunk) -> float:
    """Expected SimPy events of a chunk: replications x days x events per day.

    Twice that when each replication is paired with a run without diversion.
    """
    sc = chunk.scenario
    twins = 2 if sc.supply.diversion.enabled and sc.run.compare_without_diversion else 1
    return (twins * len(chunk.replications) * (sc.run.warmup_days + sc.run.horizon_days)
            * budget.expected_events_per_day(sc))


class Runner:
    """Schedules a plan's chunks on a back end, stores what completes, tracks what is done."""

    def __init__(self, plan: Plan, jobs: int, executor: str = "process",
                 scheduler: str | None = None, on_error: str = "stop", progress: bool = False,
                 source: ScenarioSource | None = None,
                 keep_columns: Sequence[str] | None = None) -> None:
        """``keep_columns``: the columns each stored row keeps in memory (None: all).

        With a results directory every row is on disk in the parts, so a large plan can
        keep only what it needs (``point``, ``replication`` and the precision column are
        always kept) and its memory stays flat. With ``[]`` no row is kept at all: the
        outcome's table is empty and the study reads its rows back from the parts.
        """
        if on_error not in {"stop", "record"}:
            raise ScenarioError("--on-error", "", on_error, "must be 'stop' or 'record'")
        self.plan, self.jobs, self.on_error = plan, jobs, on_error
        self.keep_columns = None if keep_columns is None else list(dict.fromkeys(
            [*ALWAYS_KEPT, *keep_columns]))
        self.executor, self.scheduler, self.progress = executor, scheduler, progress
        self.source = source or ScenarioSource()
        self.stored = {p.index: StoredReplications() for p in plan.points}
        self.rows: dict[int, dict[int, dict[str, Any]]] = {p.index: {} for p in plan.points}
        self.failures: list[Failure] = []
        self.cost = RunCost()
        #: Calendar-year rows of the replications this runner ran (not of resumed parts).
        self.year_rows: list[dict[str, Any]] = []
        self.resumed = 0  # replications read back from stored parts

    def done_counts(self) -> dict[int, int]:
        """Replications stored per point."""
        return {point: len(stored) for point, stored in self.stored.items()}

    def run(self, results_dir: ResultsDir | None = None) -> RunOutcome:
        """Run until every point has its replications; return the table (sorted)."""
        if results_dir is not None:
            self._load(results_dir)
        points = len(self.plan.points)
        progress = Progress(f"{points} point{'' if points == 1 else 's'}", self.progress)
        with contextlib.ExitStack() as stack:
            stack.callback(lambda: progress.close(self._points_note()))
            backend: Backend | None = None
            while missing := self._missing():
                if backend is None:
                    backend = stack.enter_context(
                        make_backend(self.executor, self.jobs, self.scheduler))
                todo = self._chunks(missing, backend.workers)
                progress.add(sum(len(c.replications) for c in todo))
                for done in backend.run_unordered(todo):
                    self.cost.add(done, self.plan.points[done.chunk.point].scenario)
                    self._store(done.results, done.chunk, results_dir)
                    point = self.plan.points[done.chunk.point]
                    self.year_rows += [{"point": point.index, **point.values, **row}
                                       for row in done.years]
                    progress.advance(len(done.chunk.replications), self._points_note())
                    if done.failures:
                        self._fail(done.failures, results_dir)
        return RunOutcome(self._table(), list(self.failures), self._years(), self.resumed)

    def describe(self, failure: Failure) -> dict[str, Any]:
        """Describe a failure for failures.json: where, what, and how to rerun it alone."""
        return {"point": failure.point, "values": self.plan.points[failure.point].values,
                "replication": failure.replication, "seed": failure.seed,
                "error": failure.error, "rerun": self.rerun_replication(failure)}

    def rerun_replication(self, failure: Failure) -> str:
        """Return a shell command that runs exactly the failed replication again."""
        values = self.plan.points[failure.point].values
        sets = [*self.source.overrides,
                *(f"{path}={toml_value(value)}" for path, value in values.items())]
        scenario = (f"load_scenario({json.dumps(self.source.file)}, {json.dumps(sets)}).scenario"
                    if self.source.file is not None else "SCENARIO")
        code = ("from sim.scenario.loader import load_scenario; "
                "from sim.model.replication import run_replication; "
                f"print(run_replication({scenario}, {failure.replication}, {failure.seed}))")
        return shlex.join(["python", "-c", code])

    def _points_note(self) -> str:
        """How far the plan is, for the progress display."""
        return f"{self._points_done()}/{len(self.plan.points)} points done"

    def _points_done(self) -> int:
        """Points that hold every replication they will get."""
        done = 0
        for point in self.plan.points:
            stored = self.stored[point.index]
            target, final = self.plan.target(point, stored)
            done += final and stored.has_all(target)
        return done

    def _missing(self) -> dict[int, Sequence[int]]:
        """Replications each point still needs, by point (failed ones are not retried)."""
        failed = {(f.point, f.replication) for f in self.failures}
        missing = {}
        for point in self.plan.points:
            stored = self.stored[point.index]
            target, _ = self.plan.target(point, stored)
            if stored.has_all(target):
                continue
            needed: Sequence[int] = range(target)  # nothing stored or failed yet: no list
            if len(stored) or failed:
                needed = [k for k in needed
                          if k not in stored and (point.index, k) not in failed]
            if needed:
                missing[point.index] = needed
        return missing

    def _chunks(self, missing: dict[int, Sequence[int]], workers: int) -> list[Chunk]:
        """Cut the missing replications into chunks that keep ``workers`` busy to the end.

        The costliest chunks go first (their expected events, :func:`chunk_cost`), so
        the last to finish are the cheapest and no worker idles long at the end.
        """
        size = chunk_size(sum(len(reps) for reps in missing.values()), workers)
        todo = []
        for index, reps in missing.items():
            point = self.plan.points[index]
            todo += chunks_for(index, point.scenario, point.seed, reps, size)
        return sorted(todo, key=chunk_cost, reverse=True)

    def _store(self, results: Sequence[ReplicationResult], chunk: Chunk,
               results_dir: ResultsDir | None) -> None:
        point = self.plan.points[chunk.point]
        rows = [{"point": point.index, **point.values, **r.as_dict()} for r in results]
        if results_dir is not None and rows:
            results_dir.store_part(point.index, chunk.seed, [r.replication for r in results],
                                   pd.DataFrame(rows))
        for row in rows:
            self._remember(row)

    def _fail(self, failures: list[Failure], results_dir: ResultsDir | None) -> None:
        self.failures.extend(failures)
        if results_dir is not None:
            results_dir.write_failures([self.describe(f) for f in self.failures])
        if self.on_error == "stop":
            f = failures[0]
            raise ReplicationError(f.point, self.plan.points[f.point].values, f.replication,
                                   f.seed, f.error, self.rerun_replication(f))

    def _load(self, results_dir: ResultsDir) -> None:
        stored = results_dir.stored_parts(
            {p.index: (p.seed, p.values) for p in self.plan.points},
            ["point", *self.plan.columns, *result_columns()], self.keep_columns)
        if stored is None:
            return
        for row in stored.to_dict("records"):
            self._remember({str(k): v for k, v in row.items()})
            self.resumed += 1

    def _remember(self, row: dict[str, Any]) -> None:
        """Mark a stored row's replication done and keep the columns asked for."""
        point, replication = int(row["point"]), int(row["replication"])
        self.stored[point].add(replication, float(row[PRECISION_COLUMN]))
        if self.keep_columns is None:
            self.rows[point][replication] = row
        elif len(self.keep_columns) > len(ALWAYS_KEPT):
            self.rows[point][replication] = {c: row[c] for c in self.keep_columns}

    def _years(self) -> pd.DataFrame:
        """The calendar-year rows, sorted by point, replication and year."""
        if not self.year_rows:
            return pd.DataFrame()
        return (pd.DataFrame(self.year_rows).sort_values(["point", "replication", "year"])
                .reset_index(drop=True))

    def _table(self) -> pd.DataFrame:
        """The kept columns of every stored replication, point by point in order."""
        if self.keep_columns is not None and len(self.keep_columns) == len(ALWAYS_KEPT):
            return pd.DataFrame(columns=list(ALWAYS_KEPT))  # nothing kept: rows are on disk
        columns = (["point", *self.plan.columns, *result_columns()] if self.keep_columns is None
                   else self.keep_columns)
        rows = [row for point in self.plan.points
                for _, row in sorted(self.rows[point.index].items())]
        return pd.DataFrame(rows, columns=columns)
