"""Tank farms: crude storage that fills, blocks its inflow when full and queues its takers.

A :class:`TankFarm` wraps a :class:`simpy.Container` (tonnes). Tankers claim a
whole cargo with :meth:`claim_cargo`: the claim waits, first come first served,
until the tonnes are there and then takes them out of the container so that no
other tanker can claim the same crude. Claimed crude stays physically in the
tanks (``claimed_t``) until loading ends, so it still occupies tank room and
counts in the mass balance as stored.
"""

from __future__ import annotations

import simpy

from sim.errors import SimulationInvariantError
from sim.monitor import TimeWeighted

class TankFarm:
    """Crude storage (t) with time-weighted level statistics."""

    def __init__(self, env: simpy.Environment, name: str, capacity_t: float,
                 initial_t: float, full_margin_t: float) -> None:
        self.env, self.name = env, name
        self.capacity_t = capacity_t
        self.container = simpy.Container(env, capacity=capacity_t, init=initial_t)
        self.claimed_t = 0.0
        # "Full" means there is no room for another cargo (full_margin_t).
        self.level = TimeWeighted(env.now, initial_t, full_at=capacity_t - full_margin_t)

    @property
    def physical_t(self) -> float:
        """Crude physically in the tanks, claimed or not (t)."""
        return self.container.level + self.claimed_t

    @property
    def room_t(self) -> float:
        """Free tank room (t)."""
        return self.capacity_t - self.physical_t

    def add(self, tonnes: float) -> None:
        """Receive a pipeline batch that fits (t); the caller limits it to :attr:`room_t`."""
        if tonnes <= 0:
            return
        if tonnes > self.room_t + 1e-6:
            raise SimulationInvariantError(f"{self.name}: batch of {tonnes:.1f} t exceeds free "
                                           f"room {self.room_t:.1f} t")
        self.container.put(min(tonnes, self.container.capacity - self.container.level))
        self._record()

    def withdraw(self, tonnes: float) -> float:
        """Take up to ``tonnes`` of unclaimed crude now; return what was taken (t)."""
        take = min(tonnes, self.container.level)
        if take > 0:
            self.container.get(take)
            self._record()
        return take

    def claim_cargo(self, tonnes: float) -> simpy.Event:
        """Event that fires when ``tonnes`` of crude are reserved for one cargo."""
        return self.container.get(tonnes)

    def note_claimed(self, tonnes: float) -> None:
        """Book a granted claim: the crude is reserved but still in the tanks."""
        self.claimed_t += tonnes
        self._record()

    def release_claim(self, tonnes: float) -> None:
        """Crude of a claim has been pumped aboard."""
        self.claimed_t -= tonnes
        self._record()

    def receive_cargo(self, tonnes: float) -> simpy.Event:
        """Event that fires when ``tonnes`` fit in the tanks and have been put in."""
        return self.container.put(tonnes)

    def note_received(self) -> None:
        """Book a completed discharge."""
        self._record()

    def reset(self, now: float) -> None:
        """Start the measured period."""
        self.level.reset(now)

    def check_bounds(self) -> None:
        """Raise if the level left [0, capacity]."""
        physical = self.physical_t
        if physical < -1e-6 or physical > self.capacity_t + 1e-6 or self.claimed_t < -1e-6:
            raise SimulationInvariantError(f"{self.name}: level {physical:.1f} t outside "
                                           f"[0, {self.capacity_t:.1f}] t")

    def _record(self) -> None:
        self.level.update(self.env.now, self.physical_t)
