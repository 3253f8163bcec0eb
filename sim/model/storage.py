"""Tank farms: crude storage that fills, blocks its inflow when full and queues its takers.

A :class:`TankFarm` behaves like a :class:`simpy.Container` with reservations
(the level-threshold pattern): a tanker *claims* a whole cargo, and the claim
waits, first come first served, until the tonnes are there; they are then
reserved for it, so no other tanker can claim the same crude, but they stay in
the tanks (``claimed_t``) until loading ends, still occupying room and counted
in the mass balance as stored. A discharging tanker likewise waits, first come
first served, for room for its whole cargo.

The tanks are well mixed: crude moves in :class:`Lot` s that say how many of
their tonnes were diverted from the Russian route and how many were in the
tanks when the run began, and every withdrawal or claim takes those parts in
proportion to the stock. So diverted crude can be followed from the feeder to
BTC (the surge) without tagging single cargoes.

Pipeline batches (:meth:`add`, :meth:`withdraw`) change the level directly and
wake only the waiters they satisfy, so a batch costs no SimPy event unless a
process really resumes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import simpy

from sim.errors import SimulationInvariantError
from sim.model.monitor import TimeWeighted

#: Rounding allowed when a batch is checked against the free room (t).
ROOM_TOLERANCE_T = 1e-6


@dataclass(frozen=True)
class Lot:
    """Some crude (t), of which ``diverted_t`` was diverted and ``opening_t`` was opening stock."""

    tonnes: float
    diverted_t: float = 0.0
    opening_t: float = 0.0


EMPTY = Lot(0.0)


@dataclass(frozen=True)
class TankStats:
    """What a tank farm measured since its last reset."""

    mean_t: float  # time-weighted mean level (t)
    max_t: float  # highest level (t)
    full_hours: float  # hours without room for another cargo (h)


class TankFarm:
    """Crude storage (t) with FIFO claims, FIFO room requests and level statistics.

    ``free_*`` is crude in the tanks not yet claimed; ``claimed_*`` is crude
    reserved for cargoes being assembled or loaded.
    """

    def __init__(self, env: simpy.Environment, name: str, capacity_t: float,
                 initial_t: float, full_margin_t: float, opening_stock_is_tagged: bool = False
                 ) -> None:
        self.env, self.name = env, name
        self.capacity_t = capacity_t
        self.free_t = initial_t
        self.free_diverted_t = 0.0
        self.free_opening_t = initial_t if opening_stock_is_tagged else 0.0
        self.claimed_t = self.claimed_diverted_t = self.claimed_opening_t = 0.0
        self._claims: deque[tuple[simpy.Event, float]] = deque()
        self._room_requests: deque[tuple[simpy.Event, Lot, Callable[[], None]]] = deque()
        # "Full" means there is no room for another cargo (full_margin_t).
        self.level = TimeWeighted(env.now, initial_t, full_at=capacity_t - full_margin_t)

    @property
    def physical_t(self) -> float:
        """Crude physically in the tanks, claimed or not (t)."""
        return self.free_t + self.claimed_t

    @property
    def diverted_t(self) -> float:
        """Diverted crude physically in the tanks, claimed or not (t)."""
        return self.free_diverted_t + self.claimed_diverted_t

    @property
    def room_t(self) -> float:
        """Free tank room (t)."""
        return self.capacity_t - self.free_t - self.claimed_t

    def add(self, lot: Lot) -> None:
        """Receive a pipeline batch that fits; the caller limits it to :attr:`room_t`."""
        if lot.tonnes <= 0:
            return
        room = self.room_t
        if lot.tonnes > room + ROOM_TOLERANCE_T:
            raise SimulationInvariantError(f"{self.name}: batch of {lot.tonnes:.1f} t exceeds "
                                           f"free room {room:.1f} t")
        self.free_t += lot.tonnes if lot.tonnes < room else room
        self.free_diverted_t += lot.diverted_t
        self.free_opening_t += lot.opening_t
        if self._claims:
            self._serve_claims()
        self._record()

    def withdraw(self, tonnes: float) -> Lot:
        """Take up to ``tonnes`` of unclaimed crude now; return what was taken."""
        take = tonnes if tonnes < self.free_t else self.free_t
        if take <= 0:
            return EMPTY
        lot = self._free_part(take)
        self.free_t -= take
        self.free_diverted_t -= lot.diverted_t
        self.free_opening_t -= lot.opening_t
        if self._room_requests:
            self._serve_room_requests()
        self._record()
        return lot

    def claim_cargo(self, tonnes: float) -> simpy.Event:
        """Event that fires, with the claimed :class:`Lot`, once ``tonnes`` are reserved."""
        event = self.env.event()
        self._claims.append((event, tonnes))
        self._serve_claims()  # claiming moves no crude in or out: the level is unchanged
        return event

    def release_claim(self, lot: Lot) -> None:
        """The crude of a claim has been pumped aboard."""
        self.claimed_t -= lot.tonnes
        self.claimed_diverted_t -= lot.diverted_t
        self.claimed_opening_t -= lot.opening_t
        self._serve_room_requests()
        self._record()

    def receive_cargo(self, lot: Lot, handed_over: Callable[[], None]) -> simpy.Event:
        """Event that fires when ``lot`` fits in the tanks and has been put in.

        ``handed_over`` is called at the instant the crude enters the tanks, so the
        sender can book it off in the same step and no tonne is ever in two places.
        """
        event = self.env.event()
        self._room_requests.append((event, lot, handed_over))
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
        """Raise if the level, or a part of it, left its bounds."""
        physical = self.physical_t
        tolerance = ROOM_TOLERANCE_T
        if (physical < -tolerance or physical > self.capacity_t + tolerance
                or self.claimed_t < -tolerance or self.free_t < -tolerance):
            raise SimulationInvariantError(f"{self.name}: level {physical:.1f} t outside "
                                           f"[0, {self.capacity_t:.1f}] t")
        parts = (self.free_diverted_t, self.free_opening_t, self.claimed_diverted_t,
                 self.claimed_opening_t)
        if min(parts) < -1e-3 or self.diverted_t > physical + 1e-3:
            raise SimulationInvariantError(f"{self.name}: diverted or opening crude outside "
                                           "the stock that holds it")

    def _free_part(self, tonnes: float) -> Lot:
        """``tonnes`` of the unclaimed crude, with its diverted and opening parts in proportion."""
        share = tonnes / self.free_t if self.free_t > 0 else 0.0
        opening = min(tonnes, self.free_opening_t * share)  # min: rounding never makes
        diverted = min(tonnes - opening, self.free_diverted_t * share)  # a part exceed its lot
        return Lot(tonnes, diverted, opening)

    def _serve_claims(self) -> None:
        claims = self._claims
        while claims and self.free_t >= claims[0][1]:
            event, tonnes = claims.popleft()
            lot = self._free_part(tonnes)
            self.free_t -= tonnes
            self.free_diverted_t -= lot.diverted_t
            self.free_opening_t -= lot.opening_t
            self.claimed_t += tonnes
            self.claimed_diverted_t += lot.diverted_t
            self.claimed_opening_t += lot.opening_t
            event.succeed(lot)

    def _serve_room_requests(self) -> None:
        requests = self._room_requests
        while requests and self.room_t >= requests[0][1].tonnes:
            event, lot, handed_over = requests.popleft()
            self.free_t += lot.tonnes
            self.free_diverted_t += lot.diverted_t
            self.free_opening_t += lot.opening_t
            handed_over()
            event.succeed()

    def _record(self) -> None:
        self.level.update(self.env.now, self.free_t + self.claimed_t)
