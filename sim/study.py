"""Studies from Python: many replications of one scenario, or a sweep over a grid.

Both are plans on the one :class:`~sim.experiments.runner.Runner`:
:func:`run_replications` is a one-point plan and returns the per-replication
table; :func:`sweep` is a grid and, with ``out``, writes a results directory
(see :mod:`sim.experiments.results_dir`): the manifest first, then parts as
replications complete, then the tables, then the figures.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from sim.errors import OutputError, RunFailure
from sim.experiments.executors import Failure, default_jobs
from sim.experiments.manifest import SCENARIO_FILE, add_rerun_commands, build_manifest, now
from sim.experiments.plan import Plan, plan_run, plan_sweep
from sim.experiments.results_dir import ResultsDir, storing, write_csv, write_parquet
from sim.experiments.runner import Runner, RunOutcome, ScenarioSource
from sim.model.results import result_columns
from sim.report.summary import summarize_points
from sim.scenario.loader import LoadedScenario, load_scenario
from sim.scenario.schema import Scenario
from sim.scenario.toml_io import dump_toml

ScenarioLike = Scenario | LoadedScenario | str | Path
R = TypeVar("R")


@dataclass
class SweepResult:
    """The per-replication table, the per-point summary, failures and where they were written."""

    replications: pd.DataFrame
    summary: pd.DataFrame
    failures: list[Failure] = field(default_factory=list)
    out: Path | None = None


def resolve_scenario(scenario: ScenarioLike) -> tuple[Scenario, ScenarioSource]:
    """The scenario to run and where it came from (a file and overrides, or Python)."""
    if isinstance(scenario, str | Path):
        scenario = load_scenario(scenario)
    if isinstance(scenario, LoadedScenario):
        file = None if scenario.path is None else str(scenario.path)
        return scenario.scenario, ScenarioSource(file, scenario.overrides)
    return scenario, ScenarioSource()


def run_replications(scenario: ScenarioLike, replications: int | None = None,
                     seed: int | None = None, jobs: int | None = None,
                     executor: str = "process", scheduler: str | None = None,
                     progress: bool = False) -> pd.DataFrame:
    """Run a scenario's replications and return the per-replication table (in order).

    Raises :class:`~sim.errors.ReplicationError` naming the replication, its seed
    and a command that reruns it alone if any replication fails.
    """
    base, source = resolve_scenario(scenario)
    plan = plan_run(base, replications, seed)
    runner = Runner(plan, jobs or default_jobs(), executor, scheduler, "stop", progress, source)
    return runner.run().replications[result_columns()]


def sweep(scenario: ScenarioLike, parameters: Mapping[str, Sequence[Any]] | None = None,
          *, replications: int | None = None, precision_mt_per_year: float | None = None,
          seed: int | None = None, common_random_numbers: bool = True, jobs: int | None = None,
          executor: str = "process", scheduler: str | None = None, out: str | Path | None = None,
          resume: bool = False, on_error: str = "stop", csv: bool = False,
          figures: bool = True, progress: bool = False,
          command_line: Sequence[str] | None = None) -> SweepResult:
    """Run a sweep and return its tables; with ``out``, also write the results directory.

    Raises :class:`~sim.errors.ScenarioError` for bad input (before anything is
    written), :class:`~sim.errors.OutputError` if the directory cannot be used or
    written (what was stored survives), :class:`~sim.errors.ReplicationError` if a
    replication raises and ``on_error`` is ``"stop"``, and
    :class:`~sim.errors.RunFailure` if a worker process dies.
    """
    base, source = resolve_scenario(scenario)
    plan = plan_sweep(base, parameters, replications, precision_mt_per_year, seed,
                      common_random_numbers)
    runner = Runner(plan, jobs or default_jobs(), executor, scheduler, on_error, progress)

    def finish(results_dir: ResultsDir | None, outcome: RunOutcome) -> SweepResult:
        result = SweepResult(outcome.replications,
                             summarize_points(plan, outcome.replications), outcome.failures)
        if results_dir is not None:
            _write_final(results_dir, result, csv, figures, plan)
            result.out = results_dir.path
        return result

    return run_plan(plan, runner, finish, out=out, resume=resume, scenario_file=source.file,
                    command_line=command_line)


def run_plan(plan: Plan, runner: Runner, finish: Callable[[ResultsDir | None, RunOutcome], R],
             *, out: str | Path | None, resume: bool = False, scenario_file: str | None = None,
             command_line: Sequence[str] | None = None,
             manifest_extra: Mapping[str, Any] | None = None) -> R:
    """Run a plan and hand its outcome to ``finish``; with ``out``, in a results directory.

    The directory follows the same rules for every study (``sweep``, ``sensitivity``,
    ``compare``, ``explore``): locked, the manifest first (``manifest_extra`` adds the
    study's own description), replications stored as parts as they complete, then
    ``finish`` writes the study's tables and figures, then the manifest says
    complete. A stopped run keeps what it stored and resumes with ``resume``.
    """
    if out is None:
        return finish(None, runner.run())
    with ResultsDir.open(out, plan.sweep_id, resume) as results_dir:
        return _run_into(results_dir, plan, runner, finish, scenario_file, command_line,
                         manifest_extra or {})


def _run_into(results_dir: ResultsDir, plan: Plan, runner: Runner,
              finish: Callable[[ResultsDir | None, RunOutcome], R], scenario_file: str | None,
              command_line: Sequence[str] | None, manifest_extra: Mapping[str, Any]) -> R:
    """Run the plan into an open results directory, keeping the manifest up to date."""
    scenario_toml = results_dir.path / SCENARIO_FILE
    runner.source = ScenarioSource(str(scenario_toml))
    manifest = build_manifest(plan, results_dir.read_manifest() or {}, scenario_file,
                              scenario_toml, runner.done_counts(), runner.executor, runner.jobs,
                              command_line)
    manifest.update(manifest_extra)
    try:
        results_dir.write_manifest(manifest)  # first: it marks the directory as this study's
        results_dir.write_text(SCENARIO_FILE, dump_toml(plan.base))
        outcome = runner.run(results_dir)
        result = finish(results_dir, outcome)
        manifest.update(status="complete", finished=now(),
                        replications_done=runner.done_counts(), failures=len(outcome.failures))
        add_rerun_commands(manifest, plan, runner.done_counts(), scenario_toml)
        results_dir.write_manifest(manifest)
    except BaseException as exc:
        stored = _record_stop(results_dir, manifest, runner, exc)
        if isinstance(exc, OutputError):
            raise OutputError(f"{exc}; {stored}") from None
        if isinstance(exc, BrokenProcessPool):
            raise RunFailure(f"a worker process died (killed, or out of memory) while running "
                             f"the sweep; {stored}") from None
        raise
    return result


def _record_stop(results_dir: ResultsDir, manifest: dict[str, Any], runner: Runner,
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


def _write_final(results_dir: ResultsDir, result: SweepResult, csv: bool, figures: bool,
                 plan: Plan) -> None:
    """Write the whole tables (and figures) once every replication is stored."""
    with storing(results_dir.path):
        write_parquet(results_dir.path / "replications.parquet", result.replications)
        if csv:
            write_csv(results_dir.path / "replications.csv", result.replications)
        write_csv(results_dir.path / "summary.csv", result.summary)
        if figures:
            from sim.report.figures import draw_figures

            draw_figures(result.summary, plan.paths, plan.base.name, results_dir.path / "figures")
