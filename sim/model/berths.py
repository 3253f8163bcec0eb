"""Berth groups: a port's berths as a priority queue that keeps its statistics.

A ship asks for a berth with ``with berths.request(priority) as call: yield call``.
The request books itself: its wait is tallied the moment it is granted, and the
berth is freed (and its use recorded) when the ``with`` block ends, so no caller
can forget either. Callers that cannot use ``with`` (callback chains) call
:meth:`BerthRequest.release` once. A request that finds a berth free is granted
on the spot and is already processed, so yielding it costs no event; a release
hands the berth straight to the next waiting request.

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

import heapq
import itertools
from dataclasses import dataclass
from types import TracebackType

import simpy

from sim.errors import SimulationInvariantError
from sim.model.monitor import Tally, TimeWeighted
from sim.model.process import mark_done

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


class BerthRequest(simpy.Event):
    """One call for a berth of a :class:`BerthGroup`: yield it to wait until it is granted."""

    def __init__(self, group: BerthGroup, priority: int) -> None:
        super().__init__(group.env)
        self.group, self.priority = group, priority
        self.requested_at = group.env.now
        self.is_outage = priority == OUTAGE_PRIORITY
        self.granted = self.released = False

    def release(self) -> None:
        """Free the berth, or give up waiting (for callers that do not use ``with``)."""
        self.group.release(self)

    def __enter__(self) -> BerthRequest:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc_value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        """Free the berth when the ``with`` block ends (not when a generator is discarded)."""
        if exc_type is not GeneratorExit:
            self.release()


class BerthGroup:
    """``berths`` identical berths, served by priority and then in order of arrival."""

    def __init__(self, env: simpy.Environment, name: str, berths: int) -> None:
        self.env, self.name, self.berths = env, name, berths
        self.in_use = 0  # berths held by ships or outages
        self.ships_in = 0
        self.outages_in = 0
        self.ships_waiting = 0
        self._waiting: list[tuple[int, int, BerthRequest]] = []  # heap: priority, arrival
        self._arrivals = itertools.count()
        self.busy = TimeWeighted(env.now, 0.0)
        self.out_of_service = TimeWeighted(env.now, 0.0)
        self.waits = Tally()
        self.queue = TimeWeighted(env.now, 0.0)
        self._berth_count: TimeWeighted | None = None  # kept once the number changes
        self._count_since = env.now

    def request(self, priority: int = SHIP_PRIORITY) -> BerthRequest:
        """Ask for a berth; yield the request (ideally inside ``with``) to wait for it."""
        request = BerthRequest(self, priority)
        if self._has_free_berth():
            self._grant(request)
            mark_done(request)
        else:
            heapq.heappush(self._waiting, (priority, next(self._arrivals), request))
            if not request.is_outage:
                self._note_queue(+1)
        return request

    def release(self, request: BerthRequest) -> None:
        """Free ``request``'s berth and hand it to the next in line (or withdraw the request)."""
        if request.released:
            raise SimulationInvariantError(f"{self.name}: a berth released twice")
        request.released = True
        now = self.env.now
        if not request.granted:  # gave up waiting
            self._waiting = [entry for entry in self._waiting if entry[2] is not request]
            heapq.heapify(self._waiting)
            if not request.is_outage:
                self._note_queue(-1)
            return
        self.in_use -= 1
        if request.is_outage:
            self.outages_in -= 1
            self.out_of_service.update(now, self.outages_in)
        else:
            self.ships_in -= 1
            self.busy.update(now, self.ships_in)
        self._hand_on()

    def set_berths(self, berths: int) -> None:
        """From now on the group has ``berths`` berths (a dated change).

        New berths go to waiting requests at once; when there are fewer, berths in use
        are kept until their ship leaves. Occupancy is then measured against the
        time-weighted number of berths.
        """
        now = self.env.now
        if self._berth_count is None:
            self._berth_count = TimeWeighted(self._count_since, float(self.berths))
        self._berth_count.update(now, float(berths))
        self.berths = berths
        while self._waiting and self.in_use < self.berths:
            self._hand_on()

    def _hand_on(self) -> None:
        """Give a free berth to the next request in line, if any."""
        if self._waiting and self.in_use < self.berths:
            _, _, waiting = heapq.heappop(self._waiting)
            if not waiting.is_outage:
                self._note_queue(-1)
            self._grant(waiting)
            waiting.succeed()

    def reset(self, now: float) -> None:
        """Start the measured period."""
        self.busy.reset(now)
        self.out_of_service.reset(now)
        self.queue.reset(now)
        self.waits.reset()
        self._count_since = now
        if self._berth_count is not None:
            self._berth_count.reset(now)

    def measure(self, now: float) -> BerthStats:
        """Occupancy, mean wait, mean queue and out-of-service share since the last reset."""
        berths = (self.berths if self._berth_count is None
                  else self._berth_count.mean(now))
        return BerthStats(occupancy=self.busy.mean(now) / berths,
                          wait_mean_hours=self.waits.mean(),
                          queue_mean_ships=self.queue.mean(now),
                          out_of_service_share=self.out_of_service.mean(now) / berths)

    def _has_free_berth(self) -> bool:
        """Whether a new request can be granted now (a berth free and nobody waiting)."""
        return self.in_use < self.berths and not self._waiting

    def _grant(self, request: BerthRequest) -> None:
        """Give ``request`` a berth and book its wait."""
        now = self.env.now
        self.in_use += 1
        if self.in_use > self.berths:
            raise SimulationInvariantError(f"{self.name}: {self.in_use} ships at "
                                           f"{self.berths} berths")
        request.granted = True
        if request.is_outage:
            self.outages_in += 1
            self.out_of_service.update(now, self.outages_in)
        else:
            self.waits.add(now - request.requested_at)
            self.ships_in += 1
            self.busy.update(now, self.ships_in)

    def _note_queue(self, change: int) -> None:
        """Record a ship joining (+1) or leaving (-1) the queue."""
        self.ships_waiting += change
        self.queue.update(self.env.now, self.ships_waiting)
