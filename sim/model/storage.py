"""Tank farms: crude storage that fills, blocks its inflow when full and queues its takers.

A :class:`TankFarm` behaves like a :class:`simpy.Container` with reservations
(the level-threshold pattern): a tanker *claims* a whole cargo, and the claim
waits, first come first served, until the tonnes are there; they are then
reserved for it, so no other tanker can claim the same crude, but they stay in
the tanks (``claimed_t``) until loading ends, still occupying room and counted
in the mass balance as stored. A discharging tanker likewise waits, first come
first served, for room for its whole cargo.

Pipeline batches (:meth:`add`, :meth:`withdraw`) change the level directly and
wake only the waiters they satisfy, so a batch costs no SimPy event unless a
process really resumes; a Container would schedule a put or get event for every
batch. The order in which waiters are served is the Container's.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import simpy

from sim.errors import SimulationInvariantError
from sim.model.monitor import TimeWeighted


@dataclass(frozen=True)
class TankStats:
    """What a tank farm measured since its last reset."""

    mean_t: float  # time-weighted mean level (t)
    max_t: float  # highest level (t)
    full_hours: float  # hours without room for another cargo (h)


class TankFarm:
    """Crude storage (t) with FIFO claims, FIFO room requests and level statistics."""

    def __init__(self, env: simpy.Environment, name: str, capacity_t: float,
                 initial_t: float, full_margin_t: float) -> None:
        self.env, self.name = env, name
        self.capacity_t = capacity_t
        self.free_t = initial_t  # in the tanks and not claimed
        self.claimed_t = 0.0
        self._claims: deque[tuple[simpy.Event, float]] = deque()
        self._room_requests: deque[tuple[simpy.Event, float, Callable[[], None]]] = deque()
        # "Full" means there is no room for another cargo (full_margin_t).
        self.level = TimeWeighted(env.now, initial_t, full_at=capacity_t - full_margin_t)

    @property
    def physical_t(self) -> float:
        """Crude physically in the tanks, claimed or not (t)."""
        return self.free_t + self.claimed_t

    @property
    def room_t(self) -> float:
        """Free tank room (t)."""
        return self.capacity_t - self.free_t - self.claimed_t

    def add(self, tonnes: float) -> None:
        """Receive a pipeline batch that fits (t); the caller limits it to :attr:`room_t`."""
        if tonnes <= 0:
            return
        room = self.room_t
        if tonnes > room + 1e-6:
            raise SimulationInvariantError(f"{self.name}: batch of {tonnes:.1f} t exceeds free "
                                           f"room {room:.1f} t")
        self.free_t += tonnes if tonnes < room else room
        if self._claims:
            self._serve_claims()
        self._record()

    def withdraw(self, tonnes: float) -> float:
        """Take up to ``tonnes`` of unclaimed crude now; return what was taken (t)."""
        take = tonnes if tonnes < self.free_t else self.free_t
        if take > 0:
            self.free_t -= take
            if self._room_requests:
                self._serve_room_requests()
            self._record()
        return take

    def claim_cargo(self, tonnes: float) -> simpy.Event:
        """Event that fires when ``tonnes`` of crude are reserved for one cargo."""
        event = self.env.event()
        self._claims.append((event, tonnes))
        self._serve_claims()  # claiming moves no crude in or out: the level is unchanged
        return event

    def release_claim(self, tonnes: float) -> None:
        """Crude of a claim has been pumped aboard."""
        self.claimed_t -= tonnes
        self._serve_room_requests()
        self._record()

    def receive_cargo(self, tonnes: float, handed_over: Callable[[], None]) -> simpy.Event:
        """Event that fires when ``tonnes`` fit in the tanks and have been put in.

        ``handed_over`` is called at the instant the crude enters the tanks, so the
        sender can book it off in the same step and no tonne is ever in two places.
        """
        event = self.env.event()
        self._room_requests.append((event, tonnes, handed_over))
        self._serve_room_requests()
        self._record()
        return event

    def reset(self, now: float) -> None:
        """Start the measured period."""
        self.level.reset(now)

    def measure(self, now: float) -> TankStats:
        """Mean and highest level, and hours full, since the last reset."""
        return TankStats(mean_t=self.level.mean(now), max_t=self.level.maximum(),
                         full_hours=self.level.hours_full(now))

    def check_bounds(self) -> None:
        """Raise if the level left [0, capacity]."""
        physical = self.physical_t
        if (physical < -1e-6 or physical > self.capacity_t + 1e-6 or self.claimed_t < -1e-6
                or self.free_t < -1e-6):
            raise SimulationInvariantError(f"{self.name}: level {physical:.1f} t outside "
                                           f"[0, {self.capacity_t:.1f}] t")

    def _serve_claims(self) -> None:
        claims = self._claims
        while claims and self.free_t >= claims[0][1]:
            event, tonnes = claims.popleft()
            self.free_t -= tonnes
            self.claimed_t += tonnes
            event.succeed()

    def _serve_room_requests(self) -> None:
        requests = self._room_requests
        while requests and self.room_t >= requests[0][1]:
            event, tonnes, handed_over = requests.popleft()
            self.free_t += tonnes
            handed_over()
            event.succeed()

    def _record(self) -> None:
        self.level.update(self.env.now, self.free_t + self.claimed_t)
