"""Trace one replication: choose it, run it again with an event recorder, write what it did.

A trace looks inside one simulated year. The replication is given (``replication``)
or picked by its Trans-Caspian volume among the scenario's ``run.replications``
(``pick``: the worst, the 5th percentile or the median year). Picking runs those
replications first on the one runner, without logging; the chosen one is then run
again in this process with an :class:`~sim.model.recorder.EventRecorder`. The same
scenario and seed give the same numbers, and the trace checks that they did: the
recorded run's record must equal the one the runner returned.

:func:`write_trace` writes a results directory (locked, refused if it holds
anything, every file atomic)::

    DIR/manifest.json        what was traced: scenario and hash, seed, replication, how it
                             was chosen, versions, command line, calendar start, and a
                             command that traces the same replication again
    DIR/scenario.toml        the resolved scenario
    DIR/events.parquet|csv   the event log (sim.report.event_log.EVENT_COLUMNS)
    DIR/series.parquet       tank levels, ships at berth, berths out of service, 0/1 flags
    DIR/replications.parquet the replications the pick chose from (with --pick)
    DIR/figures/timeline.png|svg
"""

from __future__ import annotations

import contextlib
import math
import shlex
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sim import __version__
from sim.errors import NO_VALUE, RunFailure, ScenarioError
from sim.experiments.manifest import SCENARIO_FILE, library_versions, now
from sim.experiments.plan import sha256
from sim.experiments.results_dir import (
    MANIFEST,
    PARTS,
    ResultsDir,
    storing,
    write_csv,
    write_parquet,
)
from sim.model.calendar import Calendar
from sim.model.recorder import EventRecorder
from sim.model.replication import run_replication
from sim.model.results import ReplicationResult
from sim.report.event_log import NOMINAL_START, event_log, series_table
from sim.scenario.schema import Scenario
from sim.scenario.toml_io import dump_toml
from sim.units import HOURS_PER_DAY

#: How ``pick`` chooses among the replications, by Trans-Caspian volume (lowest first).
PICKS = ("worst", "p5", "median")
#: What a pick chose, in words.
PICK_NAMES = {"worst": "worst year", "p5": "5th-percentile year", "median": "median year"}
#: The column a pick ranks by.
PICK_COLUMN = "transcaspian_mt_per_year"


@dataclass
class Trace:
    """One recorded replication, how it was chosen, and what it measured."""

    scenario: Scenario
    replication: int
    seed: int
    result: ReplicationResult
    recorder: EventRecorder
    chosen_by: str  # e.g. "the worst year of 100 replications"
    candidates: pd.DataFrame | None = None  # the replications a pick chose from
    start: datetime = NOMINAL_START


def pick_replication(table: pd.DataFrame, pick: str) -> int:
    """The replication a pick names, by Trans-Caspian volume (ties: lowest index first).

    ``worst`` is the lowest volume; ``p5`` the nearest-rank 5th percentile (rank
    ceil(0.05 n) of n, from the lowest); ``median`` the lower median (rank
    ceil(n / 2)).
    """
    _check_pick(pick)
    ranked = table.sort_values([PICK_COLUMN, "replication"], kind="stable")
    n = len(ranked)
    rank = {"worst": 1, "p5": math.ceil(0.05 * n), "median": math.ceil(n / 2)}[pick]
    return int(ranked["replication"].iloc[max(rank, 1) - 1])


def _check_pick(pick: str) -> None:
    if pick not in PICKS:
        raise ScenarioError("--pick", "", pick, f"one of {', '.join(PICKS)}")


def check_replication(scenario: Scenario, replication: int) -> None:
    """Refuse a replication index outside the scenario's ``run.replications``."""
    n = scenario.run.replications
    if not 0 <= replication < n:
        raise ScenarioError("--replication", "", replication,
                            f"replications are numbered 0 to {n - 1} (run.replications = {n})")


def trace(scenario: Scenario, *, replication: int | None = None, pick: str | None = None,
          seed: int | None = None, jobs: int | None = None, progress: bool = False,
          start: datetime | None = None) -> Trace:
    """Choose a replication (``replication`` or ``pick``), run it recorded, return the trace.

    ``start`` is the calendar time of model hour 0: by default the scenario's own
    (``run.start_date`` less the warm-up), or :data:`NOMINAL_START` without one.
    Raises :class:`~sim.errors.ScenarioError` for a bad choice (before anything
    runs) and :class:`~sim.errors.RunFailure` if the recorded run differs from the
    unrecorded one (it must not).
    """
    if (replication is None) == (pick is None):
        raise ScenarioError("--replication", "", NO_VALUE, "give --replication K or --pick "
                            f"{'|'.join(PICKS)}, one of the two")
    seed = scenario.run.seed if seed is None else seed
    candidates = None
    if replication is not None:
        check_replication(scenario, replication)
        chosen_by = f"replication {replication} of {scenario.run.replications}, as asked"
    else:
        assert pick is not None
        _check_pick(pick)
        candidates = _run_all(scenario, seed, jobs, progress)
        replication = pick_replication(candidates, pick)
        chosen_by = f"the {PICK_NAMES[pick]} of {len(candidates)} replications"
    recorder = EventRecorder()
    result = run_replication(scenario, replication, seed, recorder=recorder)
    if candidates is not None:
        _check_same(result, candidates)
    if start is None:
        origin = Calendar(scenario.run.start_date,
                          scenario.run.warmup_days * HOURS_PER_DAY).origin
        start = NOMINAL_START if origin is None else origin
    return Trace(scenario, replication, seed, result, recorder, chosen_by, candidates, start)


