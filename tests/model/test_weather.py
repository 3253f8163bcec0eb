"""Weather gates on hand-worked cases: the onset-rate formula, closing, reopening, closed hours."""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from sim.model.monitor import TimeWeighted
from sim.model.weather import MONTH_HOURS, WeatherGate, onset_rates_per_open_hour
from sim.scenario.schema import Weather

ONE_DAY_CLOSURES = Weather(closure_days_per_month=(2.0,) * 12, median_closure_days=1.0,
                           closure_sigma_log=0.0)


def test_onset_rates_make_the_expected_closed_share_of_each_month():
    # closed share c = rate x D / (1 + rate x D) per open hour, so rate = c / (D (1 - c)).
    for days, rate in zip(ONE_DAY_CLOSURES.closure_days_per_month,
                          onset_rates_per_open_hour(ONE_DAY_CLOSURES), strict=True):
        month_days = MONTH_HOURS / 24
        closed_share = days / month_days
        duration_h = ONE_DAY_CLOSURES.mean_closure_days * 24
        assert rate * duration_h / (1 + rate * duration_h) == pytest.approx(closed_share)


class Recording(TimeWeighted):
    """The gate's closed-time monitor, also keeping every switch (hour, 1 closed / 0 open)."""

    __slots__ = ("switches",)

    def __init__(self, now: float, value: float, full_at: float) -> None:
        super().__init__(now, value, full_at)
        self.switches: list[tuple[float, float]] = []

    def update(self, now: float, value: float) -> None:
        if value != self._value:
            self.switches.append((now, value))
        super().update(now, value)


def test_a_gate_closes_for_exactly_its_fixed_duration_and_fires_reopened():
    env = simpy.Environment()
    gate = WeatherGate(env, ONE_DAY_CLOSURES, np.random.default_rng(3))
    gate.closed = recorder = Recording(env.now, 0.0, full_at=1.0)
    reopened_at = []

    def ship():  # waits at the gate whenever it finds it closed
        while True:
            yield env.timeout(1.0)
            if not gate.is_open:
                yield gate.reopened()
                reopened_at.append(env.now)

    env.process(ship())
    env.run(until=24 * 365)
    closed = [t for t, v in recorder.switches if v == 1.0]
    opened = [t for t, v in recorder.switches if v == 0.0]
    assert len(closed) > 5
    assert [b - a for a, b in zip(closed, opened, strict=False)] == pytest.approx(
        [24.0] * len(opened))
    assert set(reopened_at) <= set(opened)
    assert len(reopened_at) > 0
    still_closed = env.now - closed[-1] if len(closed) > len(opened) else 0.0
    assert gate.measure(env.now) == pytest.approx(24.0 * len(opened) + still_closed)


def test_a_disabled_gate_never_closes():
    env = simpy.Environment()
    gate = WeatherGate(env, Weather(enabled=False), np.random.default_rng(0))
    env.run(until=24 * 365)
    assert gate.is_open
    assert gate.measure(env.now) == 0.0
