"""Running many replications of a scenario, serially or on all cores, and summarising them.

Each replication is an independent task ``(scenario, replication index, seed)``:
its random streams depend only on these, so the same seed gives the same table
whatever the number of worker processes or the order in which tasks finish.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.model import MASS_BALANCE_TOLERANCE_T, run_replication
from sim.results import KPI_COLUMNS, RESOURCE_COLUMNS, ReplicationResult, result_columns
from sim.scenario import Scenario
from sim.stats import summarize


@dataclass(frozen=True)
class Task:
    """One replication to run: which scenario, which replication index, which root seed."""

    scenario: Scenario
    replication: int
    seed: int


def run_task(task: Task) -> ReplicationResult:
    """Run one task (a top-level function so worker processes can import it)."""
    return run_replication(task.scenario, task.replication, task.seed)


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def execute(tasks: Sequence[Task], jobs: int | None = None) -> Iterator[ReplicationResult]:
    """Yield results of ``tasks`` in task order, using ``jobs`` processes (1 = in-process)."""
    jobs = default_jobs() if jobs is None else jobs
    if jobs <= 1 or len(tasks) <= 1:
        yield from map(run_task, tasks)
        return
    chunk = max(1, len(tasks) // (jobs * 4))
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
        yield from pool.map(run_task, tasks, chunksize=chunk)


def replication_tasks(scenario: Scenario, replications: int | None = None,
                      seed: int | None = None, first: int = 0) -> list[Task]:
    """Tasks for replications ``first .. first + replications - 1`` of one scenario."""
    n = scenario.run.replications if replications is None else replications
    s = scenario.run.seed if seed is None else seed
    return [Task(scenario, k, s) for k in range(first, first + n)]


def run_replications(scenario: Scenario, replications: int | None = None,
                     seed: int | None = None, jobs: int | None = None) -> pd.DataFrame:
    """Run a scenario's replications and return the per-replication table."""
    return results_frame(execute(replication_tasks(scenario, replications, seed), jobs))


def results_frame(results: Iterable[ReplicationResult]) -> pd.DataFrame:
    """Per-replication records as a DataFrame with the fixed column order."""
    return pd.DataFrame([r.as_dict() for r in results], columns=result_columns())


def summary(frame: pd.DataFrame) -> dict[str, Any]:
    """KPIs, per-resource figures and the mass-balance check of a replication table."""
    kpis = {name: summarize(frame[column], binary=column.startswith("reach_"))
            for name, column in KPI_COLUMNS.items()}
    resources = {resource: {name: summarize(frame[column]) for name, column in items.items()}
                 for resource, items in RESOURCE_COLUMNS.items()}
    return {"kpis": kpis, "resources": resources,
            "mass_balance": {"max_abs_error_t": float(frame["mass_balance_error_t"].abs().max()),
                             "tolerance_t": MASS_BALANCE_TOLERANCE_T,
                             "replications_checked": len(frame)}}


def disruption_description(scenario: Scenario) -> dict[str, Any]:
    """How the Russian route's disruption was specified (probability or rate) and both values."""
    d = scenario.russian_route.disruption
    return {"given_as": d.mode, "probability": d.steady_state_probability,
            "rate_per_year": d.onset_rate_per_year, "mean_duration_days": d.mean_duration_days,
            "capacity_loss_fraction": d.capacity_loss_fraction,
            "clustering_cv": d.clustering_cv}
