"""Diversion: shippers re-nominate crude to the Trans-Caspian route while the Russian route is down.

:class:`DiversionPolicy` watches the Russian route's major-disruption process.
When a disruption has lasted ``reaction_lag_days``, diversion becomes active;
it ends ``continue_after_recovery_days`` after the route recovers (a new
disruption before then keeps it going). While active, up to
``max_extra_mt_per_year`` of the crude the Russian route cannot take may be
offered to the feeder. Like a disrupted capacity, the policy tells the flow
network (:mod:`sim.model.flows`) the instant it starts or stops.
"""

from __future__ import annotations

import simpy

from sim.model.monitor import TimeWeighted
from sim.model.outages import FactorListener, OutageProcess
from sim.model.process import ProcessGenerator
from sim.scenario.routes import Diversion
from sim.units import HOURS_PER_DAY, mt_per_year_to_t_per_hour


class DiversionPolicy:
    """When, and how fast, crude the Russian route cannot take goes to the Trans-Caspian chain."""

    def __init__(self, env: simpy.Environment, params: Diversion, major: OutageProcess) -> None:
        self.env = env
        self.enabled = params.enabled
        self.lag_hours = params.reaction_lag_days * HOURS_PER_DAY
        self.tail_hours = params.continue_after_recovery_days * HOURS_PER_DAY
        self.extra_t_per_hour = mt_per_year_to_t_per_hour(params.max_extra_mt_per_year)
        self.active = False
        self.ever_active = False  # whether diversion started at any time of the run
        self.listener: FactorListener | None = None
        self._generation = 0  # bumped on every state change: stale timers do nothing
        self.activity = TimeWeighted(env.now, 0.0, full_at=1.0)
        if self.enabled and self.extra_t_per_hour > 0:
            major.watchers.append(self._route_changed)

    @property
    def extra_now_t_per_hour(self) -> float:
        """Extra nomination the policy allows now (t/h; 0 while inactive)."""
        return self.extra_t_per_hour if self.active else 0.0

    def reset(self, now: float) -> None:
        """Start the measured period."""
        self.activity.reset(now)

    def active_hours(self, now: float) -> float:
        """Hours diversion was active since the last reset (h)."""
        return self.activity.hours_full(now)

    def _route_changed(self, down: bool) -> None:
        self._generation += 1
        delay = self.lag_hours if down else self.tail_hours
        if not down and not self.active:
            return
        if down and self.active:
            return  # a new disruption during the tail: diversion simply goes on
        if delay == 0:
            self._set(down)
        else:
            self.env.process(self._after(delay, down, self._generation))

    def _after(self, delay: float, active: bool, generation: int) -> ProcessGenerator:
        yield self.env.timeout(delay)
        if generation == self._generation:
            self._set(active)

    def _set(self, active: bool) -> None:
        if self.listener is not None:
            self.listener.flush(self.env.now)
        self.active = active
        self.ever_active = self.ever_active or active
        self.activity.update(self.env.now, 1.0 if active else 0.0)
        if self.listener is not None:
            self.listener.refresh()
