"""Sweeps: one or two scenario fields varied over a grid, replications at every point.

Replication k uses the same random streams at every point (common random
numbers), so differences between points are differences between scenarios.
With ``precision`` set, replications are added to a point in deterministic
rounds until the 95% half-width of its Trans-Caspian mean is small enough; the
rounds depend only on stored results, so an interrupted sweep resumes to the
same table. A replication that raises is reported with its point, replication
and seed (and a command that reruns it alone); the sweep stops or records it
(``on_error``). See :mod:`sim.output` for the results directory.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import platform
import shlex
import sys
from collections.abc import Mapping, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from sim import __version__
from sim.bound import capacity_bound
from sim.errors import NO_VALUE, OutputError, ReplicationError, RunFailure, ScenarioError
from sim.executors import Chunk, Failure, default_jobs, make_backend
from sim.experiment import chunk_size, chunks_for
from sim.loader import (
    dump_toml,
    load_scenario,
    parse_value,
    sweep_grid,
    toml_value,
    with_overrides,
)
from sim.output import ResultsDir, storing, write_csv, write_parquet
from sim.results import KPI_COLUMNS, ReplicationResult, result_columns
from sim.scenario import DAYS_PER_YEAR, MAX_SIMULATED_YEARS_PER_RUN, Scenario
from sim.stats import half_width, summarize

PRECISION_COLUMN = "transcaspian_mt_per_year"
STATS = ("mean", "ci95_low", "ci95_high", "p5", "p50", "p95")
SCENARIO_FILE = "scenario.toml"
#: Most values one --param may take.
MAX_VALUES = 1000
#: Most replications one sweep may hold: each is a ~3 kB row kept in memory until the
#: tables are written, so this is ~3 GB.
MAX_SWEEP_REPLICATIONS = 1_000_000
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
        """Return the inputs that define this sweep's results (hashed into ``sweep_id``)."""
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

    @property
    def most_replications_per_point(self) -> int:
        """The most replications any point can need (the budget of the sweep)."""
        return self.max_replications if self.precision_mt_per_year else self.replications

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


def parse_values(text: str, path: str = "") -> list[Any]:
    """Parse ``--values``: ``a,b,c`` (TOML scalars) or ``start:stop:count`` (inclusive).

    A range whose ends are written as integers and whose values are all whole
    numbers gives integers (``6:12:7`` is 6, 7, ..., 12), so it suits integer fields.
    """
    text = text.strip()
    if text.count(":") == 2 and "," not in text:
        return _parse_range(text, path)
    values = [parse_value(part.strip()) for part in text.split(",") if part.strip()]
    if not values:
        raise ScenarioError("--values", path, text, "give a comma-separated list or "
                            "START:STOP:COUNT")
    if len(values) > MAX_VALUES:
        raise ScenarioError("--values", path, f"{len(values)} values",
                            f"at most {MAX_VALUES} values per parameter")
    return values


def _parse_range(text: str, path: str) -> list[Any]:
    """``START:STOP:COUNT`` as COUNT evenly spaced values from START to STOP inclusive."""
    start, stop, count = (part.strip() for part in text.split(":"))
    try:
        n = int(count)
        lo, hi = float(start), float(stop)
    except ValueError:
        raise ScenarioError("--values", path, text, "expected START:STOP:COUNT with numbers, "
                            "e.g. 0:0.5:11") from None
    if not 1 <= n <= MAX_VALUES:
        raise ScenarioError("--values", path, text, f"COUNT must be 1..{MAX_VALUES}")
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ScenarioError("--values", path, text, "START and STOP must be finite numbers")
    values = [round(float(v), 12) for v in np.linspace(lo, hi, n)]
    if _is_integer(start) and _is_integer(stop) and all(v.is_integer() for v in values):
        return [int(v) for v in values]
    return values


def _is_integer(text: str) -> bool:
    """Whether ``text`` is written as an integer (e.g. ``6`` or ``-2``, not ``6.0``)."""
    return text.lstrip("+-").isdigit()


