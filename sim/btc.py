"""The BTC intake: drains the Baku receiving tanks up to the Kazakh allowance.

The allowance is a rate (``allowance_mt_per_year`` spread evenly over the year);
an outage process (quality or contamination stops) removes all or part of it.
Allowance not used in an interval (tanks empty) is not banked.
"""

from __future__ import annotations

from sim.disruption import DisruptedCapacity
from sim.storage import TankFarm


class BtcIntake:
    """Moves crude from the Baku tanks into BTC, batch by batch."""

    def __init__(self, capacity: DisruptedCapacity, baku_tanks: TankFarm) -> None:
        self.capacity = capacity
        self.baku_tanks = baku_tanks
        self.injected_t = 0.0
        self.allowed_t = 0.0

    def step(self) -> None:
        """Inject what the allowance permitted since the previous step (t)."""
        allowed = self.capacity.take_available_t()
        self.allowed_t += allowed
        self.injected_t += self.baku_tanks.withdraw(allowed)
