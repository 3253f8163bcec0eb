"""The BTC intake: drains the Baku receiving tanks within the Kazakh allowance, continuously.

The allowance accrues at ``allowance_mt_per_year``. While the tanks hold crude the
intake injects at the allowance rate, unless the physical intake
(``max_intake_t_per_day``, reduced by quality or contamination stops) is lower.
Only that shortfall, allowance lost to the BTC side, is banked, up to
``allowance_carryover_days`` of allowance; while the bank holds allowance the
intake runs at its full physical rate to catch up. Allowance unused because the
tanks ran dry is lost, and so is the bank: an empty tank farm means nothing was
waiting for the allowance. The bank starts empty with the measured period, so no
allowance is carried in from the warm-up and a year can never inject more than a
year's allowance.

Rates are constant between events; the flow network (:mod:`sim.model.flows`)
wakes at the instant the bank empties or the tanks run dry.

The tanks are well mixed (:mod:`sim.model.storage`): crude that was in the Baku
tanks when the run began did not cross the Caspian in the simulated period and
is not Trans-Caspian volume; diverted crude injected is the surge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.model.outages import DisruptedCapacity, OutageStats
from sim.model.storage import TOLERANCE_T, Lot
from sim.units import HOURS_PER_DAY


@dataclass(frozen=True)
class BtcStats:
    """What the BTC intake did since its last reset."""

    injected_t: float  # everything injected, opening stock included (t)
    transcaspian_t: float  # injected crude that crossed the Caspian (t)
    surge_t: float  # injected crude that had been diverted from the Russian route (t)
    allowed_t: float  # allowance accrued (t)
    outage: OutageStats  # the intake's stops


class BtcIntake:
    """The injection rate into BTC (t/h), the allowance bank (t) and what was injected (t)."""

    def __init__(self, intake: DisruptedCapacity, allowance_t_per_hour: float,
                 carryover_t: float) -> None:
        self.intake = intake
        self.allowance_t_per_hour = allowance_t_per_hour
        self.carryover_t = carryover_t
        self.banked_allowance_t = 0.0  # allowance lost to the BTC side, still to catch up
        self.injected_t = 0.0  # everything injected, opening stock included (t)
        self.transcaspian_t = 0.0  # injected crude that was not opening stock (t)
        self.surge_t = 0.0  # injected diverted crude (t)
        self._reset_at = 0.0
        self._at_reset = (0.0, 0.0, 0.0)
        self._allowed_before_t = 0.0  # allowance accrued before the last rate change (t)
        self._rate_since = 0.0  # when the allowance rate last changed, or the reset (h)

    def rate(self, stock_available: bool) -> float:
        """Injection rate now (t/h): the allowance, or the full intake while catching up."""
        if not stock_available:
            return 0.0
        physical = self.intake.rate_t_per_hour
        if self.banked_allowance_t > TOLERANCE_T:
            return physical
        return min(self.allowance_t_per_hour, physical)

    def hours_to_threshold(self, rate: float) -> float:
        """Hours until the bank is caught up at this injection rate (inf if never)."""
        catch_up = rate - self.allowance_t_per_hour
        if self.banked_allowance_t > TOLERANCE_T and catch_up > 0:
            return self.banked_allowance_t / catch_up
        return math.inf

    def advance(self, hours: float, rate: float, stock_available: bool, lot: Lot) -> None:
        """Book ``lot``, injected over ``hours`` at ``rate``, and move the bank."""
        self.injected_t += lot.tonnes
        self.transcaspian_t += lot.tonnes - lot.opening_t
        self.surge_t += lot.diverted_t
        if not stock_available:
            self.banked_allowance_t = 0.0
            return
        bank = self.banked_allowance_t + (self.allowance_t_per_hour - rate) * hours
        self.banked_allowance_t = min(self.carryover_t, max(0.0, bank))

    def set_allowance(self, now: float, allowance_t_per_hour: float,
                      carryover_days: float) -> None:
        """From ``now`` on the allowance accrues at a new rate (the flows advanced to ``now``)."""
        self._allowed_before_t += self.allowance_t_per_hour * (now - self._rate_since)
        self._rate_since = now
        self.allowance_t_per_hour = allowance_t_per_hour
        self.carryover_t = allowance_t_per_hour * carryover_days * HOURS_PER_DAY
        self.banked_allowance_t = min(self.banked_allowance_t, self.carryover_t)

    def allowed_t(self, now: float) -> float:
        """Allowance accrued since the last reset (t)."""
        return self._allowed_before_t + self.allowance_t_per_hour * (now - self._rate_since)

    def reset(self, now: float) -> None:
        """Start the measured period with an empty bank (the flows must be advanced to ``now``)."""
        self._reset_at = self._rate_since = now
        self._allowed_before_t = 0.0
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
                        allowed_t=self.allowed_t(now),
                        outage=outage.measure(now))
