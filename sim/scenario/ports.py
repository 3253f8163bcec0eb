"""The two ports in the scenario: Aktau (feeder, tanks, oil berths) and the Baku-side terminal.

Both ports share their capacity with other crude: Aktau's stated oil-handling
capacity and its oil berths serve cargoes to Makhachkala too; the Baku-side
discharge berths serve Turkmen and other third-party crude. Each port's berths
also go out of service for maintenance and breakdowns (:class:`BerthOutages`).
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import model_validator

from sim.errors import FieldRuleError
from sim.scenario.base import F, Section
from sim.units import DAYS_PER_YEAR, HOURS_PER_DAY, mt_per_year_to_t_per_hour

#: Monthly weather-closure days (Jan..Dec), sources §7.6.
DEFAULT_CLOSURE_DAYS_PER_MONTH = (4.0, 4.0, 3.0, 2.0, 1.5, 1.0, 1.0, 1.0, 1.5, 2.0, 3.0, 4.0)


class Weather(Section):
    """Storm closures of a port and of departures from it, by calendar month."""

    enabled: bool = F(True, "Whether storms close the port.", "sources §2.7, §7.6.")
    closure_days_per_month: tuple[float, ...] = F(
        DEFAULT_CLOSURE_DAYS_PER_MONTH, "Expected closed days in each month, January first "
        "(12 values).", "sources §7.6: ~28 d/yr, winter-heavy (ESTIMATE).",
        min_length=12, max_length=12)
    median_closure_days: float = F(1.5, "Median duration of one closure (days, lognormal).",
                                   "sources §7.6: lognormal median 1.5 d (ESTIMATE).", gt=0,
                                   le=30)
    closure_sigma_log: float = F(0.6, "Log-space standard deviation of closure durations.",
                                 "sources §7.6: closures of 1-7 d (ESTIMATE).", ge=0, le=3)

    @model_validator(mode="after")
    def _days_fit_months(self) -> Weather:
        for month, days in enumerate(self.closure_days_per_month):
            if not 0 <= days <= 28:
                raise FieldRuleError(f"closure_days_per_month.{month}", days,
                                     "must be between 0 and 28 days (the shortest month)")
        return self

    @property
    def mean_closure_days(self) -> float:
        """Mean closure duration of the lognormal (days)."""
        return self.median_closure_days * math.exp(0.5 * self.closure_sigma_log**2)


class BerthOutages(Section):
    """Each berth's planned maintenance and breakdowns: a berth out of service takes no ship.

    Per berth, maintenance blocks and breakdowns start as Poisson processes and
    last a lognormal time (sigma_log 0.5); an outage takes the berth as soon as
    the ship at it leaves, before any waiting ship.
    """

    maintenance_per_year: float = F(1.0, "Maintenance blocks per berth per year.",
                                    "sources §7.14 (ESTIMATE).", ge=0, le=52)
    maintenance_days: float = F(7.0, "Mean length of a maintenance block (days).",
                                "sources §7.14 (ESTIMATE).", gt=0, le=180)
    breakdowns_per_year: float = F(2.0, "Breakdowns per berth per year.",
                                   "sources §7.14 (ESTIMATE).", ge=0, le=52)
    breakdown_days: float = F(1.0, "Mean length of a breakdown (days).",
                              "sources §7.14 (ESTIMATE).", gt=0, le=90)

    @property
    def out_of_service_share(self) -> float:
        """Long-run share of a berth's time out of service (0-1)."""
        busy_days = (self.maintenance_per_year * self.maintenance_days
                     + self.breakdowns_per_year * self.breakdown_days)
        return busy_days / (DAYS_PER_YEAR + busy_days)


NO_BERTH_OUTAGES = BerthOutages(maintenance_per_year=0.0, breakdowns_per_year=0.0)