def plan_sweep(base: Scenario, parameters: Mapping[str, Sequence[Any]] | None = None,
               replications: int | None = None, precision_mt_per_year: float | None = None,
               seed: int | None = None, common_random_numbers: bool = True) -> SweepPlan:
    """Validate a sweep and build its points (nothing is run or written)."""
    settings = base.sweep
    in_table = parameters is None
    if parameters is None:
        parameters = {p.path: p.values for p in settings.parameters}
    where = "[sweep]" if in_table else "--values"
    if not parameters:
        raise ScenarioError("--param", "", NO_VALUE, "no --param given and the scenario has no "
                            "[sweep] parameters")
    if len(parameters) > 2:
        raise ScenarioError("--param", ", ".join(parameters), NO_VALUE,
                            f"{len(parameters)} fields; a sweep varies one or two")
    if replications is not None and precision_mt_per_year is not None:
        raise ScenarioError("--precision", "", NO_VALUE, "give --replications or --precision, "
                            "not both")
    if replications is not None:  # the schema's limits for a sweep's replications
        with_overrides(base, {"sweep.replications": replications}, "--replications")
    if seed is not None:
        with_overrides(base, {"run.seed": seed}, "--seed")
    root_seed = base.run.seed if seed is None else seed
    grid = sweep_grid(base, list(parameters.items()), where, in_table)
    points = tuple(
        SweepPoint(index, values, scenario,
                   root_seed if common_random_numbers else _independent_seed(root_seed, index))
        for index, (values, scenario) in enumerate(grid))
    plan = SweepPlan(
        base=base, parameters=tuple((p, tuple(v)) for p, v in parameters.items()),
        points=points, seed=root_seed, common_random_numbers=common_random_numbers,
        replications=replications or settings.replications,
        precision_mt_per_year=(precision_mt_per_year if precision_mt_per_year is not None
                               else (None if replications else settings.precision_mt_per_year)),
        min_replications=settings.min_replications, max_replications=settings.max_replications)
    _check_size(plan, "--precision" if precision_mt_per_year else
                "--replications" if replications else "[sweep]")
    return plan


def _check_size(plan: SweepPlan, where: str) -> None:
    """Refuse a sweep whose table would not fit in memory or whose run time is absurd."""
    per_point = plan.most_replications_per_point
    count = len(plan.points) * per_point
    shown = f"{len(plan.points):,} points x {per_point:,} replications"
    if count > MAX_SWEEP_REPLICATIONS:
        raise ScenarioError(where, "sweep size", NO_VALUE,
                            f"{shown}; a sweep may hold at most {MAX_SWEEP_REPLICATIONS:,} "
                            "replications (each is a ~3 kB row kept in memory, so ~3 GB): use "
                            "fewer points or replications")
    years = per_point * sum((p.scenario.run.warmup_days + p.scenario.run.horizon_days)
                            / DAYS_PER_YEAR for p in plan.points)
    if years > MAX_SIMULATED_YEARS_PER_RUN:
        raise ScenarioError(where, "sweep size", NO_VALUE,
                            f"{shown} is {years:,.0f} simulated years; a sweep may simulate "
                            f"at most {MAX_SIMULATED_YEARS_PER_RUN:,} (about 0.02 s of CPU each, "
                            "~6 core-hours): use fewer points, replications or a shorter "
                            "horizon")


def sweep(scenario: Scenario | str | Path, parameters: Mapping[str, Sequence[Any]] | None = None,
          *, replications: int | None = None, precision_mt_per_year: float | None = None,
          seed: int | None = None, common_random_numbers: bool = True, jobs: int | None = None,
          executor: str = "process", scheduler: str | None = None, out: str | Path | None = None,
          resume: bool = False, on_error: str = "stop", csv: bool = False,
          figures: bool = True, progress: bool = False,
          command_line: Sequence[str] | None = None,
          scenario_file: str | Path | None = None) -> SweepResult:
    """Run a sweep and return its tables; with ``out``, also write the results directory.

    Raises :class:`ScenarioError` for bad input (before anything is written),
    :class:`OutputError` if the directory cannot be used or written (what was
    stored survives), :class:`ReplicationError` if a replication raises and
    ``on_error`` is ``"stop"``, and :class:`RunFailure` if a worker process dies.
    """
    base = load_scenario(scenario).scenario if isinstance(scenario, str | Path) else scenario
    plan = plan_sweep(base, parameters, replications, precision_mt_per_year, seed,
                      common_random_numbers)
    runner = _Runner(plan, jobs or default_jobs(), executor, scheduler, on_error, progress)
    if out is None:
        return runner.run(None)
    with ResultsDir.open(out, plan.sweep_id, resume) as results_dir:
        source = scenario_file if scenario_file is not None else scenario
        return _run_into(results_dir, plan, runner, source, command_line, csv, figures)


