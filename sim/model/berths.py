"""Berth groups: a port's berths as a first-come-first-served queue that keeps its statistics.

A ship asks for a berth with ``with berths.request() as call: yield call``. The
request books itself: its wait is tallied the moment it is granted, and the
berth is freed (and its use recorded) when the ``with`` block ends, so no caller
can forget either. Callers that cannot use ``with`` (callback chains) call
:meth:`BerthRequest.release` once.

The group keeps the time-weighted number of busy berths (occupancy = mean busy
berths / berths), the time-weighted number of ships waiting (the mean queue) and
the tally of waits (hours) of the calls granted a berth in the measured period.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType

import simpy
from simpy.resources.resource import Request

from sim.errors import SimulationInvariantError
from sim.model.monitor import Tally, TimeWeighted


@dataclass(frozen=True)
class BerthStats:
    """What a berth group measured since its last reset."""

    occupancy: float  # share of berth-hours in use (0-1)
    wait_mean_hours: float  # mean wait for a berth of the calls granted one (h)
    queue_mean_ships: float  # time-weighted mean number of ships waiting


class BerthRequest(Request):
    """One ship's request for a berth of a :class:`BerthGroup`; books itself when granted."""

    def __init__(self, group: BerthGroup) -> None:
        self.group = group
        self.requested_at = group.env.now
        super().__init__(group.resource)
        group.queue.update(group.env.now, len(group.resource.queue))
        self.callbacks.append(group.book_grant)

    def release(self) -> None:
        """Free the berth (for callers that do not use ``with``)."""
        self.resource.release(self)
        self.group.busy.update(self.group.env.now, self.resource.count)

    def __exit__(self, exc_type: type[BaseException] | None, exc_value: BaseException | None,
                 traceback: TracebackType | None) -> bool | None:
        """Free the berth when the ``with`` block ends (not when a generator is discarded)."""
        super().__exit__(exc_type, exc_value, traceback)
        if exc_type is not GeneratorExit:
            self.group.busy.update(self.group.env.now, self.resource.count)
        return None


class BerthGroup:
    """``berths`` identical berths served first come, first served."""

    def __init__(self, env: simpy.Environment, name: str, berths: int) -> None:
        self.env, self.name, self.berths = env, name, berths
        self.resource = simpy.Resource(env, capacity=berths)
        self.busy = TimeWeighted(env.now, 0.0)
        self.waits = Tally()
        self.queue = TimeWeighted(env.now, 0.0)

    def request(self) -> BerthRequest:
        """Ask for a berth; yield the request (ideally inside ``with``) to wait for it."""
        return BerthRequest(self)

    def book_grant(self, event: simpy.Event) -> None:
        """Record a granted request: its wait and the berths now busy (called by the request)."""
        assert isinstance(event, BerthRequest)
        now = self.env.now
        self.waits.add(now - event.requested_at)
        in_use = self.resource.count
        if in_use > self.berths:
            raise SimulationInvariantError(f"{self.name}: {in_use} ships at {self.berths} "
                                           "berths")
        self.busy.update(now, in_use)
        self.queue.update(now, len(self.resource.queue))

    def reset(self, now: float) -> None:
        """Start the measured period."""
        self.busy.reset(now)
        self.queue.reset(now)
        self.waits.reset()

    def measure(self, now: float) -> BerthStats:
        """Occupancy, mean wait and mean queue since the last reset."""
        return BerthStats(occupancy=self.busy.mean(now) / self.berths,
                          wait_mean_hours=self.waits.mean(),
                          queue_mean_ships=self.queue.mean(now))
