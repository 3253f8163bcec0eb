"""Outage processes and disrupted capacities on hand-worked cases."""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from sim.model.outages import DisruptedCapacity, OutageProcess
from sim.scenario.schema import Disruption

FIXED = Disruption(probability=0.2, mean_duration_days=10.0, duration_sigma_log=0.0,
                   capacity_loss_fraction=0.5, capacity_loss_sd=0.0)


def test_a_fixed_length_disruption_removes_its_fixed_share_for_its_fixed_duration():
    env = simpy.Environment()
    outage = OutageProcess(env, FIXED, np.random.default_rng(5))
    changes = []

    class Listener:
        def flush(self, now: float) -> None:
            pass

        def refresh(self) -> None:
            changes.append((env.now, outage.factor))

    outage._listener = Listener()
    env.run(until=24 * 365 * 3)
    downs = [t for t, f in changes if f == 0.5]
    ups = [t for t, f in changes if f == 1.0]
    assert {f for _, f in changes} == {0.5, 1.0}
    for start, end in zip(downs[1:], ups[1:], strict=False):  # the first may be a residual
        assert end - start == pytest.approx(240.0)


def test_the_mean_up_time_follows_from_p_and_the_mean_duration():
    env = simpy.Environment()
    outage = OutageProcess(env, FIXED, np.random.default_rng(0))
    # p = D / (U + D): U = D (1 - p) / p = 240 h x 4
    assert outage.mean_up_hours == pytest.approx(960.0)
    assert outage.mean_down_hours == 240.0


class Integrator:
    """A flow network in miniature: integrates a capacity's rate between the changes."""

    def __init__(self, capacity: DisruptedCapacity) -> None:
        self.capacity, self.since, self.tonnes = capacity, 0.0, 0.0
        self.rate = capacity.rate_t_per_hour
        capacity.listener = self

    def flush(self, now: float) -> None:
        self.tonnes += self.rate * (now - self.since)
        self.since = now

    def refresh(self) -> None:
        self.rate = self.capacity.rate_t_per_hour


def test_a_disrupted_capacity_tells_its_listener_of_every_change_so_tonnes_are_exact():
    env = simpy.Environment()
    capacity = DisruptedCapacity(env, 100.0, [(FIXED, np.random.default_rng(9))])
    integrator = Integrator(capacity)
    (outage,) = capacity.outages
    env.run(until=5_000.0)
    integrator.flush(env.now)
    down_hours = outage.disrupted_hours(env.now)
    assert down_hours > 0
    assert integrator.tonnes == pytest.approx(100.0 * (5_000.0 - 0.5 * down_hours))
    env.run(until=5_010.0)
    integrator.flush(env.now)
    assert integrator.tonnes == pytest.approx(100.0 * (5_000.0 - 0.5 * down_hours)
                                              + 100.0 * 10 * capacity.factor)


def test_no_disruption_means_full_capacity_and_no_process():
    env = simpy.Environment()
    capacity = DisruptedCapacity(env, 10.0, [(Disruption(probability=0.0),
                                              np.random.default_rng(0))])
    env.run(until=100.0)
    assert capacity.rate_t_per_hour == 10.0
    assert capacity.outages[0].measure(env.now).onsets == 0
