"""The BTC intake: drains the Baku receiving tanks within the Kazakh allowance.

The allowance accrues at ``allowance_mt_per_year``. In each interval the intake
would take what the allowance permits and the tanks hold; the physical intake
(``max_intake_t_per_day``, reduced by quality or contamination stops) may take
less. Only that shortfall, allowance lost to the BTC side, is banked and may be
caught up later, up to ``allowance_carryover_days`` of allowance; allowance
unused because the tanks ran dry is lost. The bank starts empty with the
measured period, so no allowance is carried in from the warm-up and a year can
never inject more than a year's allowance.

The tanks are well mixed (:mod:`sim.model.storage`): crude that was in the Baku
tanks when the run began did not cross the Caspian in the simulated period and
is not Trans-Caspian volume; diverted crude injected is the surge.
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
    surge_t: float  # injected crude that had been diverted from the Russian route (t)
    allowed_t: float  # allowance accrued (t)
    outage: OutageStats  # the intake's stops


class BtcIntake:
    """Moves crude from the Baku tanks into BTC, batch by batch."""

    def __init__(self, intake: DisruptedCapacity, allowance_t_per_hour: float,
                 carryover_t: float, baku_tanks: TankFarm) -> None:
        self.intake = intake
        self.allowance_t_per_hour = allowance_t_per_hour
        self.carryover_t = carryover_t
        self.baku_tanks = baku_tanks
        self.banked_allowance_t = 0.0  # allowance lost to the BTC side, still to catch up
        self.injected_t = 0.0  # everything injected, opening stock included (t)
        self.transcaspian_t = 0.0  # injected crude that was not opening stock (t)
        self.surge_t = 0.0  # injected diverted crude (t)
        self._reset_at = 0.0
        self._at_reset = (0.0, 0.0, 0.0)

    def reset(self, now: float) -> None:
        """Start the measured period (with an empty bank); call it right after a :meth:`step`."""
        self._reset_at = now
        self._at_reset = (self.injected_t, self.transcaspian_t, self.surge_t)
        self.banked_allowance_t = 0.0
        self.intake.reset(now)

    def measure(self, now: float) -> BtcStats:
        """Injections, accrued allowance and stops since the last reset."""
        (outage,) = self.intake.outages
        injected, transcaspian, surge = self._at_reset
        return BtcStats(injected_t=self.injected_t - injected,
                        transcaspian_t=self.transcaspian_t - transcaspian,
                        surge_t=self.surge_t - surge,
                        allowed_t=self.allowance_t_per_hour * (now - self._reset_at),
                        outage=outage.measure(now))

    def step(self, hours: float) -> None:
        """Inject what the allowance, the tanks and the intake permitted over ``hours``."""
        physical = self.intake.take_available_t()
        allowance = self.banked_allowance_t + self.allowance_t_per_hour * hours
        wanted = min(allowance, self.baku_tanks.free_t)
        lot = self.baku_tanks.withdraw(min(wanted, physical))
        self.injected_t += lot.tonnes
        self.transcaspian_t += lot.tonnes - lot.opening_t
        self.surge_t += lot.diverted_t
        self.banked_allowance_t = min(self.carryover_t, wanted - lot.tonnes)
