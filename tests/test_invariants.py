"""Physical invariants are checked in every replication, and each check fires when broken.

Mass balance closes to the tonne; no tank goes below zero or above its capacity;
no berth serves more ships than it has; no tanker carries more than its cargo.
Each test breaks one invariant on purpose (from outside the model) and shows the
check refuses it; the last ones show the checks run in every replication.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import simpy

import sim.model.replication
from sim.errors import SimulationInvariantError
from sim.model.berths import BerthGroup
from sim.model.chain import ExportChain
from sim.model.invariants import MASS_BALANCE_TOLERANCE_T, check_invariants
from sim.model.replication import run_replication
from sim.model.storage import TOLERANCE_T, Lot
from sim.scenario.loader import load_scenario
from sim.study import run_replications
from tests.conftest import deterministic_scenario

SHIPPED = sorted((Path(__file__).parent.parent / "scenarios").glob("*.toml"))
SHORT = ["run.horizon_days=60", "run.warmup_days=5"]


@pytest.fixture
def chain() -> ExportChain:
    """A small replication that has run to its end with every invariant intact."""
    replication = ExportChain(deterministic_scenario(fleet={"tankers": 2},
                                                     run={"horizon_days": 60}), 0, 1)
    replication.run()
    assert abs(check_invariants(replication)[0]) <= MASS_BALANCE_TOLERANCE_T
    return replication


def test_mass_balance_holds_to_the_tonne(chain):
    chain.supply.totals.russian_t -= 0.9  # under a tonne: within the tolerance
    assert abs(check_invariants(chain)[0]) == pytest.approx(0.9, abs=1e-6)
    chain.supply.totals.russian_t -= 0.2  # now 1.1 t are missing
    with pytest.raises(SimulationInvariantError, match="mass balance off by 1.100 t"):
        check_invariants(chain)


def test_crude_appearing_from_nowhere_breaks_the_mass_balance(chain):
    chain.btc.injected_t += 5.0
    with pytest.raises(SimulationInvariantError, match="mass balance off by -5.000 t"):
        check_invariants(chain)


@pytest.mark.parametrize("port", ["aktau", "baku"])
def test_a_tank_below_zero_is_detected(chain, port):
    tanks = getattr(chain, port).tanks
    tanks.claimed_t -= tanks.physical_t + 10.0
    with pytest.raises(SimulationInvariantError, match=f"{port} tanks: level -10.0 t outside"):
        check_invariants(chain)


@pytest.mark.parametrize("port", ["aktau", "baku"])
def test_a_tank_above_its_capacity_is_detected(chain, port):
    tanks = getattr(chain, port).tanks
    tanks.claimed_t += tanks.room_t + 10.0
    with pytest.raises(SimulationInvariantError, match=f"{port} tanks: level .* outside "
                                                       rf"\[0, {tanks.capacity_t:.1f}\] t"):
        check_invariants(chain)


def test_a_tanker_carrying_more_than_its_cargo_is_detected(chain):
    tanker = chain.tankers[1]
    tanker.on_board = Lot(tanker.cargo_t + 1.0)
    with pytest.raises(SimulationInvariantError, match="tanker 1 carries 8401.0 t of a "
                                                       "8400.0 t cargo"):
        check_invariants(chain)


def test_a_tanker_carrying_negative_crude_is_detected(chain):
    chain.tankers[0].on_board = Lot(-1.0)
    with pytest.raises(SimulationInvariantError, match="tanker 0 carries -1.0 t"):
        check_invariants(chain)


def test_diverted_crude_that_vanishes_breaks_the_diverted_balance(chain):
    chain.supply.totals.diverted_t += 3.0  # three diverted tonnes never reached anywhere
    with pytest.raises(SimulationInvariantError, match="diverted crude balance off by 3.000 t"):
        check_invariants(chain)


def test_upstream_storage_beyond_its_capacity_is_detected(chain):
    chain.supply.upstream_t = chain.supply.upstream_capacity_t + 10.0
    with pytest.raises(SimulationInvariantError, match="upstream storage outside its bounds"):
        check_invariants(chain)


def test_a_berth_serving_more_ships_than_it_has_is_detected():
    env = simpy.Environment()
    group = BerthGroup(env, "aktau berths", berths=1)
    group._has_free_berth = lambda: True  # type: ignore[method-assign]  # the defect
    group.request()  # one ship at one berth: fine
    with pytest.raises(SimulationInvariantError, match="aktau berths: 2 ships at 1 berths"):
        group.request()  # the grant books itself and sees two ships


def test_an_extra_berth_is_caught_while_the_replication_runs():
    scenario = deterministic_scenario(fleet={"tankers": 8}, aktau={"berths": 1},
                                      run={"horizon_days": 60})
    chain = ExportChain(scenario, 0, 1)
    chain.aktau.berths._has_free_berth = lambda: True  # type: ignore[method-assign]
    with pytest.raises(SimulationInvariantError, match="aktau berths: 2 ships at 1 berths"):
        chain.run()


def test_a_violation_names_the_replication_and_seed_to_rerun(monkeypatch):
    run = ExportChain.run

    def leaky_run(self):
        run(self)
        self.supply.totals.shut_in_t -= 3.0  # three tonnes vanish

    monkeypatch.setattr(ExportChain, "run", leaky_run)
    scenario = deterministic_scenario(run={"horizon_days": 30})
    with pytest.raises(SimulationInvariantError, match=r"replication 4 \(seed 77\): mass "
                                                       "balance off by 3.000 t"):
        run_replication(scenario, 4, 77)


def test_every_replication_is_checked(monkeypatch):
    checked = []
    check = sim.model.replication.check_invariants

    def counting_check(chain):
        checked.append(chain)
        return check(chain)

    monkeypatch.setattr(sim.model.replication, "check_invariants", counting_check)
    scenario = load_scenario(SHIPPED[0], [*SHORT, "russian_route.disruption.probability=0.5"]
                             ).scenario
    frame = run_replications(scenario, replications=5, jobs=1)
    diverted = sum(chain.diversion.ever_active for chain in checked)
    assert diverted > 0
    # each replication, and the twin without diversion of each one that diverted
    assert len(checked) == len(frame) + diverted
    assert frame["mass_balance_error_t"].abs().max() <= MASS_BALANCE_TOLERANCE_T


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_scenario_keeps_every_invariant(path):
    # A plan with dated events runs its whole horizon (events outside it are refused).
    dated = bool(load_scenario(path).scenario.events)
    scenario = load_scenario(path, ["run.warmup_days=5"] if dated else SHORT).scenario
    for replication in range(3):
        result = run_replication(scenario, replication)
        assert abs(result.mass_balance_error_t) <= MASS_BALANCE_TOLERANCE_T
        assert 0 <= result.aktau_tank_max_t <= scenario.aktau.storage_t + TOLERANCE_T
        assert 0 <= result.baku_tank_max_t <= scenario.baku.storage_t + TOLERANCE_T
        assert 0 <= result.aktau_berth_occupancy <= 1
        assert 0 <= result.baku_berth_occupancy <= 1
