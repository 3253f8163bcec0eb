"""Studies from Python: many replications of one scenario, a sweep over a grid, the headline.

All are plans on the one :class:`~sim.experiments.runner.Runner`:
:func:`run_replications` is a one-point plan and returns the per-replication
table; :func:`sweep` is a grid and :func:`headline` the two-panel answer of a
scenario's ``[headline]`` table. With ``out``, a study writes a results directory
(see :mod:`sim.experiments.results_dir`): the manifest first, then parts as
replications complete, then the tables and texts, then the figures.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

from sim.errors import OutputError, WorkerDied, notice, one_line
from sim.experiments.assemble import (
    PointGroups,
    assembled_groups,
    groups_in_memory,
    write_replications,
)
from sim.experiments.executors import Failure, default_jobs
from sim.experiments.manifest import SCENARIO_FILE, add_rerun_commands, build_manifest, now
from sim.experiments.plan import Plan, check_in_memory, plan_headline, plan_run, plan_sweep
from sim.experiments.results_dir import (
    ResultsDir,
    check_disk_space,
    storing,
    write_csv,
    write_parquet,
)
from sim.experiments.runner import Runner, RunOutcome, ScenarioSource
from sim.model.results import result_columns
from sim.report.headline import summarize_headline
from sim.report.summary import summarize_points
from sim.scenario.loader import LoadedScenario, load_scenario
from sim.scenario.schema import Scenario
from sim.scenario.toml_io import dump_toml

if TYPE_CHECKING:
    from sim.report.figure_plumbing import Drawn

ScenarioLike = Scenario | LoadedScenario | str | Path
R = TypeVar("R")


@dataclass
class Phases:
    """Wall seconds of a study's phases (planning, simulation, summary, tables, figures)."""

    seconds: dict[str, float] = field(default_factory=dict)
    _since: float = field(default_factory=time.perf_counter)

    def mark(self, phase: str) -> None:
        """The phase ``phase`` ends now."""
        now = time.perf_counter()
        self.seconds[phase] = round(now - self._since, 3)
        self._since = now


@dataclass
class SweepResult:
    """The per-point summary, failures, texts and where they were written.

    ``replications`` is the per-replication table: held in memory for a study run
    without a results directory, read from ``replications.parquet`` when asked for
    otherwise (a study with a directory never holds every row at once).
    """

    summary: pd.DataFrame
    failures: list[Failure] = field(default_factory=list)
    out: Path | None = None
    texts: dict[str, str] = field(default_factory=dict)
    #: Per replication and calendar year (scenarios with run.start_date), else empty.
    years: pd.DataFrame = field(default_factory=pd.DataFrame)
    in_memory: pd.DataFrame | None = None

    @property
    def replications(self) -> pd.DataFrame:
        """The per-replication table (point, swept values, result fields), in order."""
        if self.in_memory is not None:
            return self.in_memory
        if self.out is None:
            return pd.DataFrame()
        return pd.read_parquet(self.out / "replications.parquet")


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


