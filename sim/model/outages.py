"""Outage processes and the capacities they reduce (Russian route, BTC intake).

An :class:`OutageProcess` alternates between up and down. Up-times are
exponential (or, with ``clustering_cv > 1``, a balanced two-phase
hyperexponential with the same mean, which clusters events); down-times are
lognormal. The long-run share of time down is therefore exactly
``E[down] / (E[up] + E[down])``, the scenario's ``probability``. The process
starts in its stationary state (down with probability p, with an
equilibrium residual time), so no warm-up bias enters the disrupted-day share.

A :class:`DisruptedCapacity` multiplies a nominal rate by the factors of its
outage processes and tells the flow network (:mod:`sim.model.flows`) the instant
the rate changes, so the flows are integrated exactly between changes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import simpy

from sim.model.monitor import TimeWeighted
from sim.model.process import ProcessGenerator
from sim.model.rng import lognormal_mu
from sim.scenario.schema import Disruption
from sim.units import HOURS_PER_DAY, HOURS_PER_YEAR


class FactorListener(Protocol):
    """Told before and after something changes a rate (an outage's factor, a policy)."""

    def flush(self, now: float) -> None:
        """Integrate the old rates up to ``now`` (h)."""

    def refresh(self) -> None:
        """Pick up the new rates."""


@dataclass(frozen=True)
class OutageStats:
    """What an outage process did since its last reset."""

    disrupted_hours: float  # hours in the disrupted state (h)
    onsets: int  # disruptions that began


class OutageProcess:
    """One alternating up/down process; ``factor`` is the share of capacity left (0-1)."""

    def __init__(self, env: simpy.Environment, params: Disruption, rng: np.random.Generator,
                 listener: FactorListener | None = None) -> None:
        self.env, self.params, self.rng = env, params, rng
        self.factor = 1.0
        self.is_down = False
        self.onsets = 0
        #: Called with the new state (True: down) each time the process goes down or up.
        self.watchers: list[Callable[[bool], None]] = []
        self._listener = listener
        self.down = TimeWeighted(env.now, 0.0, full_at=1.0)
        rate = params.onset_rate_per_year
        self.mean_up_hours = HOURS_PER_YEAR / rate if rate > 0 else math.inf
        self.mean_down_hours = params.mean_duration_days * HOURS_PER_DAY
        self._up_phases = _balanced_hyperexponential(params.clustering_cv)
        if rate > 0:
            env.process(self._run())

    def reset(self, now: float) -> None:
        """Start the measured period."""
        self.down.reset(now)
        self.onsets = 0

    def disrupted_hours(self, now: float) -> float:
        """Hours disrupted since the last reset."""
        return self.down.hours_full(now)

    def measure(self, now: float) -> OutageStats:
        """Hours disrupted and onsets since the last reset."""
        return OutageStats(disrupted_hours=self.disrupted_hours(now), onsets=self.onsets)

    def _run(self) -> ProcessGenerator:
        p = self.mean_down_hours / (self.mean_up_hours + self.mean_down_hours)
        # Stationary start. Both residuals are drawn whichever state is chosen, so the
        # stream stays aligned across scenarios that differ only in p (common random numbers).
        starts_down = self.rng.random() < p
        residual_up = self._draw_up(residual=True)
        residual_down = self._draw_down(residual=True)
        loss = self._draw_loss()
        if starts_down:
            self._set(1.0 - loss, down=True)
            yield self.env.timeout(residual_down)
            self._set(1.0, down=False)
            up_hours = self._draw_up(residual=False)
        else:
            up_hours = residual_up
        while True:
            yield self.env.timeout(up_hours)
            self._set(1.0 - self._draw_loss(), down=True)
            self.onsets += 1
            yield self.env.timeout(self._draw_down(residual=False))
            self._set(1.0, down=False)
            up_hours = self._draw_up(residual=False)

    def _set(self, factor: float, down: bool) -> None:
        if self._listener is not None:
            self._listener.flush(self.env.now)
        self.factor = factor
        self.is_down = down
        self.down.update(self.env.now, 1.0 if down else 0.0)
        if self._listener is not None:
            self._listener.refresh()
        for watcher in self.watchers:
            watcher(down)

    def _draw_up(self, residual: bool) -> float:
        """Draw an up-time (h).

        Exponential phases are memoryless, so the residual picks the phase in
        proportion to its share of up-time and redraws from it.
        """
        (q1, m1), (_, m2) = self._up_phases
        if residual:
            q1 = q1 * m1 / (q1 * m1 + (1 - q1) * m2)
        mean = m1 if self.rng.random() < q1 else m2
        return self.mean_up_hours * mean * self.rng.standard_exponential()

    def _draw_down(self, residual: bool) -> float:
        """Draw a lognormal down-time (h).

        The residual of the stationary start is U x a length-biased duration, and a
        length-biased lognormal is lognormal with mu + sigma^2.
        """
        sigma = self.params.duration_sigma_log
        mu = lognormal_mu(self.mean_down_hours, sigma)
        if residual:
            mu += sigma * sigma
        length = math.exp(mu + sigma * self.rng.standard_normal())
        return length * self.rng.random() if residual else length

    def _draw_loss(self) -> float:
        """Fraction of capacity removed by one event: Beta with the scenario's mean and sd."""
        mean, sd = self.params.capacity_loss_fraction, self.params.capacity_loss_sd
        if sd == 0 or mean >= 1:
            return mean
        k = mean * (1 - mean) / (sd * sd) - 1
        return float(self.rng.beta(mean * k, (1 - mean) * k))


def _balanced_hyperexponential(cv: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """Two exponential phases ((prob, mean share), ...) with overall mean 1 and the given CV.

    Balanced means (q1*m1 = q2*m2 = 1/2); cv == 1 degenerates to one exponential.
    """
    if cv <= 1.0:
        return (1.0, 1.0), (0.0, 1.0)
    c2 = cv * cv
    q1 = 0.5 * (1 + math.sqrt((c2 - 1) / (c2 + 1)))
    return (q1, 0.5 / q1), (1 - q1, 0.5 / (1 - q1))


class DisruptedCapacity:
    """A nominal rate (t/h) reduced by outage processes; tells its listener of every change.

    The listener (the flow network) integrates the old rate up to the change in
    :meth:`flush` and picks up the new one in :meth:`refresh`.
    """

    def __init__(self, env: simpy.Environment, nominal_t_per_hour: float,
                 outages: list[tuple[Disruption, np.random.Generator]]) -> None:
        self.env = env
        self.nominal_t_per_hour = nominal_t_per_hour
        self.factor = 1.0
        #: Share of capacity a dated outage leaves (1: none under way), :mod:`sim.model.dated`.
        self.dated_factor = 1.0
        self.listener: FactorListener | None = None
        self.outages = [OutageProcess(env, params, rng, self) for params, rng in outages]
        self.refresh()

    @property
    def rate_t_per_hour(self) -> float:
        """Capacity now (t/h)."""
        return self.nominal_t_per_hour * self.factor

    def reset(self, now: float) -> None:
        """Start the measured period of every outage process."""
        for outage in self.outages:
            outage.reset(now)

    def flush(self, now: float) -> None:
        """An outage is about to change the factor: let the listener integrate up to ``now``."""
        if self.listener is not None:
            self.listener.flush(now)

    def refresh(self) -> None:
        """Recompute the factor as the product of the outages' factors; tell the listener."""
        factor = 1.0
        for outage in self.outages:
            factor *= outage.factor
        if self.dated_factor != 1.0:
            factor *= self.dated_factor
        self.factor = factor
        if self.listener is not None:
            self.listener.refresh()

    def set_dated(self, now: float, factor: float | None = None,
                  nominal_t_per_hour: float | None = None) -> None:
        """A dated event sets the share left (0-1) or the nominal rate (t/h) at ``now``."""
        self.flush(now)
        if factor is not None:
            self.dated_factor = factor
        if nominal_t_per_hour is not None:
            self.nominal_t_per_hour = nominal_t_per_hour
        self.refresh()
