"""A port's oil-handling capacity: every loading draws on one shared allowance of tonnes.

The port's stated capacity is an annual average rate. :class:`PortThroughput`
lets a loading start only when the port's reserve holds its cargo: the reserve
refills at the average rate up to ``burst_t`` (a few days of capacity), and
each loading takes its cargo out of it, Trans-Caspian tankers and other crude
alike, first come first served. Over any period the port therefore loads at
most its rate times the period plus the reserve.

The reserve is a function of time, so nothing happens between requests: a
request that cannot be served schedules one timeout for the moment the reserve
will hold it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import simpy

from sim.model.process import mark_done

#: Rounding allowed when the reserve is compared with a cargo (t).
TOLERANCE_T = 1e-6


@dataclass(frozen=True)
class ThroughputStats:
    """What the port loaded since its last reset."""

    loaded_t: float  # tonnes drawn from the reserve (all loadings)


class PortThroughput:
    """A token bucket of tonnes: ``rate_t_per_hour`` refill, ``burst_t`` most held, FIFO takers."""

    def __init__(self, env: simpy.Environment, rate_t_per_hour: float, burst_t: float) -> None:
        self.env = env
        self.rate_t_per_hour, self.burst_t = rate_t_per_hour, burst_t
        self._reserve_t = burst_t
        self._since = env.now
        self._waiting: deque[tuple[simpy.Event, float]] = deque()
        self._timer: simpy.Event | None = None
        self.loaded_t = 0.0
        self._loaded_at_reset_t = 0.0

    def reserve_t(self) -> float:
        """Tonnes the port could load right now (t)."""
        now = self.env.now
        self._reserve_t = min(self.burst_t,
                              self._reserve_t + self.rate_t_per_hour * (now - self._since))
        self._since = now
        return self._reserve_t

    def take(self, tonnes: float) -> simpy.Event:
        """Event that fires when the port's reserve holds ``tonnes`` and they are taken."""
        event = self.env.event()
        if not self._waiting and self.reserve_t() + TOLERANCE_T >= tonnes:
            self._draw(tonnes)
            return mark_done(event)  # the reserve holds them: no wait, no event
        self._waiting.append((event, tonnes))
        if self._timer is None:
            self._serve()
        return event

    def reset(self, now: float) -> None:
        """Start the measured period."""
        self._loaded_at_reset_t = self.loaded_t

    def measure(self, now: float) -> ThroughputStats:
        """Tonnes loaded since the last reset."""
        return ThroughputStats(self.loaded_t - self._loaded_at_reset_t)

    def _serve(self) -> None:
        """Serve waiting takers in order; if the first must wait, time its wait exactly."""
        reserve = self.reserve_t()
        waiting = self._waiting
        while waiting and reserve + TOLERANCE_T >= waiting[0][1]:
            event, tonnes = waiting.popleft()
            reserve = self._draw(tonnes)
            event.succeed()
        if waiting:
            self._timer = self.env.timeout((waiting[0][1] - reserve) / self.rate_t_per_hour)
            self._timer.callbacks.append(self._on_timer)

    def _draw(self, tonnes: float) -> float:
        """Take ``tonnes`` out of the reserve (up to date); return what is left (t)."""
        self._reserve_t = max(0.0, self._reserve_t - tonnes)
        self.loaded_t += tonnes
        return self._reserve_t

    def set_rate(self, rate_t_per_hour: float, burst_t: float) -> None:
        """From now on the reserve refills at a new rate up to a new size (a dated change)."""
        self.reserve_t()
        self.rate_t_per_hour, self.burst_t = rate_t_per_hour, burst_t
        self._reserve_t = min(self._reserve_t, burst_t)
        if self._waiting:  # time the first taker's wait again at the new rate
            self._timer = None
            self._serve()

    def _on_timer(self, event: simpy.Event) -> None:
        if event is not self._timer:  # timed at a rate that has since changed
            return
        self._timer = None
        self._serve()