def run_years(scenario: ScenarioLike, replications: int | None = None,
              seed: int | None = None, jobs: int | None = None,
              executor: str = "process", scheduler: str | None = None,
              progress: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """As :func:`run_replications`, with the table per replication and calendar year.

    The second table is empty unless the scenario has ``run.start_date``.
    """
    base, source = resolve_scenario(scenario)
    plan = plan_run(base, replications, seed)
    runner = Runner(plan, jobs or default_jobs(), executor, scheduler, "stop", progress, source)
    outcome = runner.run()
    return outcome.replications[result_columns()], outcome.years


@dataclass(frozen=True)
class StudyKind:
    """How a study turns its replications into outputs: a summary, figures and texts.

    ``summarize(plan, groups)`` gives the per-point summary from each point's
    replications; ``figures(plan, summary,
    folder)`` draws into ``folder`` and says what it wrote and what failed; ``texts(plan, summary)``
    gives extra text files (name -> contents) written beside the tables.
    """

    summarize: Callable[[Plan, PointGroups], pd.DataFrame]
    figures: Callable[[Plan, pd.DataFrame, Path], Drawn]
    texts: Callable[[Plan, pd.DataFrame], dict[str, str]] | None = None


def _grid_figures(plan: Plan, summary: pd.DataFrame, folder: Path) -> Drawn:
    from sim.report.figure_plumbing import own_values
    from sim.report.figures import draw_figures

    own = own_values(plan.base.model_dump(mode="json"), plan.paths)
    return draw_figures(summary, plan.paths, plan.base.name, folder, own)


def _headline_figures(plan: Plan, summary: pd.DataFrame, folder: Path) -> Drawn:
    from sim.report.figure_plumbing import Drawn, draw_one, literal
    from sim.report.headline import headline_figure

    settings = plan.base.headline
    drawn = Drawn()
    folder.mkdir(parents=True, exist_ok=True)
    draw_one("headline", lambda: headline_figure(
        summary, literal(plan.base.name),
        plan.base.russian_route.disruption.steady_state_probability,
        settings.surge_nomination_mt_per_year), folder, drawn)
    return drawn


def _headline_texts(plan: Plan, summary: pd.DataFrame) -> dict[str, str]:
    from sim.report.headline import headline_sentences

    sentences = headline_sentences(summary,
                                   plan.base.russian_route.disruption.steady_state_probability)
    return {"headline.md": "\n\n".join(sentences.values()) + "\n"}


SWEEP = StudyKind(summarize_points, _grid_figures)
HEADLINE = StudyKind(summarize_headline, _headline_figures, _headline_texts)


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
    phases = Phases()
    base, source = resolve_scenario(scenario)
    plan = plan_sweep(base, parameters, replications, precision_mt_per_year, seed,
                      common_random_numbers)
    runner = Runner(plan, jobs or default_jobs(), executor, scheduler, on_error, progress,
                    keep_columns=None if out is None else [])
    phases.mark("planning")
    return _study(SWEEP, plan, runner, source, out, resume, command_line, csv, figures, phases)


def headline(scenario: ScenarioLike, *, capacity_replications: int | None = None,
             surge_replications: int | None = None, seed: int | None = None,
             jobs: int | None = None, executor: str = "process", scheduler: str | None = None,
             out: str | Path | None = None, resume: bool = False, on_error: str = "stop",
             csv: bool = False, figures: bool = True, progress: bool = False,
             command_line: Sequence[str] | None = None) -> SweepResult:
    """Run the headline study of a scenario's ``[headline]`` table (the README's main job).

    Panel A: capacity by investment level; panel B: surge absorbed against p. The
    result's ``texts["headline.md"]`` states the answer of each panel with its CIs.
    Errors as for :func:`sweep`.
    """
    phases = Phases()
    base, source = resolve_scenario(scenario)
    plan = plan_headline(base, seed, capacity_replications, surge_replications)
    runner = Runner(plan, jobs or default_jobs(), executor, scheduler, on_error, progress,
                    keep_columns=None if out is None else [])
    phases.mark("planning")
    return _study(HEADLINE, plan, runner, source, out, resume, command_line, csv, figures,
                  phases)


def _study(kind: StudyKind, plan: Plan, runner: Runner, source: ScenarioSource,
           out: str | Path | None, resume: bool, command_line: Sequence[str] | None, csv: bool,
           figures: bool, phases: Phases) -> SweepResult:
    """Run a sweep or the headline: tables and texts first, then (with ``out``) figures."""

    def finish(results_dir: ResultsDir | None, outcome: RunOutcome) -> SweepResult:
        phases.mark("simulation")
        on_disk = results_dir is not None
        if results_dir is not None:  # assembled once from the parts, then read back by point
            write_replications(results_dir.path, csv_name="replications.csv" if csv else None)
            table = results_dir.path / "replications.parquet"
            groups: PointGroups = assembled_groups(table) if table.exists() else iter(())
        else:
            groups = groups_in_memory(outcome.replications)
        summary = kind.summarize(plan, groups)
        texts = kind.texts(plan, summary) if kind.texts is not None else {}
        years = outcome.years
        if outcome.resumed and plan.base.run.start_date is not None:
            notice(f"years.parquet and years_summary.csv are not written: {outcome.resumed} "
                   "replications were resumed from stored parts, which keep no calendar "
                   "years; rerun without --resume for the per-year tables")
            years = pd.DataFrame()
        result = SweepResult(summary, outcome.failures, texts=texts,
                             in_memory=None if on_disk else outcome.replications, years=years)
        phases.mark("summary")
        if results_dir is not None:
            _write_tables(results_dir, result, csv)
            result.out = results_dir.path
            phases.mark("tables")
        return result

    def draw(results_dir: ResultsDir, result: SweepResult) -> dict[str, str]:
        return kind.figures(plan, result.summary, results_dir.path / "figures").failed

    return run_plan(plan, runner, finish, out=out, resume=resume, scenario_file=source.file,
                    command_line=command_line, draw=draw if figures else None, phases=phases,
                    report=figures)


def run_plan(plan: Plan, runner: Runner, finish: Callable[[ResultsDir | None, RunOutcome], R],
             *, out: str | Path | None, resume: bool = False, scenario_file: str | None = None,
             command_line: Sequence[str] | None = None,
             manifest_extra: Mapping[str, Any] | None = None,
             draw: Callable[[ResultsDir, R], dict[str, str]] | None = None,
             phases: Phases | None = None, report: bool = True) -> R:
    """Run a plan and hand its outcome to ``finish``; with ``out``, in a results directory.

    The directory follows the same rules for every study (``sweep``, ``headline``,
    ``sensitivity``, ``compare``, ``explore``): locked, the manifest first
    (``manifest_extra`` adds the study's own description), replications stored as
    parts as they complete, then ``finish`` writes the study's tables, then the
    manifest says complete (with the phases' times and the workers' CPU), then
    ``draw`` draws the figures, each failure a one-line notice, then (with ``report``)
    ``report.html`` is written, a failure again a notice. A stopped run keeps what it
    stored and resumes with ``resume``.
    """
    if out is None:
        check_in_memory(plan)
        return finish(None, runner.run())
    check_disk_space(out, plan.most_replications)
    with ResultsDir.open(out, plan.sweep_id, resume) as results_dir:
        result = _run_into(results_dir, plan, runner, finish, scenario_file, command_line,
                           manifest_extra or {}, draw, phases or Phases())
        if report:
            _write_report(results_dir)
        return result


def _run_into(results_dir: ResultsDir, plan: Plan, runner: Runner,
              finish: Callable[[ResultsDir | None, RunOutcome], R], scenario_file: str | None,
              command_line: Sequence[str] | None, manifest_extra: Mapping[str, Any],
              draw: Callable[[ResultsDir, R], dict[str, str]] | None, phases: Phases) -> R:
    """Run the plan into an open results directory, keeping the manifest up to date.

    The tables and the finished manifest are stored before any figure is drawn, so
    a figure that fails (or a Ctrl-C while drawing) never costs a result.
    """
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
                        replications_done=runner.done_counts(), failures=len(outcome.failures),
                        timings_seconds=phases.seconds, cost=runner.cost.as_dict())
        add_rerun_commands(manifest, plan, runner.done_counts(), scenario_toml)
        results_dir.write_manifest(manifest)
    except BaseException as exc:
        stored = _record_stop(results_dir, manifest, runner, exc)
        if isinstance(exc, OutputError):
            raise OutputError(f"{exc}; {stored}") from None
        if isinstance(exc, BrokenProcessPool | WorkerDied):
            reason = str(exc) if isinstance(exc, WorkerDied) else (
                "a worker process died (killed, or out of memory) while running the sweep")
            raise WorkerDied(f"{reason}; {stored}") from None
        raise
    if draw is not None:
        _draw_figures(results_dir, draw, result, manifest)
        phases.mark("figures")
        with contextlib.suppress(OutputError):
            results_dir.write_manifest(manifest)
    return result


