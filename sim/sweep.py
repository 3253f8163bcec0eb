"""Sweeps: one or two scenario fields varied over a grid, replications at every point.

Replication k uses the same random streams at every point (common random
numbers), so differences between points are differences between scenarios.
With ``precision`` set, replications are added to a point in deterministic
rounds until the 95% half-width of its Trans-Caspian mean is small enough; the
rounds depend only on stored results, so an interrupted sweep resumes to the
same table. See :mod:`sim.output` for the results directory.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import platform
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from sim import __version__
from sim.bound import capacity_bound
from sim.errors import SimulationInvariantError, UserError
from sim.executors import Chunk, Failure, default_jobs, make_backend
from sim.experiment import chunk_size, chunks_for
from sim.loader import known_paths, load_scenario, with_overrides
from sim.output import ResultsDir, write_csv, write_json, write_parquet
from sim.results import KPI_COLUMNS, ReplicationResult, result_columns
from sim.scenario import Scenario
from sim.stats import half_width, summarize

PRECISION_COLUMN = "transcaspian_mt_per_year"
STATS = ("mean", "ci95_low", "ci95_high", "p5", "p50", "p95")
_KPI_NAME = {column: name for name, column in KPI_COLUMNS.items()}


@dataclass(frozen=True)
class SweepPoint:
    """One grid point: the values of the swept fields and the resulting scenario."""

    index: int
    values: dict[str, Any]
    scenario: Scenario
    seed: int


@dataclass(frozen=True)
class SweepPlan:
    """Everything that determines a sweep's numbers."""

    base: Scenario
    parameters: tuple[tuple[str, tuple[Any, ...]], ...]
    points: tuple[SweepPoint, ...]
    seed: int
    common_random_numbers: bool
    replications: int
    precision_mt_per_year: float | None
    min_replications: int
    max_replications: int

    @property
    def paths(self) -> list[str]:
        """Dotted paths of the swept fields."""
        return [path for path, _ in self.parameters]

    def identity(self) -> dict[str, Any]:
        """The inputs that define this sweep's results (hashed into ``sweep_id``)."""
        return {"scenario": self.base.model_dump(mode="json"),
                "parameters": [[p, list(v)] for p, v in self.parameters], "seed": self.seed,
                "common_random_numbers": self.common_random_numbers,
                "replications": None if self.precision_mt_per_year else self.replications,
                "precision_mt_per_year": self.precision_mt_per_year,
                "min_replications": self.min_replications,
                "max_replications": self.max_replications}

    @property
    def sweep_id(self) -> str:
        """SHA-256 of :meth:`identity`."""
        return _sha256(self.identity())

    def target(self, values_by_rep: Mapping[int, float]) -> tuple[int, bool]:
        """Replications a point needs given its stored Trans-Caspian values: (count, final?)."""
        if self.precision_mt_per_year is None:
            return self.replications, True
        n = self.min_replications
        while True:
            if any(k not in values_by_rep for k in range(n)):
                return n, False
            hw = half_width([values_by_rep[k] for k in range(n)])
            if hw <= self.precision_mt_per_year or n >= self.max_replications:
                return n, True
            grow = math.ceil(n * (hw / self.precision_mt_per_year) ** 2 * 1.1)
            n = min(self.max_replications, max(n + self.min_replications // 2, grow))


@dataclass
class SweepResult:
    """The per-replication table, the per-point summary, failures and where they were written."""

    replications: pd.DataFrame
    summary: pd.DataFrame
    failures: list[Failure] = field(default_factory=list)
    out: Path | None = None


def parse_values(text: str) -> list[Any]:
    """Parse ``--values``: ``a,b,c`` (TOML scalars) or ``start:stop:count`` (inclusive)."""
    from sim.loader import parse_value

    text = text.strip()
    if text.count(":") == 2 and "," not in text:
        start, stop, count = text.split(":")
        try:
            n = int(count)
            lo, hi = float(start), float(stop)
        except ValueError:
            raise UserError(f"--values {text!r}: expected START:STOP:COUNT with numbers") from None
        if not 1 <= n <= 1000 or not (math.isfinite(lo) and math.isfinite(hi)):
            raise UserError(f"--values {text!r}: COUNT must be 1..1000 and the ends finite")
        return [round(float(v), 12) for v in np.linspace(lo, hi, n)]
    values = [parse_value(part.strip()) for part in text.split(",") if part.strip()]
    if not values:
        raise UserError(f"--values {text!r}: give a comma-separated list or START:STOP:COUNT")
    if len(values) > 1000:
        raise UserError(f"--values: {len(values)} values; at most 1000 per parameter")
    return values


def plan_sweep(base: Scenario, parameters: Mapping[str, Sequence[Any]] | None = None,
               replications: int | None = None, precision_mt_per_year: float | None = None,
               seed: int | None = None, common_random_numbers: bool = True) -> SweepPlan:
    """Validate a sweep and build its points (nothing is run or written)."""
    settings = base.sweep
    if parameters is None:
        parameters = {p.path: p.values for p in settings.parameters}
    if not parameters:
        raise UserError("no --param given and the scenario has no [sweep] parameters")
    if len(parameters) > 2:
        raise UserError(f"{len(parameters)} parameters: a sweep varies one or two")
    leaves = set(known_paths())
    for path, values in parameters.items():
        if path not in leaves:
            raise UserError(f"--param {path}: not a scenario field")
        if path.startswith(("sweep.", "run.seed", "run.replications")):
            raise UserError(f"--param {path}: cannot be swept (use --seed / --replications)")
        if len(values) == 0:
            raise UserError(f"--param {path}: no values")
    if replications is not None and precision_mt_per_year is not None:
        raise UserError("give --replications or --precision, not both")
    root_seed = base.run.seed if seed is None else seed
    grid = list(itertools.product(*parameters.values()))
    if len(grid) > 10_000:
        raise UserError(f"{len(grid)} grid points; at most 10,000")
    points = []
    for index, combo in enumerate(grid):
        values = dict(zip(parameters, combo, strict=True))
        scenario = with_overrides(base, values)
        point_seed = root_seed if common_random_numbers else _independent_seed(root_seed, index)
        points.append(SweepPoint(index, values, scenario, point_seed))
    return SweepPlan(
        base=base, parameters=tuple((p, tuple(v)) for p, v in parameters.items()),
        points=tuple(points), seed=root_seed, common_random_numbers=common_random_numbers,
        replications=replications or settings.replications,
        precision_mt_per_year=(precision_mt_per_year if precision_mt_per_year is not None
                               else (None if replications else settings.precision_mt_per_year)),
        min_replications=settings.min_replications, max_replications=settings.max_replications)


def sweep(scenario: Scenario | str | Path, parameters: Mapping[str, Sequence[Any]] | None = None,
          *, replications: int | None = None, precision_mt_per_year: float | None = None,
          seed: int | None = None, common_random_numbers: bool = True, jobs: int | None = None,
          executor: str = "process", scheduler: str | None = None, out: str | Path | None = None,
          resume: bool = False, on_error: str = "stop", csv: bool = False,
          figures: bool = True, progress: bool = False,
          command_line: Sequence[str] | None = None) -> SweepResult:
    """Run a sweep and return its tables; with ``out``, also write the results directory."""
    base = load_scenario(scenario).scenario if isinstance(scenario, str | Path) else scenario
    plan = plan_sweep(base, parameters, replications, precision_mt_per_year, seed,
                      common_random_numbers)
    runner = _Runner(plan, jobs or default_jobs(), executor, scheduler, on_error, progress)
    if out is None:
        return runner.run(None)
    with ResultsDir.open(Path(out), plan.sweep_id, resume) as results_dir:
        manifest = _manifest(plan, results_dir, scenario, runner, command_line)
        results_dir.write_manifest(manifest)
        try:
            result = runner.run(results_dir)
        except BaseException as exc:
            manifest.update(status="failed" if runner.failures else "interrupted",
                            error=str(exc), replications_done=runner.done_counts())
            results_dir.write_manifest(manifest)
            results_dir.discard_if_empty()
            raise
        _write_final(results_dir, result, csv, figures, plan)
        manifest.update(status="complete", finished=_now(),
                        replications_done=runner.done_counts(),
                        failures=len(result.failures))
        results_dir.write_manifest(manifest)
        result.out = results_dir.path
        return result


class _Runner:
    """Schedules chunks on a back end, stores parts, tracks what is done."""

    def __init__(self, plan: SweepPlan, jobs: int, executor: str, scheduler: str | None,
                 on_error: str, progress: bool) -> None:
        if on_error not in {"stop", "record"}:
            raise UserError(f"--on-error {on_error}: must be 'stop' or 'record'")
        self.plan, self.jobs, self.on_error = plan, jobs, on_error
        self.executor, self.scheduler, self.progress = executor, scheduler, progress
        self.rows: dict[int, dict[int, dict[str, Any]]] = {p.index: {} for p in plan.points}
        self.failures: list[Failure] = []

    def done_counts(self) -> dict[int, int]:
        """Replications stored per point."""
        return {point: len(rows) for point, rows in self.rows.items()}

    def run(self, results_dir: ResultsDir | None) -> SweepResult:
        """Run until every point has its replications; return the tables."""
        if results_dir is not None:
            self._load(results_dir)
        backend = None
        bar = tqdm(total=0, unit="rep", disable=None if self.progress else True,
                   desc=f"{len(self.plan.points)} points")
        try:
            while True:
                todo = self._missing_chunks()
                if not todo:
                    break
                bar.total = bar.n + sum(len(c.replications) for c in todo)
                bar.refresh()
                backend = backend or make_backend(self.executor, self.jobs, self.scheduler)
                for done in backend.run_unordered(todo):
                    self._store(done.results, done.chunk, results_dir)
                    bar.update(len(done.chunk.replications))
                    if done.failures:
                        self._fail(done.failures, results_dir)
        finally:
            bar.close()
            if backend is not None:
                backend.close()
        return self._tables()

    def _missing_chunks(self) -> list[Chunk]:
        failed = {(f.point, f.replication) for f in self.failures}
        todo = []
        for point in self.plan.points:
            rows = self.rows[point.index]
            values = {k: r[PRECISION_COLUMN] for k, r in rows.items()}
            target, _ = self.plan.target(values)
            missing = [k for k in range(target)
                       if k not in rows and (point.index, k) not in failed]
            size = chunk_size(len(missing) * len(self.plan.points), self.jobs)
            todo += chunks_for(point.index, point.scenario, point.seed, missing, size)
        return todo

    def _store(self, results: list[ReplicationResult], chunk: Chunk,
               results_dir: ResultsDir | None) -> None:
        point = self.plan.points[chunk.point]
        rows = [{"point": point.index, **point.values, **r.as_dict()} for r in results]
        if results_dir is not None and rows:
            reps = [r.replication for r in results]
            write_parquet(results_dir.part_path(point.index, min(reps), max(reps)),
                          pd.DataFrame(rows))
        for row in rows:
            self.rows[point.index][row["replication"]] = row

    def _fail(self, failures: list[Failure], results_dir: ResultsDir | None) -> None:
        self.failures.extend(failures)
        if results_dir is not None:
            write_json(results_dir.path / "failures.json", [f.__dict__ for f in self.failures])
        if self.on_error == "stop":
            f = failures[0]
            raise SimulationInvariantError(
                f"point {f.point} {self.plan.points[f.point].values}, replication "
                f"{f.replication}, seed {f.seed}: {f.error}")

    def _load(self, results_dir: ResultsDir) -> None:
        stored = results_dir.stored_parts()
        if stored is None:
            return
        for row in stored.to_dict("records"):
            self.rows[int(row["point"])][int(row["replication"])] = row

    def _tables(self) -> SweepResult:
        columns = ["point", *self.plan.paths, *result_columns()]
        rows = [row for point in self.plan.points
                for _, row in sorted(self.rows[point.index].items())]
        frame = pd.DataFrame(rows, columns=columns)
        return SweepResult(frame, summarize_points(self.plan, frame), list(self.failures))


def summarize_points(plan: SweepPlan, frame: pd.DataFrame) -> pd.DataFrame:
    """One row per point: replications, every metric's mean/CI/percentiles, the ceiling,
    and the paired difference of the Trans-Caspian mean from the previous point."""
    metric_columns = [c for c in result_columns() if c not in {"replication", "seed"}]
    rows = []
    by_point = {p: g.set_index("replication") for p, g in frame.groupby("point")}
    previous: pd.DataFrame | None = None
    for point in plan.points:
        group = by_point.get(point.index)
        row: dict[str, Any] = {"point": point.index, **point.values,
                               "replications": 0 if group is None else len(group)}
        if group is not None and len(group):
            for column in metric_columns:
                s = summarize(group[column], binary=column.startswith("reach_"))
                name = _KPI_NAME.get(column, column)
                row.update({f"{name}_{stat}": s[stat] for stat in STATS})
            row["transcaspian_ci95_half_width"] = half_width(group[PRECISION_COLUMN])
            row.update(_paired_difference(group, previous, plan, point))
        bound = capacity_bound(point.scenario)
        row["ceiling_mt_per_year"] = bound.ceiling_mt_per_year
        row["binding"] = bound.binding
        rows.append(row)
        previous = group
    return pd.DataFrame(rows)


def _paired_difference(group: pd.DataFrame, previous: pd.DataFrame | None, plan: SweepPlan,
                       point: SweepPoint) -> dict[str, float]:
    """Mean and standard deviation of (this point - previous point) over shared replications."""
    inner = len(plan.parameters[-1][1]) if len(plan.parameters) == 2 else None
    if previous is None or (inner is not None and point.index % inner == 0):
        return {}
    shared = group.index.intersection(previous.index)
    if len(shared) < 2:
        return {}
    diff = group.loc[shared, PRECISION_COLUMN] - previous.loc[shared, PRECISION_COLUMN]
    return {"delta_transcaspian_mean": float(diff.mean()),
            "delta_transcaspian_sd": float(diff.std(ddof=1)),
            "delta_transcaspian_ci95_half_width": half_width(diff.to_numpy())}


def _write_final(results_dir: ResultsDir, result: SweepResult, csv: bool, figures: bool,
                 plan: SweepPlan) -> None:
    write_parquet(results_dir.path / "replications.parquet", result.replications)
    if csv:
        write_csv(results_dir.path / "replications.csv", result.replications)
    write_csv(results_dir.path / "summary.csv", result.summary)
    if figures:
        from sim.plotting import draw_figures

        draw_figures(result.summary, plan.paths, plan.base.name, results_dir.path / "figures")


def _manifest(plan: SweepPlan, results_dir: ResultsDir, source: Any, runner: _Runner,
              command_line: Sequence[str] | None) -> dict[str, Any]:
    previous = results_dir.read_manifest() or {}
    scenario = plan.base.model_dump(mode="json")
    return {
        "sweep_id": plan.sweep_id, "status": "running",
        "scenario": scenario, "scenario_sha256": _sha256(scenario),
        "scenario_file": str(source) if isinstance(source, str | Path) else None,
        "package_version": __version__, "python": platform.python_version(),
        "command_line": list(command_line if command_line is not None else sys.argv),
        "parameters": [{"path": p, "values": list(v)} for p, v in plan.parameters],
        "seed": plan.seed, "common_random_numbers": plan.common_random_numbers,
        "mode": "precision" if plan.precision_mt_per_year else "fixed",
        "replications_per_point": None if plan.precision_mt_per_year else plan.replications,
        "precision_mt_per_year": plan.precision_mt_per_year,
        "min_replications": plan.min_replications, "max_replications": plan.max_replications,
        "points": [{"index": p.index, "values": p.values, "seed": p.seed,
                    "rerun": _rerun_command(p)} for p in plan.points],
        "executor": runner.executor, "jobs": runner.jobs,
        "started": previous.get("started", _now()), "resumed": bool(previous),
    }


def _rerun_command(point: SweepPoint) -> str:
    sets = " ".join(f"--set {path}={json.dumps(value)}" for path, value in point.values.items())
    return f"python -m sim run SCENARIO {sets} --seed {point.seed}"


def _independent_seed(seed: int, point: int) -> int:
    state = np.random.SeedSequence([seed, point]).generate_state(1, dtype=np.uint64)[0]
    return int(state >> np.uint64(1))


def _sha256(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
