"""The BTC intake: drains the Baku receiving tanks within the Kazakh allowance.

The allowance accrues at ``allowance_mt_per_year`` as a token bucket: what is not
used in one interval stays available, up to ``allowance_carryover_days`` of
allowance, so the intake can catch up after the tanks ran dry or after an outage.
The physical intake (``max_intake_t_per_day``) is reduced by the outage process
(quality or contamination stops). With no carry-over and a physical intake equal
to the allowance rate, allowance not used in an interval is simply lost.

Crude already in the Baku tanks at time 0 did not cross the Caspian in the
simulated period (crude in the Aktau tanks still has to). Injections retire that
opening stock first (oldest crude first), and only what comes after it counts as
Trans-Caspian volume.
"""

from __future__ import annotations

from sim.disruption import DisruptedCapacity
from sim.storage import TankFarm


class BtcIntake:
    """Moves crude from the Baku tanks into BTC, batch by batch."""

    def __init__(self, intake: DisruptedCapacity, allowance_t_per_hour: float,
                 carryover_t: float, baku_tanks: TankFarm, opening_stock_t: float) -> None:
        self.intake = intake
        self.allowance_t_per_hour = allowance_t_per_hour
        self.carryover_t = carryover_t
        self.baku_tanks = baku_tanks
        self.unused_allowance_t = 0.0
        self.injected_t = 0.0  # everything injected, opening stock included (t)
        self.transcaspian_t = 0.0  # injected beyond the opening stock (t)
        self.opening_stock_left_t = opening_stock_t

    def step(self, hours: float) -> None:
        """Inject what the allowance and the intake permitted over the last ``hours`` (t)."""
        physical = self.intake.take_available_t()
        allowance = self.unused_allowance_t + self.allowance_t_per_hour * hours
        injected = self.baku_tanks.withdraw(min(allowance, physical))
        self.injected_t += injected
        retired = min(injected, self.opening_stock_left_t)
        self.opening_stock_left_t -= retired
        self.transcaspian_t += injected - retired
        self.unused_allowance_t = min(self.carryover_t, allowance - injected)