def _write_report(results_dir: ResultsDir) -> None:
    """Write ``report.html`` of a finished study; a failure is a one-line notice.

    The tables, manifest and figures are already stored, so nothing is lost;
    ``python -m sim report DIR`` writes the page again.
    """
    from sim.report.page import write_report

    try:
        write_report(results_dir.path)
    except Exception as exc:  # the report must never cost the results
        notice(f"report not written: {one_line(str(exc)) or type(exc).__name__}; the tables "
               f"are complete (write it with: python -m sim report {results_dir.path})")


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


def _write_tables(results_dir: ResultsDir, result: SweepResult, csv: bool) -> None:
    """Write the whole tables and texts once every replication is stored.

    The per-replication tables were assembled from the parts before the summary.
    """
    with storing(results_dir.path):
        write_csv(results_dir.path / "summary.csv", result.summary)
        if not result.years.empty:  # a calendar: the same per calendar year
            from sim.analysis.years import summarize_years

            write_parquet(results_dir.path / "years.parquet", result.years)
            if csv:
                write_csv(results_dir.path / "years.csv", result.years)
            write_csv(results_dir.path / "years_summary.csv", summarize_years(result.years))
        for name, text in result.texts.items():
            results_dir.write_text(name, text)


def _draw_figures(results_dir: ResultsDir, draw: Callable[[ResultsDir, R], dict[str, str]],
                  result: R, manifest: dict[str, Any]) -> None:
    """Draw the figures of a finished study; each one that fails is a one-line notice.

    The results are already complete: a figure that cannot be drawn is reported
    (and listed in the manifest as ``figure_errors``), and ``python -m sim plot``
    can draw it again later.
    """
    try:
        failed = draw(results_dir, result)
    except OutputError as exc:
        failed = {"figures": str(exc)}
    for name, reason in failed.items():
        notice(f"figure {name} not drawn: {reason}; the tables are complete "
               f"(redraw with: python -m sim plot {results_dir.path})")
    if failed:
        manifest["figure_errors"] = failed
        with contextlib.suppress(OutputError):
            results_dir.write_manifest(manifest)
