"""One replication: build the chain, run it, check its invariants, return its record.

A replication owns its SimPy environment and random streams, so replications are
independent and can run in any process in any order with the same result. When
the scenario diverts crude and ``run.compare_without_diversion`` is on, the same
replication is also run with diversion off (the same random numbers, source by
source), so the record says how much Trans-Caspian volume diversion added and
how much shut-in it avoided, paired. A replication in which diversion never
started (warm-up included) would run identically without it, so it is not run
twice.
"""

from __future__ import annotations

from typing import Any

from sim.errors import SimulationInvariantError
from sim.model.chain import ExportChain
from sim.model.invariants import check_invariants
from sim.model.recorder import EventRecorder
from sim.model.results import Counterfactual, ReplicationResult, from_records
from sim.model.years import year_rows
from sim.scenario.routes import NO_DIVERSION
from sim.scenario.schema import Scenario


def run_replication(scenario: Scenario, replication: int, seed: int | None = None,
                    recorder: EventRecorder | None = None) -> ReplicationResult:
    """Simulate replication ``replication`` of ``scenario`` and return its measured results.

    With ``recorder``, the replication's events are logged into it (the twin run
    without diversion is not logged); the results are the same either way.
    Raises :class:`~sim.errors.SimulationInvariantError` naming the replication and
    seed if crude was lost or a store left its bounds.
    """
    return run_replication_years(scenario, replication, seed, recorder)[0]


def run_replication_years(scenario: Scenario, replication: int, seed: int | None = None,
                          recorder: EventRecorder | None = None
                          ) -> tuple[ReplicationResult, list[dict[str, Any]]]:
    """As :func:`run_replication`, with one row per calendar year (none without a calendar).

    The year rows are those of :func:`sim.model.years.year_rows`, with ``seed``.
    """
    seed = scenario.run.seed if seed is None else seed
    chain, errors = _run_checked(scenario, replication, seed, recorder)
    counterfactual = None
    if scenario.supply.diversion.enabled and scenario.run.compare_without_diversion:
        # A run in which diversion never started is its own twin: nothing differed.
        twin = chain
        if chain.diversion.ever_active:
            twin, _ = _run_checked(without_diversion(scenario), replication, seed)
        counterfactual = Counterfactual(twin.btc.measure(twin.env.now).transcaspian_t,
                                        twin.supply.measure(twin.env.now).flows.shut_in_t)
    years = [{**row, "seed": seed} for row in year_rows(chain.year_snapshots, replication,
                                                           scenario.run.results_by_month)]
    return from_records(chain.measure(), replication, seed, errors, counterfactual), years


def without_diversion(scenario: Scenario) -> Scenario:
    """The same scenario with diversion switched off."""
    supply = scenario.supply.model_copy(update={"diversion": NO_DIVERSION})
    return scenario.model_copy(update={"supply": supply})


def _run_checked(scenario: Scenario, replication: int, seed: int,
                 recorder: EventRecorder | None = None
                 ) -> tuple[ExportChain, tuple[float, float]]:
    """Run one chain and check its invariants; errors name the replication and seed."""
    chain = ExportChain(scenario, replication, seed, recorder=recorder)
    chain.run()
    try:
        errors = check_invariants(chain)
    except SimulationInvariantError as exc:
        raise SimulationInvariantError(f"replication {replication} (seed {seed}): {exc}") from exc
    return chain, errors
