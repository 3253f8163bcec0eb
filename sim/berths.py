"""Berth groups: a port's berths as a first-come-first-served queue with statistics.

A :class:`BerthGroup` wraps a :class:`simpy.Resource` with one slot per berth.
Callers go through :meth:`request` / :meth:`granted` / :meth:`release` so the
group tallies each call's wait for a berth (hours) and the time-weighted number
of busy berths, from which occupancy = mean busy berths / berths, and the
time-weighted number of ships waiting (the mean queue length). The mean wait is
over the calls granted a berth in the measured period.
"""

from __future__ import annotations

import simpy
from simpy.resources.resource import Request

from sim.errors import SimulationInvariantError
from sim.monitor import Tally, TimeWeighted


class BerthGroup:
    """``berths`` identical berths served first come, first served."""

    def __init__(self, env: simpy.Environment, name: str, berths: int) -> None:
        self.env, self.name, self.berths = env, name, berths
        self.resource = simpy.Resource(env, capacity=berths)
        self.busy = TimeWeighted(env.now, 0.0)
        self.waits = Tally()
        self.queue = TimeWeighted(env.now, 0.0)

    def request(self) -> Request:
        """Ask for a berth; yield the returned request, then call :meth:`granted`."""
        req = self.resource.request()
        req.requested_at = self.env.now  # type: ignore[attr-defined]
        self.queue.update(self.env.now, len(self.resource.queue))
        return req

    def granted(self, req: Request) -> float:
        """Book a granted request; return its wait (h)."""
        now = self.env.now
        wait = now - req.requested_at  # type: ignore[attr-defined]
        self.waits.add(wait)
        in_use = self.resource.count
        if in_use > self.berths:
            raise SimulationInvariantError(f"{self.name}: {in_use} ships at {self.berths} "
                                           "berths")
        self.busy.update(now, in_use)
        self.queue.update(now, len(self.resource.queue))
        return wait

    def release(self, req: Request) -> None:
        """Free the berth held by ``req``."""
        self.resource.release(req)
        self.busy.update(self.env.now, self.resource.count)

    def reset(self, now: float) -> None:
        """Start the measured period."""
        self.busy.reset(now)
        self.queue.reset(now)
        self.waits.reset()

    def mean_queue_length(self, now: float) -> float:
        """Time-weighted mean number of ships waiting for a berth since the last reset."""
        return self.queue.mean(now)

    def occupancy(self, now: float) -> float:
        """Share of berth-hours in use since the last reset (0-1)."""
        return self.busy.mean(now) / self.berths
