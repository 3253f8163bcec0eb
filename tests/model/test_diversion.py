"""The diversion policy on scripted disruptions: lag, tail, and the extra allowance it grants."""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from sim.model.diversion import DiversionPolicy
from sim.model.outages import OutageProcess
from sim.scenario.routes import Diversion
from sim.scenario.schema import Disruption

EXTRA = Diversion(reaction_lag_days=1.0, max_extra_mt_per_year=8.76,  # 1,000 t/h
                  continue_after_recovery_days=0.5)


def scripted(schedule: list[tuple[float, bool]], params: Diversion = EXTRA
             ) -> tuple[simpy.Environment, DiversionPolicy]:
    """A policy watching a route that goes down/up at the scripted hours."""
    env = simpy.Environment()
    route = OutageProcess(env, Disruption(probability=0.0), np.random.default_rng(0))
    policy = DiversionPolicy(env, params, route)

    def script():
        for hour, down in schedule:
            yield env.timeout(hour - env.now)
            route._set(0.5 if down else 1.0, down)

    env.process(script())
    return env, policy


def test_diversion_starts_after_the_lag_and_ends_after_the_tail():
    env, policy = scripted([(10.0, True), (100.0, False)])
    env.run(until=200.0)
    # active from 10 + 24 = 34 h to 100 + 12 = 112 h
    assert policy.active_hours(env.now) == pytest.approx(78.0)


def test_a_disruption_shorter_than_the_lag_diverts_nothing():
    env, policy = scripted([(10.0, True), (20.0, False)])
    env.run(until=200.0)
    assert policy.active_hours(env.now) == 0.0


def test_a_new_disruption_during_the_tail_keeps_diversion_going():
    env, policy = scripted([(0.0, True), (50.0, False), (55.0, True), (80.0, False)])
    env.run(until=200.0)
    # active from 24 h, the tail from 50 h would end at 62 h, but the route fails again
    # at 55 h, so diversion runs on to 80 + 12 = 92 h
    assert policy.active_hours(env.now) == pytest.approx(68.0)


class Integrator:
    """A flow network in miniature: integrates the policy's extra nomination between changes."""

    def __init__(self, policy: DiversionPolicy) -> None:
        self.policy, self.since, self.tonnes, self.changes = policy, 0.0, 0.0, 0
        self.rate = policy.extra_now_t_per_hour
        policy.listener = self

    def flush(self, now: float) -> None:
        self.tonnes += self.rate * (now - self.since)
        self.since = now

    def refresh(self) -> None:
        self.rate = self.policy.extra_now_t_per_hour
        self.changes += 1


def test_the_flow_network_is_told_the_instant_the_extra_nomination_starts_and_stops():
    env, policy = scripted([(10.0, True), (100.0, False)])
    integrator = Integrator(policy)
    env.run(until=40.0)
    assert policy.extra_now_t_per_hour == 1_000.0
    env.run(until=200.0)
    integrator.flush(env.now)
    assert policy.extra_now_t_per_hour == 0.0
    assert integrator.changes == 2
    assert integrator.tonnes == pytest.approx(78_000.0)  # 34-112 h at 1,000 t/h


def test_a_disabled_policy_never_activates():
    env, policy = scripted([(0.0, True)], Diversion(enabled=False))
    env.run(until=500.0)
    assert policy.active_hours(env.now) == 0.0
