"""Berth groups: a port's berths as a priority queue that keeps its statistics.

A ship asks for a berth with ``with berths.request(priority) as call: yield call``.
The request books itself: its wait is tallied the moment it is granted, and the
berth is freed (and its use recorded) when the ``with`` block ends, so no caller
can forget either. Callers that cannot use ``with`` (callback chains) call
:meth:`BerthRequest.release` once.

Lower priority numbers are served first; equal priorities first come, first
served. A berth outage (maintenance, a breakdown) is a request of priority
:data:`OUTAGE_PRIORITY`: it takes the next berth that frees up, before any
waiting ship, and holds it for its duration.

The group keeps the time-weighted number of berths in use by ships (occupancy =
mean / berths), of berths out of service, and of ships waiting (the mean queue),
and the tally of waits (hours) of the ship calls granted a berth in the measured
period.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType

import simpy
from simpy.resources.resource import PriorityRequest

from sim.errors import SimulationInvariantError
from sim.model.monitor import Tally, TimeWeighted

#: Priority of a berth outage: ahead of every ship.
OUTAGE_PRIORITY = 0
#: Priority of a ship when the port serves first come, first served.
SHIP_PRIORITY = 1


@dataclass(frozen=True)
class BerthStats:
    """What a berth group measured since its last reset."""

    occupancy: float  # share of berth-hours in use by ships (0-1)
    wait_mean_hours: float  # mean wait for a berth of the ship calls granted one (h)
    queue_mean_ships: float  # time-weighted mean number of ships waiting
    out_of_service_share: float  # share of berth-hours out of service (0-1)


class BerthRequest(PriorityRequest):
    """One request for a berth of a :class:`BerthGroup`; books itself when granted."""

    def __init__(self, group: BerthGroup, priority: int) -> None:
        self.group = group
        self.requested_at = group.env.now
        self.is_outage = priority == OUTAGE_PRIORITY
        super().__init__(group.resource, priority=priority)
        group.note_queue()
        self.callbacks.append(group.book_grant)

    def release(self) -> None:
        """Free the berth (for callers that do not use ``with``)."""
        self.resource.release(self)
        self.group.note_release(self)

    def __exit__(self, exc_type: type[BaseException] | None, exc_value: BaseException | None,
                 traceback: TracebackType | None) -> bool | None:
        """Free the berth when the ``with`` block ends (not when a generator is discarded)."""
        super().__exit__(exc_type, exc_value, traceback)
        if exc_type is not GeneratorExit:
            self.group.note_release(self)
        return None


class BerthGroup:
    """``berths`` identical berths, served by priority and then in order of arrival."""

    def __init__(self, env: simpy.Environment, name: str, berths: int) -> None:
        self.env, self.name, self.berths = env, name, berths
        self.resource = simpy.PriorityResource(env, capacity=berths)
        self.ships_in = 0
        self.outages_in = 0
        self.busy = TimeWeighted(env.now, 0.0)
        self.out_of_service = TimeWeighted(env.now, 0.0)
        self.waits = Tally()
        self.queue = TimeWeighted(env.now, 0.0)

    def request(self, priority: int = SHIP_PRIORITY) -> BerthRequest:
        """Ask for a berth; yield the request (ideally inside ``with``) to wait for it."""
        return BerthRequest(self, priority)

    def book_grant(self, event: simpy.Event) -> None:
        """Record a granted request: its wait and the berths now taken (called by the request)."""
        assert isinstance(event, BerthRequest)
        now = self.env.now
        if self.resource.count > self.berths:
            raise SimulationInvariantError(f"{self.name}: {self.resource.count} ships at "
                                           f"{self.berths} berths")
        if event.is_outage:
            self.outages_in += 1
            self.out_of_service.update(now, self.outages_in)
        else:
            self.waits.add(now - event.requested_at)
            self.ships_in += 1
            self.busy.update(now, self.ships_in)
        self.note_queue()

    def note_release(self, request: BerthRequest) -> None:
        """Record that ``request`` left its berth."""
        now = self.env.now
        if request.is_outage:
            self.outages_in -= 1
            self.out_of_service.update(now, self.outages_in)
        else:
            self.ships_in -= 1
            self.busy.update(now, self.ships_in)

    def note_queue(self) -> None:
        """Record the number of ships now waiting (outages waiting are not ships)."""
        waiting = sum(1 for request in self.resource.queue
                      if not getattr(request, "is_outage", False))
        self.queue.update(self.env.now, waiting)

    def reset(self, now: float) -> None:
        """Start the measured period."""
        self.busy.reset(now)
        self.out_of_service.reset(now)
        self.queue.reset(now)
        self.waits.reset()

    def measure(self, now: float) -> BerthStats:
        """Occupancy, mean wait, mean queue and out-of-service share since the last reset."""
        return BerthStats(occupancy=self.busy.mean(now) / self.berths,
                          wait_mean_hours=self.waits.mean(),
                          queue_mean_ships=self.queue.mean(now),
                          out_of_service_share=self.out_of_service.mean(now) / self.berths)
