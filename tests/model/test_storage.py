"""Tank farms on hand-worked cases: claims first come first served, room, blocking, statistics."""

from __future__ import annotations

import pytest
import simpy

from sim.errors import SimulationInvariantError
from sim.model.storage import Lot, TankFarm


def farm(capacity_t: float = 100.0, initial_t: float = 0.0, margin_t: float = 10.0
         ) -> tuple[simpy.Environment, TankFarm]:
    env = simpy.Environment()
    return env, TankFarm(env, "test tanks", capacity_t, initial_t, margin_t)


def test_a_claim_waits_until_the_whole_cargo_is_in_the_tanks():
    env, tanks = farm(initial_t=30.0)
    claim = tanks.claim_cargo(50.0)
    assert not claim.triggered
    tanks.add(Lot(15.0))
    assert not claim.triggered
    tanks.add(Lot(5.0))
    assert claim.triggered
    assert (tanks.free_t, tanks.claimed_t, tanks.physical_t) == (0.0, 50.0, 50.0)


def test_claims_are_served_in_arrival_order_even_if_a_later_one_is_smaller():
    env, tanks = farm(initial_t=20.0)
    big, small = tanks.claim_cargo(40.0), tanks.claim_cargo(10.0)
    assert not big.triggered
    assert not small.triggered
    tanks.add(Lot(30.0))
    assert big.triggered
    assert small.triggered
    assert tanks.free_t == 0.0


def test_claimed_crude_still_occupies_room_until_it_is_pumped_aboard():
    env, tanks = farm(initial_t=60.0)
    tanks.claim_cargo(50.0)
    assert tanks.room_t == 40.0
    tanks.release_claim(Lot(50.0))
    assert (tanks.room_t, tanks.physical_t) == (90.0, 10.0)


def test_a_discharge_waits_for_room_and_hands_over_at_that_instant():
    env, tanks = farm(initial_t=80.0)
    handed = []
    arrival = tanks.receive_cargo(Lot(30.0), lambda: handed.append(tanks.physical_t))
    assert not arrival.triggered
    assert handed == []
    assert tanks.withdraw(5.0).tonnes == 5.0  # room 25 t: still short
    assert not arrival.triggered
    tanks.withdraw(10.0)  # room 35 t: the cargo goes in
    assert arrival.triggered
    assert handed == [95.0]


def test_withdraw_takes_only_unclaimed_crude():
    env, tanks = farm(initial_t=40.0)
    tanks.claim_cargo(30.0)
    assert tanks.withdraw(25.0).tonnes == 10.0
    assert tanks.free_t == 0.0


def test_a_batch_beyond_the_free_room_is_an_invariant_violation():
    env, tanks = farm(initial_t=95.0)
    with pytest.raises(SimulationInvariantError, match="exceeds free room"):
        tanks.add(Lot(6.0))


def test_level_statistics_count_full_time_when_no_cargo_fits():
    env, tanks = farm(capacity_t=100.0, initial_t=50.0, margin_t=10.0)
    env.run(until=2.0)
    tanks.add(Lot(45.0))  # 95 t: above 100 - 10, so "full"
    env.run(until=5.0)
    stats = tanks.measure(env.now)
    assert stats.mean_t == pytest.approx((50 * 2 + 95 * 3) / 5)
    assert stats.max_t == 95.0
    assert stats.full_hours == pytest.approx(3.0)


def test_crude_is_well_mixed_so_claims_and_withdrawals_take_diverted_crude_in_proportion():
    env, tanks = farm(capacity_t=1_000.0, initial_t=300.0)
    tanks.add(Lot(100.0, diverted_t=100.0))  # a quarter of the 400 t is diverted
    claim = tanks.claim_cargo(200.0)
    assert claim.value == Lot(200.0, diverted_t=50.0)
    assert tanks.withdraw(100.0) == Lot(100.0, diverted_t=25.0)
    tanks.release_claim(claim.value)
    assert (tanks.physical_t, tanks.diverted_t) == (100.0, 25.0)
