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

from dataclasses import dataclass

from sim.model.outages import DisruptedCapacity, OutageStats
from sim.model.storage import TankFarm


@dataclass(frozen=True)
class BtcStats:
    """What the BTC intake did since its last reset."""

    injected_t: float  # everything injected, opening stock included (t)
    transcaspian_t: float  # injected crude that crossed the Caspian (t)
    allowed_t: float  # allowance accrued (t)
    outage: OutageStats  # the intake's stops


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
        self._reset_at = 0.0
        self._injected_at_reset_t = 0.0
        self._transcaspian_at_reset_t = 0.0

    def reset(self, now: float) -> None:
        """Start the measured period; call it right after a :meth:`step` up to ``now``."""
        self._reset_at = now
        self._injected_at_reset_t = self.injected_t
        self._transcaspian_at_reset_t = self.transcaspian_t
        self.intake.reset(now)

    def measure(self, now: float) -> BtcStats:
        """Injections, accrued allowance and stops since the last reset."""
        (outage,) = self.intake.outages
        return BtcStats(injected_t=self.injected_t - self._injected_at_reset_t,
                        transcaspian_t=self.transcaspian_t - self._transcaspian_at_reset_t,
                        allowed_t=self.allowance_t_per_hour * (now - self._reset_at),
                        outage=outage.measure(now))

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