def _run_all(scenario: Scenario, seed: int, jobs: int | None, progress: bool) -> pd.DataFrame:
    """Every replication of ``scenario`` on the one runner, unrecorded."""
    from sim.study import run_replications

    return run_replications(scenario, seed=seed, jobs=jobs, progress=progress)


def _check_same(result: ReplicationResult, candidates: pd.DataFrame) -> None:
    """The recorded run must reproduce the runner's numbers exactly (same scenario and seed)."""
    row = candidates.loc[candidates["replication"] == result.replication].iloc[0]
    differ = [name for name, value in asdict(result).items()
              if name in row.index and not _same(row[name], value)]
    if differ:
        raise RunFailure(f"replication {result.replication} (seed {result.seed}) gave other "
                         f"numbers when recorded ({', '.join(differ[:3])}); this is a defect "
                         "of the recorder")


def _same(stored: Any, value: Any) -> bool:
    """Equal, NaN included."""
    if isinstance(value, float) and math.isnan(value):
        return bool(pd.isna(stored))
    return bool(stored == value)


@contextlib.contextmanager
def trace_directory(out: str | Path) -> Iterator[ResultsDir]:
    """Open a trace's results directory before anything runs (locked; refused unless new or empty).

    If the trace stops before it writes (bad luck in the model, Ctrl-C), the
    directory is left as it was found: what this opening created is removed.
    """
    with ResultsDir.open(out, uuid.uuid4().hex, resume=False) as results_dir:
        with contextlib.suppress(OSError):
            (results_dir.path / PARTS).rmdir()  # a trace stores no parts
        try:
            yield results_dir
        except BaseException:
            if not (results_dir.path / MANIFEST).exists():
                results_dir.discard_if_unused()
            raise


def write_trace(result: Trace, out: str | Path, scenario_file: str | None = None,
                command_line: Sequence[str] = (), figures: bool = True) -> dict[str, str]:
    """Write the trace's results directory; return the figures that failed (name -> why)."""
    with trace_directory(out) as results_dir:
        return store_trace(result, results_dir, scenario_file, command_line, figures)


def store_trace(result: Trace, results_dir: ResultsDir, scenario_file: str | None = None,
                command_line: Sequence[str] = (), figures: bool = True) -> dict[str, str]:
    """Write the trace into an open results directory; return the figures that failed.

    The manifest goes first (it marks the directory as this trace's), then the
    tables, then the manifest says complete, then the figure is drawn.
    """
    path = results_dir.path
    manifest = _manifest(result, results_dir.sweep_id, scenario_file, list(command_line))
    manifest["rerun"] = shlex.join(["python", "-m", "sim", "trace", str(path / SCENARIO_FILE),
                                    "--replication", str(result.replication),
                                    "--seed", str(result.seed)])
    results_dir.write_manifest(manifest)
    results_dir.write_text(SCENARIO_FILE, dump_toml(result.scenario))
    events = event_log(result.recorder, result.start)
    with storing(path):
        write_parquet(path / "events.parquet", events)
        write_csv(path / "events.csv", events)
        write_parquet(path / "series.parquet", series_table(result.recorder, result.start))
        if result.candidates is not None:
            write_parquet(path / "replications.parquet", result.candidates)
    manifest.update(status="complete", finished=now())
    results_dir.write_manifest(manifest)
    failed: dict[str, str] = {}
    if figures:
        failed = _draw(result, events, path / "figures")
        if failed:
            manifest["figure_errors"] = failed
            results_dir.write_manifest(manifest)
    return failed


def _draw(result: Trace, events: pd.DataFrame, folder: Path) -> dict[str, str]:
    """Draw ``figures/timeline``; a failure to draw is returned, not raised."""
    from sim.report.figure_plumbing import Drawn, draw_one
    from sim.report.timeline import timeline_figure

    drawn = Drawn()
    with storing(folder):
        folder.mkdir(parents=True, exist_ok=True)
    draw_one("timeline", lambda: timeline_figure(result, events), folder, drawn)
    return drawn.failed


def _manifest(result: Trace, trace_id: str, scenario_file: str | None,
              command: list[str]) -> dict[str, Any]:
    """What was traced, how it was chosen, and what it measured."""
    scenario = result.scenario.model_dump(mode="json")
    return {
        "sweep_id": trace_id, "study": "trace", "status": "running",
        "scenario": scenario, "scenario_sha256": sha256(scenario),
        "scenario_file": scenario_file, "scenario_toml": SCENARIO_FILE,
        "package_version": __version__, "library_versions": library_versions(),
        "command_line": command, "command_lines": [command],
        "seed": result.seed, "replication": result.replication,
        "chosen_by": result.chosen_by,
        "transcaspian_mt_per_year": result.result.transcaspian_mt_per_year,
        "calendar_start": result.start.isoformat(),
        "warmup_hours": result.recorder.warmup_h, "end_hours": result.recorder.end_h,
        "started": now(),
    }
