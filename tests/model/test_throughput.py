"""A port's shared oil capacity on hand-worked cases: a reserve that refills at the average rate."""

from __future__ import annotations

import pytest
import simpy

from sim.model.throughput import PortThroughput


def test_takers_are_served_at_once_while_the_reserve_holds_their_cargo():
    env = simpy.Environment()
    port = PortThroughput(env, rate_t_per_hour=100.0, burst_t=1_000.0)
    first, second = port.take(600.0), port.take(400.0)
    env.run(until=0.1)
    assert first.triggered
    assert second.triggered
    assert port.reserve_t() == pytest.approx(10.0)  # refilled for 0.1 h


def test_a_taker_waits_exactly_until_the_reserve_refills_and_order_is_kept():
    env = simpy.Environment()
    port = PortThroughput(env, rate_t_per_hour=100.0, burst_t=1_000.0)
    served = []
    for name, tonnes in [("a", 800.0), ("b", 500.0), ("c", 100.0)]:
        taken = port.take(tonnes)
        if taken.processed:  # served on the spot
            served.append((name, env.now))
        else:
            taken.callbacks.append(lambda _, name=name: served.append((name, env.now)))
    env.run(until=10.0)
    # a at 0 (200 t left); b needs 300 t more: 3 h; c then needs 100 t: 1 h more
    # (it may not overtake b although 200 t would have covered it at once).
    assert served == [("a", 0.0), ("b", pytest.approx(3.0)), ("c", pytest.approx(4.0))]


def test_the_reserve_never_exceeds_its_burst_so_the_long_run_rate_is_the_capacity():
    env = simpy.Environment()
    port = PortThroughput(env, rate_t_per_hour=100.0, burst_t=500.0)
    env.run(until=100.0)
    assert port.reserve_t() == 500.0

    def greedy():
        while True:
            yield port.take(250.0)

    env.process(greedy())
    env.run(until=1_100.0)
    assert port.measure(env.now).loaded_t <= 100.0 * 1_000.0 + 500.0 + 1e-6
    assert port.measure(env.now).loaded_t >= 100.0 * 1_000.0 - 250.0