def _run_into(results_dir: ResultsDir, plan: SweepPlan, runner: _Runner, source: Any,
              command_line: Sequence[str] | None, csv: bool, figures: bool) -> SweepResult:
    """Run the sweep into an open results directory, keeping the manifest up to date."""
    runner.scenario_file = results_dir.path / SCENARIO_FILE
    manifest = _manifest(plan, results_dir, source, runner, command_line)
    try:
        results_dir.write_manifest(manifest)  # first: it marks the directory as this sweep's
        results_dir.write_text(SCENARIO_FILE, dump_toml(plan.base))
        result = runner.run(results_dir)
        _write_final(results_dir, result, csv, figures, plan)
        manifest.update(status="complete", finished=_now(),
                        replications_done=runner.done_counts(),
                        failures=len(result.failures))
        _add_rerun_commands(manifest, plan, runner)
        results_dir.write_manifest(manifest)
    except BaseException as exc:
        stored = _record_stop(results_dir, manifest, runner, exc)
        if isinstance(exc, OutputError):
            raise OutputError(f"{exc}; {stored}") from None
        if isinstance(exc, BrokenProcessPool):
            raise RunFailure(f"a worker process died (killed, or out of memory) while running "
                             f"the sweep; {stored}") from None
        raise
    result.out = results_dir.path
    return result


def _record_stop(results_dir: ResultsDir, manifest: dict[str, Any], runner: _Runner,
                 exc: BaseException) -> str:
    """Note in the manifest why the sweep stopped; say what was kept (best effort)."""
    manifest.update(status="failed" if runner.failures else "interrupted", error=str(exc),
                    replications_done=runner.done_counts())
    with contextlib.suppress(OutputError):
        results_dir.write_manifest(manifest)
    results_dir.discard_if_unused()
    done = sum(runner.done_counts().values())
    if not results_dir.path.exists():
        return "nothing had been stored, so the directory was removed"
    return (f"the {done:,} replications already stored in {results_dir.path} are kept: fix "
            "the cause, then rerun the same command with --resume")


class _Runner:
    """Schedules chunks on a back end, stores parts, tracks what is done."""

    def __init__(self, plan: SweepPlan, jobs: int, executor: str, scheduler: str | None,
                 on_error: str, progress: bool) -> None:
        if on_error not in {"stop", "record"}:
            raise ScenarioError("--on-error", "", on_error, "must be 'stop' or 'record'")
        self.plan, self.jobs, self.on_error = plan, jobs, on_error
        self.executor, self.scheduler, self.progress = executor, scheduler, progress
        self.rows: dict[int, dict[int, dict[str, Any]]] = {p.index: {} for p in plan.points}
        self.failures: list[Failure] = []
        self.scenario_file: Path | None = None

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
                    bar.set_postfix_str(f"{self._points_done()}/{len(self.plan.points)} "
                                        "points done", refresh=False)
                    bar.update(len(done.chunk.replications))
                    if done.failures:
                        self._fail(done.failures, results_dir)
        finally:
            bar.close()
            if backend is not None:
                backend.close()
        return self._tables()

    def _points_done(self) -> int:
        """Points that hold every replication they will get."""
        done = 0
        for point in self.plan.points:
            rows = self.rows[point.index]
            target, final = self.plan.target({k: r[PRECISION_COLUMN] for k, r in rows.items()})
            done += final and all(k in rows for k in range(target))
        return done

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
            results_dir.store_part(point.index, [r.replication for r in results],
                                   pd.DataFrame(rows))
        for row in rows:
            self.rows[point.index][row["replication"]] = row

    def _fail(self, failures: list[Failure], results_dir: ResultsDir | None) -> None:
        self.failures.extend(failures)
        if results_dir is not None:
            results_dir.write_failures([self.describe(f) for f in self.failures])
        if self.on_error == "stop":
            f = failures[0]
            raise ReplicationError(f.point, self.plan.points[f.point].values, f.replication,
                                   f.seed, f.error, self.rerun_replication(f))

    def describe(self, failure: Failure) -> dict[str, Any]:
        """Describe a failure for failures.json: where, what, and how to rerun it alone."""
        return {"point": failure.point, "values": self.plan.points[failure.point].values,
                "replication": failure.replication, "seed": failure.seed,
                "error": failure.error, "rerun": self.rerun_replication(failure)}

    def rerun_replication(self, failure: Failure) -> str:
        """Return a shell command that runs exactly the failed replication again."""
        values = self.plan.points[failure.point].values
        sets = [f"{path}={toml_value(value)}" for path, value in values.items()]
        source = (f"load_scenario({json.dumps(str(self.scenario_file))}, "
                  f"{json.dumps(sets)}).scenario" if self.scenario_file is not None
                  else "SCENARIO")
        code = ("from sim.loader import load_scenario; from sim.model import run_replication; "
                f"print(run_replication({source}, {failure.replication}, {failure.seed}))")
        return shlex.join(["python", "-c", code])

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
    """Summarise each point in one row.

    The row holds the replications, every metric's mean/CI/percentiles, the ceiling,
    and the paired difference of the Trans-Caspian mean from the previous point.
    """
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
        disruption = point.scenario.russian_route.disruption
        row["russian_disruption_given_as"] = disruption.mode
        row["russian_disruption_probability"] = disruption.steady_state_probability
        row["russian_disruption_rate_per_year"] = disruption.onset_rate_per_year
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
    """Write the whole tables (and figures) once every replication is stored."""
    with storing(results_dir.path):
        write_parquet(results_dir.path / "replications.parquet", result.replications)
        if csv:
            write_csv(results_dir.path / "replications.csv", result.replications)
        write_csv(results_dir.path / "summary.csv", result.summary)
        if figures:
            from sim.plotting import draw_figures

            draw_figures(result.summary, plan.paths, plan.base.name, results_dir.path / "figures")


