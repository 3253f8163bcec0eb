"""Scenario schema: every parameter of a run, with its unit, range, default and source.

The pydantic models are the single source of truth for scenario files
(``scenarios/*.toml``), for ``--set PATH=VALUE`` overrides, for the JSON Schema
(``python -m sim schema``) and for the generated scenario reference. Field names
carry their unit (``_t``, ``_t_per_day``, ``_hours``, ``_days``, ``_knots`` ...).
Inside the model, time is in hours. Sections live beside this module, one per
part of the chain; :class:`Scenario` assembles them.
"""

from __future__ import annotations

from pydantic import model_validator

from sim.errors import FieldRuleError
from sim.scenario.base import F, Section
from sim.scenario.fleet import Fleet
from sim.scenario.outages import Disruption
from sim.scenario.ports import Aktau, Baku, Weather
from sim.scenario.routes import Btc, RussianRoute, Supply
from sim.scenario.settings import (
    HeadlineSettings,
    InvestmentLevel,
    RunSettings,
    SweepParameter,
    SweepSettings,
)
from sim.units import HOURS_PER_YEAR, TONNES_PER_MT

__all__ = ["Aktau", "Baku", "Btc", "Disruption", "Fleet", "HeadlineSettings", "InvestmentLevel",
           "RunSettings", "RussianRoute", "Scenario", "Supply", "SweepParameter",
           "SweepSettings", "Weather"]


#: Most of a port's berth time (in service) other ships may take: above it their queue
#: grows without end and the port's capacity for Trans-Caspian crude is meaningless.
MAX_OTHER_TRAFFIC_BERTH_SHARE = 0.70


def _other_traffic_berth_share(port: Aktau | Baku, other_mt_per_year: float,
                               pump_t_per_hour: float) -> float:
    """Share of a port's in-service berth-hours that its other ships take (0-1)."""
    calls = other_mt_per_year * TONNES_PER_MT / port.other_traffic_cargo_t
    hours = calls * (port.berthing_hours + port.other_traffic_cargo_t / pump_t_per_hour)
    in_service = port.berths * HOURS_PER_YEAR * (1.0 - port.berth_outages.out_of_service_share)
    return hours / in_service


class Scenario(Section):
    """A complete scenario: the whole export chain and how to run it."""

    name: str = F("unnamed", "Short scenario name shown in outputs.", "Convention.",
                  min_length=1, max_length=200)
    description: str = F("", "What the scenario represents.", "Convention.", max_length=5000)
    run: RunSettings = F(RunSettings(), "Run length, replications and seed.", "Convention.")
    supply: Supply = F(Supply(), "Supply, nominations and diversion.", "sources §1.2, §5.2.")
    russian_route: RussianRoute = F(RussianRoute(), "The Russian route (CPC).",
                                    "sources §1.")
    aktau: Aktau = F(Aktau(), "Aktau port.", "sources §2.")
    fleet: Fleet = F(Fleet(), "The tanker fleet.", "sources §3.")
    baku: Baku = F(Baku(), "Baku-side terminal.", "sources §4.")
    btc: Btc = F(Btc(), "BTC intake.", "sources §5.")
    sweep: SweepSettings = F(SweepSettings(), "Default sweep study of this scenario.",
                             "Convention.")
    headline: HeadlineSettings = F(HeadlineSettings(), "The headline study of this scenario "
                                   "(`python -m sim headline`).", "Convention.")

    @model_validator(mode="after")
    def _chain_can_carry_nomination(self) -> Scenario:
        if self.fleet.tankers == 0 and self.supply.transcaspian_nomination_mt_per_year > 0:
            raise FieldRuleError("fleet.tankers", 0, "supply.transcaspian_nomination_mt_per_year "
                                 f"is {self.supply.transcaspian_nomination_mt_per_year}: a "
                                 "nomination needs at least one tanker")
        if self.fleet.cargo_t > self.aktau.storage_t:
            raise FieldRuleError("fleet.cargo_t", self.fleet.cargo_t,
                                 f"exceeds aktau.storage_t ({self.aktau.storage_t}): a cargo "
                                 "could never be assembled")
        if self.fleet.cargo_t > self.aktau.oil_capacity_burst_t:
            raise FieldRuleError("fleet.cargo_t", self.fleet.cargo_t,
                                 f"exceeds Aktau's reserve of "
                                 f"{self.aktau.oil_capacity_burst_t:,.0f} t (aktau."
                                 "oil_capacity_burst_days of capacity): a cargo could never be "
                                 "loaded")
        for name, port, other_mt, pump in (
                ("aktau", self.aktau, self.aktau.other_traffic_mt_per_year,
                 self.aktau.loading_rate_t_per_hour),
                ("baku", self.baku, self.baku.other_traffic_at_berths_mt_per_year,
                 self.baku.unloading_rate_t_per_hour)):
            share = _other_traffic_berth_share(port, other_mt, pump)
            if share > MAX_OTHER_TRAFFIC_BERTH_SHARE:
                raise FieldRuleError(f"{name}.other_traffic_mt_per_year",
                                     port.other_traffic_mt_per_year,
                                     f"other ships alone would take {share:.0%} of the "
                                     f"{name} berths' time in service; at most "
                                     f"{MAX_OTHER_TRAFFIC_BERTH_SHARE:.0%} leaves a queue that "
                                     "ever clears: add berths or lower the traffic")
        if self.fleet.cargo_t > self.baku.storage_t:
            raise FieldRuleError("fleet.cargo_t", self.fleet.cargo_t,
                                 f"exceeds baku.storage_t ({self.baku.storage_t}): a cargo "
                                 "could never be discharged")
        return self
