"""Running many replications of a scenario, serially or on all cores, and summarising them.

Each replication is independent: its random streams depend only on (seed,
replication index), so the same seed gives the same table whatever the number
of worker processes, the back end, or the order in which chunks finish.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from sim.errors import SimulationInvariantError
from sim.executors import Chunk, default_jobs, make_backend
from sim.model import MASS_BALANCE_TOLERANCE_T
from sim.results import KPI_COLUMNS, RESOURCE_COLUMNS, ReplicationResult, result_columns
from sim.scenario import Scenario
from sim.stats import summarize


def chunks_for(point: int, scenario: Scenario, seed: int, replications: Sequence[int],
               size: int) -> list[Chunk]:
    """Cut one point's replications into chunks of at most ``size``."""
    reps = list(replications)
    return [Chunk(point, scenario, seed, tuple(reps[i:i + size]))
            for i in range(0, len(reps), size)]


def chunk_size(total: int, jobs: int) -> int:
    """Replications per chunk: a few chunks per worker, at most 25 (h of work stays small)."""
    return max(1, min(25, total // (4 * max(jobs, 1)) or 1))


def run_replications(scenario: Scenario, replications: int | None = None,
                     seed: int | None = None, jobs: int | None = None,
                     executor: str = "process", scheduler: str | None = None) -> pd.DataFrame:
    """Run a scenario's replications and return the per-replication table (in order).

    Raises :class:`SimulationInvariantError` naming the replication and seed if any
    replication fails.
    """
    n = scenario.run.replications if replications is None else replications
    s = scenario.run.seed if seed is None else seed
    jobs = jobs or default_jobs()
    backend = make_backend(executor, jobs, scheduler)
    results: list[ReplicationResult] = []
    try:
        for done in backend.run_unordered(chunks_for(0, scenario, s, range(n),
                                                     chunk_size(n, jobs))):
            if done.failures:
                f = done.failures[0]
                raise SimulationInvariantError(f"replication {f.replication} (seed {f.seed}) "
                                               f"failed: {f.error}")
            results.extend(done.results)
    finally:
        backend.close()
    results.sort(key=lambda r: r.replication)
    return results_frame(results)


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