def _manifest(plan: SweepPlan, results_dir: ResultsDir, source: Any, runner: _Runner,
              command_line: Sequence[str] | None) -> dict[str, Any]:
    """Everything needed to understand and rerun the sweep, and each of its points."""
    previous = results_dir.read_manifest() or {}
    scenario = plan.base.model_dump(mode="json")
    manifest = {
        "sweep_id": plan.sweep_id, "status": "running",
        "scenario": scenario, "scenario_sha256": _sha256(scenario),
        "scenario_file": str(source) if isinstance(source, str | Path) else None,
        "scenario_toml": SCENARIO_FILE,
        "package_version": __version__, "python": platform.python_version(),
        "library_versions": _library_versions(),
        "command_line": list(command_line if command_line is not None else sys.argv),
        "command_lines": [*previous.get("command_lines", []),
                          list(command_line if command_line is not None else sys.argv)],
        "parameters": [{"path": p, "values": list(v)} for p, v in plan.parameters],
        "seed": plan.seed, "common_random_numbers": plan.common_random_numbers,
        "mode": "precision" if plan.precision_mt_per_year else "fixed",
        "replications_per_point": None if plan.precision_mt_per_year else plan.replications,
        "precision_mt_per_year": plan.precision_mt_per_year,
        "min_replications": plan.min_replications, "max_replications": plan.max_replications,
        "executor": runner.executor, "jobs": runner.jobs,
        "started": previous.get("started", _now()), "resumed": bool(previous),
    }
    _add_rerun_commands(manifest, plan, runner)
    return manifest


def _library_versions() -> dict[str, str]:
    """Versions of the libraries the numbers depend on (random streams, event order)."""
    from importlib.metadata import version

    return {name: version(name) for name in ("numpy", "simpy", "scipy", "pandas", "pydantic")}


def _add_rerun_commands(manifest: dict[str, Any], plan: SweepPlan, runner: _Runner) -> None:
    """Per point: values, seed, replications and the command that reruns the point."""
    done = runner.done_counts()
    manifest["points"] = [
        {"index": p.index, "values": p.values, "seed": p.seed,
         "replications": done.get(p.index) or plan.most_replications_per_point,
         "rerun": _rerun_command(p, runner.scenario_file,
                                 done.get(p.index) or plan.most_replications_per_point)}
        for p in plan.points]


def _rerun_command(point: SweepPoint, scenario_file: Path | None, replications: int) -> str:
    """``python -m sim run`` of one point: same scenario, values, seed and replications."""
    args = ["python", "-m", "sim", "run", str(scenario_file or "SCENARIO")]
    for path, value in point.values.items():
        args += ["--set", f"{path}={toml_value(value)}"]
    return shlex.join([*args, "--seed", str(point.seed), "--replications", str(replications)])


def _independent_seed(seed: int, point: int) -> int:
    """Return a point's own root seed when common random numbers are off."""
    state = np.random.SeedSequence([seed, point]).generate_state(1, dtype=np.uint64)[0]
    return int(state >> np.uint64(1))


def _sha256(data: Any) -> str:
    """SHA-256 of ``data`` as canonical JSON."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _now() -> str:
    """Return the current UTC time, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")
