"""Berth groups on hand-worked cases: a request books its own wait and frees its berth."""

from __future__ import annotations

import pytest
import simpy

from sim.model.berths import OUTAGE_PRIORITY, BerthGroup


def call(env: simpy.Environment, berths: BerthGroup, arrive_h: float, stay_h: float):
    yield env.timeout(arrive_h)
    with berths.request() as berth:
        yield berth
        yield env.timeout(stay_h)


def test_waits_occupancy_and_queue_of_three_ships_at_one_berth():
    env = simpy.Environment()
    berths = BerthGroup(env, "test", berths=1)
    for arrive in (0.0, 1.0, 2.0):  # each stays 4 h: waits 0, 3, 6
        env.process(call(env, berths, arrive, 4.0))
    env.run(until=16.0)
    stats = berths.measure(env.now)
    assert stats.wait_mean_hours == pytest.approx(3.0)
    assert stats.occupancy == pytest.approx(12.0 / 16.0)
    # one ship waits from 1 to 4, another from 2 to 8: 3 + 6 ship-hours over 16 h
    assert stats.queue_mean_ships == pytest.approx(9.0 / 16.0)


def test_two_berths_serve_two_ships_at_once():
    env = simpy.Environment()
    berths = BerthGroup(env, "test", berths=2)
    for arrive in (0.0, 0.0, 0.0):
        env.process(call(env, berths, arrive, 5.0))
    env.run(until=10.0)
    stats = berths.measure(env.now)
    assert stats.wait_mean_hours == pytest.approx(5.0 / 3)
    assert stats.occupancy == pytest.approx(15.0 / 20.0)


def test_a_berth_left_inside_with_is_freed_even_if_the_ship_process_fails():
    env = simpy.Environment()
    berths = BerthGroup(env, "test", berths=1)

    def broken():
        with berths.request() as berth:
            yield berth
            raise RuntimeError("engine fire")

    env.process(broken())
    with pytest.raises(RuntimeError):
        env.run(until=1.0)
    assert berths.in_use == 0


def test_reset_starts_a_new_measured_period():
    env = simpy.Environment()
    berths = BerthGroup(env, "test", berths=1)
    env.process(call(env, berths, 0.0, 2.0))
    env.process(call(env, berths, 0.0, 2.0))
    env.run(until=4.0)
    berths.reset(env.now)
    env.run(until=8.0)
    stats = berths.measure(env.now)
    assert (stats.wait_mean_hours, stats.occupancy, stats.queue_mean_ships) == (0.0, 0.0, 0.0)


def test_a_callback_caller_releases_with_release():
    env = simpy.Environment()
    berths = BerthGroup(env, "test", berths=1)
    request = berths.request()
    env.run(until=1.0)
    assert berths.in_use == 1
    request.release()
    env.run(until=2.0)
    assert berths.in_use == 0
    assert berths.measure(env.now).occupancy == pytest.approx(0.5)


def test_an_outage_takes_the_next_free_berth_before_waiting_ships_and_is_not_occupancy():
    env = simpy.Environment()
    berths = BerthGroup(env, "test", berths=1)
    env.process(call(env, berths, 0.0, 4.0))  # a ship at the berth 0-4 h
    env.process(call(env, berths, 1.0, 4.0))  # a ship waiting from 1 h

    def maintenance():
        yield env.timeout(2.0)
        with berths.request(OUTAGE_PRIORITY) as berth:
            yield berth
            yield env.timeout(10.0)  # 4-14 h

    env.process(maintenance())
    env.run(until=20.0)
    stats = berths.measure(env.now)
    assert stats.wait_mean_hours == pytest.approx((0.0 + 13.0) / 2)  # second ship: 1 -> 14 h
    assert stats.occupancy == pytest.approx(8.0 / 20.0)
    assert stats.out_of_service_share == pytest.approx(10.0 / 20.0)
    assert stats.queue_mean_ships == pytest.approx(13.0 / 20.0)  # the outage is no ship


def test_a_lower_priority_number_is_served_first_and_equal_ones_in_order():
    env = simpy.Environment()
    berths = BerthGroup(env, "test", berths=1)
    order = []

    def ship(name, arrive, priority):
        yield env.timeout(arrive)
        with berths.request(priority) as berth:
            yield berth
            order.append(name)
            yield env.timeout(5.0)

    for name, arrive, priority in [("first", 0.0, 2), ("late", 1.0, 2), ("later", 2.0, 2),
                                   ("preferred", 3.0, 1)]:
        env.process(ship(name, arrive, priority))
    env.run(until=30.0)
    assert order == ["first", "preferred", "late", "later"]


def test_a_ship_that_finds_a_berth_free_is_granted_on_the_spot_without_an_event():
    env = simpy.Environment()
    berths = BerthGroup(env, "test", berths=1)
    first = berths.request()
    assert first.processed  # nothing to wait for: yielding it continues at once
    second = berths.request()
    assert not second.triggered
    first.release()  # the berth goes straight to the ship that waited
    assert second.triggered
    assert berths.in_use == 1