class Aktau(Section):
    """Feeder into Aktau, its tank farm and its oil berths, shared with other crude."""

    feeder_capacity_t_per_day: float = F(
        33_400.0, "Pipeline and rail capacity that brings Trans-Caspian crude into the Aktau "
        "tank farm (t/day), after the other crude loaded at Aktau.",
        "sources §2.6, §7.18: rail ~10.1 + Buzachi pipeline ~4.2 Mt/yr less ~2 Mt/yr for "
        "Makhachkala (ESTIMATE that the 2007 figures hold).", ge=0, le=1e7)
    oil_capacity_mt_per_year: float = F(
        7.5, "Oil-handling capacity of the port for ALL oil loaded, Trans-Caspian and other "
        "crude alike (Mt/yr); every loading draws on it.", "sources §2.1: 7.5 Mt/yr through "
        "berths 4, 5 and 8.", gt=0, le=1_000)
    oil_capacity_burst_days: float = F(
        2.0, "How far ahead of its average rate the port may load: a reserve of this many days "
        "of oil capacity (days).", "sources §7.16 (ESTIMATE).", gt=0, le=60)
    storage_t: float = F(150_000.0, "Aktau tank-farm capacity for Trans-Caspian crude (t).",
                         "sources §7.1 (ESTIMATE).", gt=0, le=1e9)
    initial_level_fraction: float = F(0.5, "Tank level at the start, as a share of storage_t.",
                                      "Convention.", ge=0, le=1)
    berths: int = F(3, "Oil berths shared by Trans-Caspian tankers and other crude.",
                    "sources §2.1: berths 4, 5 and 8.", ge=1, le=100)
    loading_rate_t_per_hour: float = F(450.0, "Pumping rate while loading (t/h).",
                                       "sources §2.5, §7.2 (ESTIMATE).", gt=0, le=1e5)
    berthing_hours: float = F(4.0, "Berthing, documents and unberthing per call (h).",
                              "sources §7.2 (ESTIMATE).", ge=0, le=240)
    other_traffic_mt_per_year: float = F(1.9, "Other crude loaded at the same berths "
                                         "(Makhachkala and elsewhere), Mt/yr.",
                                         "sources §2.4: 1.984 Mt in 2023, ~1.9 Mt/yr in 2024.",
                                         ge=0, le=100)
    other_traffic_cargo_t: float = F(8_000.0, "Cargo size of other-traffic calls (t).",
                                     "sources §2.4, §3.3: Caspian cargoes of 6-10 kt.",
                                     gt=0, le=1e6)
    berth_outages: BerthOutages = F(BerthOutages(), "Maintenance and breakdowns of the oil "
                                    "berths.", "sources §7.14 (ESTIMATE).")
    weather: Weather = F(Weather(), "Storm closures at Aktau.", "sources §2.7, §7.6.")

    @property
    def oil_capacity_t_per_hour(self) -> float:
        """The port's oil capacity as an average rate (t/h)."""
        return mt_per_year_to_t_per_hour(self.oil_capacity_mt_per_year)

    @property
    def oil_capacity_burst_t(self) -> float:
        """The reserve of oil capacity the port may load ahead of its average rate (t)."""
        return self.oil_capacity_t_per_hour * HOURS_PER_DAY * self.oil_capacity_burst_days

    @model_validator(mode="after")
    def _capacity_covers_its_traffic(self) -> Aktau:
        """Other crude may not take all of Aktau's oil capacity; its cargo must fit the reserve."""
        if self.other_traffic_mt_per_year >= self.oil_capacity_mt_per_year:
            raise FieldRuleError("other_traffic_mt_per_year", self.other_traffic_mt_per_year,
                                 "must be below oil_capacity_mt_per_year "
                                 f"({self.oil_capacity_mt_per_year}), which it shares")
        if self.other_traffic_cargo_t > self.oil_capacity_burst_t:
            raise FieldRuleError("other_traffic_cargo_t", self.other_traffic_cargo_t,
                                 f"exceeds the port's reserve of {self.oil_capacity_burst_t:,.0f} "
                                 "t (oil_capacity_burst_days of capacity); raise the reserve")
        return self


BerthPriority = Literal["first_come_first_served", "kazakh_first", "third_party_first"]


class Baku(Section):
    """Baku-area (Sangachal) discharge berths, shared with third-party crude, and Kazakh tanks."""

    berths: int = F(2, "Discharge berths Kazakh tankers can use.", "sources §4.1, §7.3 "
                    "(ESTIMATE).", ge=1, le=100)
    unloading_rate_t_per_hour: float = F(700.0, "Discharge pumping rate (t/h).",
                                         "sources §7.4 (ESTIMATE).", gt=0, le=1e5)
    berthing_hours: float = F(4.0, "Berthing, documents and unberthing per call (h).",
                              "sources §7.4 (ESTIMATE).", ge=0, le=240)
    storage_t: float = F(100_000.0, "Receiving tankage for Kazakh crude (t).",
                         "sources §4.1, §7.5 (ESTIMATE).", gt=0, le=1e9)
    initial_level_fraction: float = F(0.2, "Tank level at the start, as a share of storage_t.",
                                      "Convention.", ge=0, le=1)
    other_traffic_mt_per_year: float = F(
        4.0, "Third-party crude (Turkmen and other) discharged at Baku-area terminals for BTC "
        "(Mt/yr).", "sources §4.2: 5.24 Mt Kazakh + Turkmen transit in 2023, less ~1.2 Mt "
        "Kazakh.", ge=0, le=100)
    other_traffic_share_at_berths: float = F(
        0.5, "Share of that third-party crude discharged at the same berths as Kazakh crude.",
        "sources §7.13 (ESTIMATE).", ge=0, le=1)
    other_traffic_cargo_t: float = F(8_000.0, "Cargo size of third-party calls (t).",
                                     "sources §3.3, §7.13.", gt=0, le=1e6)
    berth_priority: BerthPriority = F(
        "first_come_first_served", "Which ships take a free berth first: in order of arrival, "
        "Kazakh tankers first, or third-party tankers first.", "sources §7.13 (ESTIMATE).")
    berth_outages: BerthOutages = F(BerthOutages(), "Maintenance and breakdowns of the "
                                    "discharge berths.", "sources §7.14 (ESTIMATE).")
    weather: Weather = F(Weather(), "Storm closures at Baku.",
                         "sources §7.6: same climatology as Aktau (ESTIMATE).")

    @property
    def other_traffic_at_berths_mt_per_year(self) -> float:
        """Third-party crude discharged at the berths Kazakh tankers use (Mt/yr)."""
        return self.other_traffic_mt_per_year * self.other_traffic_share_at_berths
