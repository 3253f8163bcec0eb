"""Tank farms on hand-worked cases: claims first come first served, room, flows, statistics.

The flow network normally sets a farm's rates and wakes it at thresholds; here
:func:`flow` does that by hand: constant rates for some hours, then settle and
serve the waiting claims and cargoes.
"""

from __future__ import annotations

import pytest
import simpy

from sim.errors import SimulationInvariantError
from sim.model.storage import Lot, TankFarm


def farm(capacity_t: float = 100.0, initial_t: float = 0.0, margin_t: float = 10.0
         ) -> tuple[simpy.Environment, TankFarm]:
    env = simpy.Environment()
    return env, TankFarm(env, "test tanks", capacity_t, initial_t, margin_t)


def flow(env: simpy.Environment, tanks: TankFarm, hours: float, inflow_t_per_hour: float = 0.0,
         outflow_t_per_hour: float = 0.0, diverted_share: float = 0.0) -> Lot:
    """Run the farm's flows for ``hours``; return what flowed out."""
    tanks.settle(env.now)
    tanks.set_flows(env.now, inflow_t_per_hour, diverted_share, outflow_t_per_hour)
    env.run(until=env.now + hours)
    tanks.settle(env.now)
    tanks.set_flows(env.now, 0.0, 0.0, 0.0)
    tanks.serve()
    return tanks.take_drained()


def test_a_claim_waits_until_the_whole_cargo_is_in_the_tanks():
    env, tanks = farm(initial_t=30.0)
    claim = tanks.claim_cargo(50.0)
    assert not claim.triggered
    assert tanks.hours_to_waiter() == float("inf")  # nothing flows in
    tanks.settle(env.now)
    tanks.set_flows(env.now, 10.0, 0.0, 0.0)
    assert tanks.hours_to_waiter() == pytest.approx(2.0)  # the cargo is there in 2 h
    flow(env, tanks, 1.5, inflow_t_per_hour=10.0)
    assert not claim.triggered
    flow(env, tanks, 0.5, inflow_t_per_hour=10.0)
    assert claim.triggered
    assert (tanks.free_t, tanks.claimed_t, tanks.physical_t) == pytest.approx((0.0, 50.0, 50.0))


def test_claims_are_served_in_arrival_order_even_if_a_later_one_is_smaller():
    env, tanks = farm(initial_t=20.0)
    big, small = tanks.claim_cargo(40.0), tanks.claim_cargo(10.0)
    assert not big.triggered
    assert not small.triggered
    flow(env, tanks, 3.0, inflow_t_per_hour=10.0)
    assert big.triggered
    assert small.triggered
    assert tanks.free_t == pytest.approx(0.0)


def test_claimed_crude_still_occupies_room_until_it_is_pumped_aboard():
    env, tanks = farm(initial_t=60.0)
    tanks.claim_cargo(50.0)
    assert tanks.room_t == 40.0
    tanks.release_claim(Lot(50.0))
    assert (tanks.room_t, tanks.physical_t) == (90.0, 10.0)


def test_inflow_stops_at_the_brim_and_the_farm_says_when_it_will_be_full():
    env, tanks = farm(initial_t=70.0)
    tanks.set_flows(env.now, 20.0, 0.0, 0.0)
    assert tanks.hours_to_brim() == pytest.approx(1.5)
    flow(env, tanks, 1.5, inflow_t_per_hour=20.0)
    assert tanks.is_full


def test_a_discharge_waits_for_room_and_hands_over_at_that_instant():
    env, tanks = farm(initial_t=80.0)
    handed = []
    arrival = tanks.receive_cargo(Lot(30.0), lambda: handed.append(tanks.physical_t))
    assert not arrival.triggered
    assert handed == []
    tanks.set_flows(env.now, 0.0, 0.0, 5.0)
    assert tanks.hours_to_waiter() == pytest.approx(2.0)  # 10 t more room needed
    assert flow(env, tanks, 1.0, outflow_t_per_hour=5.0).tonnes == pytest.approx(5.0)
    assert not arrival.triggered  # room 25 t: still short
    flow(env, tanks, 1.0, outflow_t_per_hour=5.0)
    assert arrival.triggered  # room 30 t: the cargo goes in
    assert handed == [pytest.approx(100.0)]


def test_outflow_takes_only_unclaimed_crude_and_stops_when_it_is_gone():
    env, tanks = farm(initial_t=40.0)
    tanks.claim_cargo(30.0)
    tanks.set_flows(env.now, 0.0, 0.0, 5.0)
    assert tanks.hours_to_brim() == pytest.approx(2.0)
    assert flow(env, tanks, 5.0, outflow_t_per_hour=5.0).tonnes == pytest.approx(10.0)
    assert tanks.is_empty
    assert tanks.physical_t == pytest.approx(30.0)


def test_a_level_above_the_capacity_is_an_invariant_violation():
    env, tanks = farm(initial_t=95.0)
    tanks.check_bounds()
    tanks.free_t = 120.0  # a bookkeeping error the bounds check must catch
    with pytest.raises(SimulationInvariantError, match="outside"):
        tanks.check_bounds()


def test_level_statistics_are_exact_for_a_level_that_moves_linearly():
    env, tanks = farm(capacity_t=100.0, initial_t=50.0, margin_t=10.0)
    env.run(until=2.0)
    flow(env, tanks, 3.0, inflow_t_per_hour=15.0)  # 50 -> 95 t; "full" (no cargo fits) above 90
    stats = tanks.measure(env.now)
    assert stats.mean_t == pytest.approx((50 * 2 + (50 + 95) / 2 * 3) / 5)
    assert stats.max_t == pytest.approx(95.0)
    assert stats.full_hours == pytest.approx(1.0 / 3.0)  # 90 t reached at 4 2/3 h


def test_crude_is_well_mixed_so_claims_and_outflows_take_diverted_crude_in_proportion():
    env, tanks = farm(capacity_t=1_000.0, initial_t=300.0)
    flow(env, tanks, 1.0, inflow_t_per_hour=100.0, diverted_share=1.0)  # 100 of 400 t diverted
    claim = tanks.claim_cargo(200.0)
    assert claim.value == Lot(200.0, diverted_t=50.0)
    assert flow(env, tanks, 1.0, outflow_t_per_hour=100.0) == pytest.approx(
        Lot(100.0, diverted_t=25.0))
    tanks.release_claim(claim.value)
    assert (tanks.physical_t, tanks.diverted_t) == pytest.approx((100.0, 25.0))
