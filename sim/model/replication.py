"""One replication: build the chain, run it, check its invariants, return its record.

A replication owns its SimPy environment and random streams, so replications are
independent and can run in any process in any order with the same result.
"""

from __future__ import annotations

from sim.errors import SimulationInvariantError
from sim.model.chain import ExportChain
from sim.model.invariants import check_invariants
from sim.model.results import ReplicationResult, from_records
from sim.scenario.schema import Scenario


def run_replication(scenario: Scenario, replication: int, seed: int | None = None
                    ) -> ReplicationResult:
    """Simulate replication ``replication`` of ``scenario`` and return its measured results.

    Raises :class:`~sim.errors.SimulationInvariantError` naming the replication and
    seed if crude was lost or a store left its bounds.
    """
    seed = scenario.run.seed if seed is None else seed
    chain = ExportChain(scenario, replication, seed)
    chain.run()
    try:
        error = check_invariants(chain)
    except SimulationInvariantError as exc:
        raise SimulationInvariantError(f"replication {replication} (seed {seed}): {exc}") from exc
    return from_records(chain.measure(), replication, seed, error)
