"""Tank farms: crude storage that fills, blocks its inflow when full and queues its takers.

A :class:`TankFarm` behaves like a :class:`simpy.Container` with reservations
(the level-threshold pattern): a tanker *claims* a whole cargo, and the claim
waits, first come first served, until the tonnes are there; they are then
reserved for it, so no other tanker can claim the same crude, but they stay in
the tanks (``claimed_t``) until loading ends, still occupying room and counted
in the mass balance as stored. A discharging tanker likewise waits, first come
first served, for room for its whole cargo.

Crude also moves continuously: a pipeline fills the tanks at ``inflow_t_per_hour``
(Aktau) or drains them at ``outflow_t_per_hour`` (Baku, into BTC), rates set by
the flow network (:mod:`sim.model.flows`) and constant between events. The level
is therefore piecewise linear; :meth:`settle` integrates it exactly,
:meth:`hours_to_brim` says when the tanks will be full or empty (the network
changes its rates then) and :meth:`hours_to_waiter` when the first waiting claim
or room request will be met (the network wakes the SimPy clock then).

The tanks are well mixed: crude moves in :class:`Lot` s that say how many of
their tonnes were diverted from the Russian route and how many were in the
tanks when the run began; every withdrawal or claim takes those parts in
proportion to the stock.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import simpy

from sim.errors import SimulationInvariantError
from sim.model.monitor import LinearLevel
from sim.model.process import mark_done

#: Rounding allowed when tonnes are compared with a threshold (t).
TOLERANCE_T = 1e-6


class Lot(NamedTuple):
    """Some crude (t), of which ``diverted_t`` was diverted and ``opening_t`` was opening stock.

    A named tuple rather than a frozen dataclass: lots are made at every lump of crude
    and every settle of an outflow, and a tuple is several times cheaper to make.
    """

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


def _unwatched() -> None:
    """The after-change hook of a tank farm outside a flow network: nothing to tell."""


class TankFarm:
    """Crude storage (t) with FIFO claims, FIFO room requests, flows and level statistics.

    ``free_*`` is crude in the tanks not yet claimed; ``claimed_*`` is crude
    reserved for cargoes being assembled or loaded. Around every lump of crude (a
    claim, a loaded or a discharged cargo) the farm calls ``before_change`` (the
    flow network integrates its flows up to now; alone, the farm settles itself)
    and ``changed`` (the network reconsiders its rates and its next wake-up).
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
        self.inflow_t_per_hour = self.inflow_diverted_share = self.outflow_t_per_hour = 0.0
        self._drained = [0.0, 0.0, 0.0]  # outflow not yet collected: tonnes, diverted, opening
        self._since = env.now
        self._claims: deque[tuple[simpy.Event, float]] = deque()
        self._room_requests: deque[tuple[simpy.Event, Lot, Callable[[], None]]] = deque()
        self.before_change: Callable[[], None] = self._settle_now
        self.changed: Callable[[], None] = _unwatched
        # "Full" means there is no room for another cargo (full_margin_t).
        self.level = LinearLevel(env.now, initial_t, full_at=capacity_t - full_margin_t)

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

    @property
    def is_full(self) -> bool:
        """Whether the tanks have no room left (to the rounding tolerance)."""
        return self.capacity_t - self.free_t - self.claimed_t <= TOLERANCE_T

    @property
    def is_empty(self) -> bool:
        """Whether the tanks hold no unclaimed crude (to the rounding tolerance)."""
        return self.free_t <= TOLERANCE_T

    # --- continuous flows ----------------------------------------------------------------

    def settle(self, now: float) -> None:
        """Move the crude the flows carried since the last settle, up to ``now`` (h)."""
        hours = now - self._since
        if hours <= 0:
            return
        self._since = now
        if self.inflow_t_per_hour > 0:
            room = self.capacity_t - self.free_t - self.claimed_t  # room_t, inlined (hot)
            inflow = min(self.inflow_t_per_hour * hours, max(0.0, room))
            self.free_t += inflow
            self.free_diverted_t += inflow * self.inflow_diverted_share
        if self.outflow_t_per_hour > 0:
            out = self._take_free(min(self.outflow_t_per_hour * hours, self.free_t))
            drained = self._drained
            drained[0] += out.tonnes
            drained[1] += out.diverted_t
            drained[2] += out.opening_t

    def take_drained(self) -> Lot:
        """The crude the outflow has taken since the previous call (settle first)."""
        tonnes, diverted, opening = self._drained
        self._drained = [0.0, 0.0, 0.0]
        return Lot(tonnes, diverted, opening)

    def set_flows(self, now: float, inflow_t_per_hour: float, inflow_diverted_share: float,
                  outflow_t_per_hour: float) -> None:
        """Change the continuous flows from ``now`` on (the farm must be settled to ``now``)."""
        if self._since != now:
            raise SimulationInvariantError(f"{self.name}: flows changed at {now} h but settled "
                                           f"only to {self._since} h")
        self.inflow_t_per_hour = inflow_t_per_hour
        self.inflow_diverted_share = inflow_diverted_share
        self.outflow_t_per_hour = outflow_t_per_hour
        self._record(now)

    def hours_to_brim(self) -> float:
        """Hours until the inflow fills the tanks or the outflow empties them (inf: never)."""
        hours = math.inf
        if self.inflow_t_per_hour > 0:
            hours = (self.capacity_t - self.free_t - self.claimed_t) / self.inflow_t_per_hour
        if self.outflow_t_per_hour > 0:
            hours = min(hours, self.free_t / self.outflow_t_per_hour)
        return max(0.0, hours)

    def hours_to_waiter(self) -> float:
        """Hours until the flows meet the first waiting claim or room request (inf: never)."""
        hours = math.inf
        if self._claims and self.inflow_t_per_hour > 0:
            hours = (self._claims[0][1] - self.free_t) / self.inflow_t_per_hour
        if self._room_requests and self.outflow_t_per_hour > 0:
            hours = min(hours, (self._room_requests[0][1].tonnes - self.room_t)
                        / self.outflow_t_per_hour)
        return max(0.0, hours)

    def serve(self) -> None:
        """Serve the claims and room requests the stock and room now allow."""
        if self._claims:
            self._serve_claims()
        if self._room_requests and self._serve_room_requests():
            self._record()

    # --- lumps: cargoes ------------------------------------------------------------------

    def claim_cargo(self, tonnes: float) -> simpy.Event:
        """Event that fires, with the claimed :class:`Lot`, once ``tonnes`` are reserved.

        If the cargo is there and nobody claimed first, the event is already done.
        """
        event = self.env.event()
        self.before_change()
        if not self._claims and self.free_t + TOLERANCE_T >= tonnes:
            return mark_done(event, self._reserve(tonnes))
        self._claims.append((event, tonnes))
        self.changed()  # a new threshold: the hour the cargo will be there
        return event

    def release_claim(self, lot: Lot) -> None:
        """The crude of a claim has been pumped aboard."""
        self.before_change()
        self.claimed_t -= lot.tonnes
        self.claimed_diverted_t -= lot.diverted_t
        self.claimed_opening_t -= lot.opening_t
        if self._room_requests:
            self._serve_room_requests()
        self._record()
        self.changed()

    def receive_cargo(self, lot: Lot, handed_over: Callable[[], None]) -> simpy.Event:
        """Event that fires when ``lot`` fits in the tanks and has been put in.

        ``handed_over`` is called at the instant the crude enters the tanks, so the
        sender can book it off in the same step and no tonne is ever in two places.
        If the cargo fits now and no cargo waits before it, the event is already done.
        """
        event = self.env.event()
        self.before_change()
        if not self._room_requests and self.room_t + TOLERANCE_T >= lot.tonnes:
            self._put(lot)
            handed_over()
            self._record()
            self.changed()
            return mark_done(event)
        self._room_requests.append((event, lot, handed_over))
        self.changed()  # a new threshold: the hour the outflow makes room
        return event

    # --- statistics and checks -----------------------------------------------------------

    def reset(self, now: float) -> None:
        """Start the measured period."""
        self.level.reset(now)

    def measure(self, now: float) -> TankStats:
        """Mean and highest level, and hours full, since the last reset."""
        mean = self.level.mean(now)
        return TankStats(mean_t=mean, max_t=self.level.maximum(),
                         full_hours=self.level.hours_full(now))

    def check_bounds(self) -> None:
        """Raise if the level, or a part of it, left its bounds."""
        physical = self.physical_t
        tolerance = 1e-3
        if (physical < -tolerance or physical > self.capacity_t + tolerance
                or self.claimed_t < -tolerance or self.free_t < -tolerance):
            raise SimulationInvariantError(f"{self.name}: level {physical:.1f} t outside "
                                           f"[0, {self.capacity_t:.1f}] t")
        parts = (self.free_diverted_t, self.free_opening_t, self.claimed_diverted_t,
                 self.claimed_opening_t)
        if min(parts) < -tolerance or self.diverted_t > physical + tolerance:
            raise SimulationInvariantError(f"{self.name}: diverted or opening crude outside "
                                           "the stock that holds it")

    # --- inside --------------------------------------------------------------------------

    def _settle_now(self) -> None:
        self.settle(self.env.now)

    def _take_free(self, tonnes: float) -> Lot:
        """Remove ``tonnes`` of unclaimed crude, with its parts in proportion."""
        if tonnes <= 0:
            return EMPTY
        lot = self._free_part(tonnes)
        self.free_t -= tonnes
        self.free_diverted_t -= lot.diverted_t
        self.free_opening_t -= lot.opening_t
        return lot

    def _free_part(self, tonnes: float) -> Lot:
        """``tonnes`` of the unclaimed crude, with its diverted and opening parts in proportion."""
        share = tonnes / self.free_t if self.free_t > 0 else 0.0
        opening = min(tonnes, self.free_opening_t * share)  # min: rounding never makes
        diverted = min(tonnes - opening, self.free_diverted_t * share)  # a part exceed its lot
        return Lot(tonnes, diverted, opening)

    def _reserve(self, tonnes: float) -> Lot:
        """Move ``tonnes`` (there to the rounding tolerance) from free to claimed crude."""
        taken = self._take_free(min(tonnes, self.free_t))
        lot = Lot(tonnes, taken.diverted_t, taken.opening_t)
        self.claimed_t += tonnes
        self.claimed_diverted_t += lot.diverted_t
        self.claimed_opening_t += lot.opening_t
        return lot

    def _put(self, lot: Lot) -> None:
        """Add a cargo to the free crude."""
        self.free_t += lot.tonnes
        self.free_diverted_t += lot.diverted_t
        self.free_opening_t += lot.opening_t

    def _serve_claims(self) -> None:
        claims = self._claims
        while claims and self.free_t + TOLERANCE_T >= claims[0][1]:
            event, tonnes = claims.popleft()
            event.succeed(self._reserve(tonnes))

    def _serve_room_requests(self) -> bool:
        """Put in the waiting cargoes that now fit; return whether any did."""
        requests = self._room_requests
        served = False
        while requests and self.room_t + TOLERANCE_T >= requests[0][1].tonnes:
            event, lot, handed_over = requests.popleft()
            self._put(lot)
            handed_over()
            event.succeed()
            served = True
        return served

    def _record(self, at: float | None = None) -> None:
        """Tell the level monitor the level and its slope from ``at`` (h; default now) on."""
        self.level.update(self.env.now if at is None else at, self.free_t + self.claimed_t,
                          self.inflow_t_per_hour - self.outflow_t_per_hour)
