"""The two ports in the scenario: Aktau (feeder, tanks, oil berths) and the Baku-side terminal."""

from __future__ import annotations

import math

from pydantic import model_validator

from sim.errors import FieldRuleError
from sim.scenario.base import F, Section

#: Monthly Aktau weather-closure days (Jan..Dec), reference "Suggested defaults".
DEFAULT_CLOSURE_DAYS_PER_MONTH = (4.0, 4.0, 3.0, 2.0, 1.5, 1.0, 1.0, 1.0, 1.5, 2.0, 3.0, 4.0)


class Weather(Section):
    """Storm closures of a port and of departures from it, by calendar month."""

    enabled: bool = F(True, "Whether storms close the port.", "Reference §3 weather rows.")
    closure_days_per_month: tuple[float, ...] = F(
        DEFAULT_CLOSURE_DAYS_PER_MONTH, "Expected closed days in each month, January first "
        "(12 values).", "Reference defaults: ~28 d/yr, winter-heavy (ESTIMATE).",
        min_length=12, max_length=12)
    median_closure_days: float = F(1.5, "Median duration of one closure (days, lognormal).",
                                   "Reference defaults: lognormal median 1.5 d.", gt=0, le=30)
    closure_sigma_log: float = F(0.6, "Log-space standard deviation of closure durations.",
                                 "ESTIMATE: closures of 1-7 d.", ge=0, le=3)

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


class Aktau(Section):
    """Feeder pipeline into Aktau, its tank farm and its oil berths."""

    feeder_capacity_t_per_day: float = F(20_500.0, "Feeder (pipeline and rail) capacity into "
                                         "the Aktau tank farm (t/day).", "Reference §3: port "
                                         "oil capacity 7.5 Mt/yr.", ge=0, le=1e7)
    storage_t: float = F(150_000.0, "Aktau tank-farm capacity for Trans-Caspian crude (t).",
                         "Reference defaults: 150 kt (ESTIMATE).", gt=0, le=1e9)
    initial_level_fraction: float = F(0.5, "Tank level at the start, as a share of storage_t.",
                                      "Convention.", ge=0, le=1)
    berths: int = F(3, "Oil berths shared by Trans-Caspian tankers and other traffic.",
                    "Reference §3: berths 4, 5, 8.", ge=1, le=100)
    loading_rate_t_per_hour: float = F(450.0, "Pumping rate while loading (t/h).",
                                       "Reference defaults: 450 t/h (ESTIMATE on 'nearly a "
                                       "whole day').", gt=0, le=1e5)
    berthing_hours: float = F(4.0, "Berthing, documents and unberthing per call (h).",
                              "Reference defaults: 4 h (ESTIMATE).", ge=0, le=240)
    other_traffic_mt_per_year: float = F(1.8, "Other crude cargoes loaded at the same berths "
                                         "(Makhachkala and elsewhere), Mt/yr.",
                                         "Reference §8: 1.6-2.0 Mt/yr to Makhachkala.",
                                         ge=0, le=100)
    other_traffic_cargo_t: float = F(8_000.0, "Cargo size of other-traffic calls (t).",
                                     "Reference §4: Caspian tankers 6-10 kt per cargo.",
                                     gt=0, le=1e6)
    weather: Weather = F(Weather(), "Storm closures at Aktau.", "Reference §3.")


class Baku(Section):
    """Baku-area (Sangachal) discharge berths and the receiving tank farm."""

    berths: int = F(2, "Discharge berths for Kazakh crude.", "ESTIMATE: 2 berths match the "
                    "8 Mt/yr SOCAR Sangachal transshipment capacity (reference §5); one berth "
                    "would cap discharge near 4.6 Mt/yr.", ge=1, le=100)
    unloading_rate_t_per_hour: float = F(700.0, "Discharge pumping rate (t/h).",
                                         "Reference defaults: 700 t/h (ESTIMATE).",
                                         gt=0, le=1e5)
    berthing_hours: float = F(4.0, "Berthing, documents and unberthing per call (h).",
                              "Reference defaults: 4 h (ESTIMATE).", ge=0, le=240)
    storage_t: float = F(100_000.0, "Receiving tankage for Kazakh crude (t).",
                         "Reference defaults: 100 kt (ESTIMATE; SOCAR tank farm 320 kt "
                         "shared).", gt=0, le=1e9)
    initial_level_fraction: float = F(0.2, "Tank level at the start, as a share of storage_t.",
                                      "Convention.", ge=0, le=1)
    weather: Weather = F(Weather(), "Storm closures at Baku.",
                         "ESTIMATE: same climatology as Aktau.")
