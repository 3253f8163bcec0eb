"""Storm closures of a port and of departures from it.

Closures start as a Poisson process whose rate changes by calendar month and
last a lognormal time. The monthly onset rate is set so that the expected share
of closed time in month m equals ``closure_days_per_month[m] / month_days``:
onsets happen only while open, so ``rate_m = closed_m / (mean_duration *
open_m)``. Months follow the replication's :class:`~sim.model.calendar.Calendar`:
without a start date simulation time 0 is 1 January 00:00 and a model month is
365/12 days; with one, the real calendar months (same rate per month).
"""

from __future__ import annotations

import math

import numpy as np
import simpy

from sim.model.calendar import Calendar
from sim.model.monitor import TimeWeighted
from sim.model.process import ProcessGenerator
from sim.scenario.schema import Weather
from sim.units import DAYS_PER_YEAR, HOURS_PER_DAY

MONTH_HOURS = DAYS_PER_YEAR * HOURS_PER_DAY / 12.0


class WeatherGate:
    """Open/closed state of a port; processes wait on :meth:`reopened` while closed."""

    def __init__(self, env: simpy.Environment, params: Weather, rng: np.random.Generator,
                 calendar: Calendar | None = None) -> None:
        self.env, self.params, self.rng = env, params, rng
        self.calendar = calendar or Calendar(None, 0.0)
        self.is_open = True
        self.closed = TimeWeighted(env.now, 0.0, full_at=1.0)
        self._reopened = env.event()
        self._rates_per_hour = onset_rates_per_open_hour(params)
        if params.enabled and any(rate > 0 for rate in self._rates_per_hour):
            env.process(self._run())

    def reopened(self) -> simpy.Event:
        """An event that fires when the port next opens (only meaningful while closed)."""
        return self._reopened

    def reset(self, now: float) -> None:
        """Start the measured period."""
        self.closed.reset(now)

    def closed_hours(self, now: float) -> float:
        """Hours closed since the last reset."""
        return self.closed.hours_full(now)

    def measure(self, now: float) -> float:
        """Hours closed since the last reset (h)."""
        return self.closed_hours(now)

    def _run(self) -> ProcessGenerator:
        median_hours = self.params.median_closure_days * HOURS_PER_DAY
        while True:
            yield self.env.timeout(self._hours_to_next_onset(self.env.now))
            self.is_open = False
            self.closed.update(self.env.now, 1.0)
            duration = median_hours * math.exp(self.params.closure_sigma_log
                                               * self.rng.standard_normal())
            yield self.env.timeout(duration)
            self.is_open = True
            self.closed.update(self.env.now, 0.0)
            reopened, self._reopened = self._reopened, self.env.event()
            reopened.succeed()

    def _hours_to_next_onset(self, now: float) -> float:
        """Inverse of the cumulative monthly hazard for one standard exponential draw (h)."""
        remaining = self.rng.standard_exponential()
        t = now
        month_at = self.calendar.month_at
        while True:
            month, month_end = month_at(t)
            rate = self._rates_per_hour[month]
            hazard = rate * (month_end - t)
            if remaining <= hazard:
                return t + remaining / rate - now
            remaining -= hazard
            t = month_end


def onset_rates_per_open_hour(params: Weather) -> list[float]:
    """Closure onsets per open hour in each calendar month (1/h)."""
    month_days = MONTH_HOURS / HOURS_PER_DAY
    mean_days = params.mean_closure_days
    return [days / (mean_days * (month_days - days) * HOURS_PER_DAY)
            for days in params.closure_days_per_month]
