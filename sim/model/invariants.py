"""Physical invariants checked at the end of every replication: no crude lost, no tank overfull.

The mass balance is: produced + opening stock = Russian route + injected into
BTC + shut in + upstream storage + Aktau tanks + Baku tanks + on board tankers,
to within :data:`MASS_BALANCE_TOLERANCE_T` tonnes. The diverted balance follows
the diverted crude alone: diverted into Aktau = surge into BTC + diverted crude
still in tanks or on board.
"""

from __future__ import annotations

from sim.errors import SimulationInvariantError
from sim.model.chain import ExportChain

#: The mass balance must close to within this many tonnes in every replication.
MASS_BALANCE_TOLERANCE_T = 1.0


def mass_balance_error_t(chain: ExportChain) -> float:
    """Produced + initial stock minus every place crude can be (t); 0 when nothing is lost."""
    totals = chain.supply.totals
    accounted = (totals.russian_t + chain.btc.injected_t + totals.shut_in_t
                 + chain.supply.upstream_t + chain.aktau.tanks.physical_t
                 + chain.baku.tanks.physical_t + sum(t.on_board.tonnes for t in chain.tankers))
    return totals.produced_t + chain.initial_inventory_t - accounted


def diverted_balance_error_t(chain: ExportChain) -> float:
    """Diverted into Aktau minus surge and diverted crude still in the chain (t)."""
    return chain.supply.totals.diverted_t - chain.btc.surge_t - chain.diverted_in_chain_t()


def check_invariants(chain: ExportChain) -> tuple[float, float]:
    """Raise SimulationInvariantError if crude was lost or a store left its bounds.

    Returns the mass-balance and diverted-balance errors (t).
    """
    chain.aktau.tanks.check_bounds()
    chain.baku.tanks.check_bounds()
    for tanker in chain.tankers:
        if not 0 <= tanker.on_board.tonnes <= tanker.cargo_t:
            raise SimulationInvariantError(f"tanker {tanker.index} carries "
                                           f"{tanker.on_board.tonnes} t of a {tanker.cargo_t} t "
                                           "cargo")
    if not 0 <= chain.supply.upstream_t <= chain.supply.upstream_capacity_t + 1e-6:
        raise SimulationInvariantError("upstream storage outside its bounds")
    error = mass_balance_error_t(chain)
    if abs(error) > MASS_BALANCE_TOLERANCE_T:
        raise SimulationInvariantError(f"mass balance off by {error:.3f} t")
    diverted_error = diverted_balance_error_t(chain)
    if abs(diverted_error) > MASS_BALANCE_TOLERANCE_T:
        raise SimulationInvariantError(f"diverted crude balance off by {diverted_error:.3f} t")
    return error, diverted_error
