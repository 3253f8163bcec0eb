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
    assert policy.take_extra_allowance_t() == pytest.approx(78_000.0)


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


def test_the_allowance_is_taken_batch_by_batch():
    env, policy = scripted([(0.0, True)])
    env.run(until=30.0)
    assert policy.take_extra_allowance_t() == pytest.approx(6_000.0)  # 24-30 h
    env.run(until=31.0)
    assert policy.take_extra_allowance_t() == pytest.approx(1_000.0)


def test_a_disabled_policy_never_activates():
    env, policy = scripted([(0.0, True)], Diversion(enabled=False))
    env.run(until=500.0)
    assert policy.active_hours(env.now) == 0.0
