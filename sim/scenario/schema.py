"""Scenario schema: every parameter of a run, with its unit, range, default and source.

The pydantic models are the single source of truth for scenario files
(``scenarios/*.toml``), for ``--set PATH=VALUE`` overrides, for the JSON Schema
(``python -m sim schema``) and for the generated scenario reference. Field names
carry their unit (``_t``, ``_t_per_day``, ``_hours``, ``_days``, ``_knots`` ...).
Inside the model, time is in hours. Sections live beside this module, one per
part of the chain; :class:`Scenario` assembles them.
"""

from __future__ import annotations

import datetime as dt

from pydantic import model_validator

from sim.errors import FieldRuleError
from sim.scenario.base import F, Section
from sim.scenario.events import DatedEvent, check_events
from sim.scenario.fleet import Fleet, TankerClass
from sim.scenario.outages import Disruption
from sim.scenario.ports import Aktau, Baku, Weather
from sim.scenario.ranges import MAX_ENTRIES, Lever, Uncertainty
from sim.scenario.routes import Btc, RussianRoute, Supply
from sim.scenario.settings import (
    HeadlineSettings,
    InvestmentLevel,
    RunSettings,
    SweepParameter,
    SweepSettings,
)
from sim.units import HOURS_PER_YEAR, TONNES_PER_MT

__all__ = ["Aktau", "Baku", "Btc", "DatedEvent", "Disruption", "Fleet", "HeadlineSettings",
           "InvestmentLevel", "Lever", "RunSettings", "RussianRoute", "Scenario", "Supply",
           "SweepParameter", "SweepSettings", "TankerClass", "Uncertainty", "Weather"]


#: Most of a port's berth time (in service) other ships may take: above it their queue
#: grows without end and the port's capacity for Trans-Caspian crude is meaningless.
MAX_OTHER_TRAFFIC_BERTH_SHARE = 0.70


def _other_traffic_berth_share(port: Aktau | Baku) -> float:
    """Share of a port's in-service berth-hours that its other ships take (0-1)."""
    if isinstance(port, Aktau):
        other_mt, pump = port.other_traffic_mt_per_year, port.loading_rate_t_per_hour
    else:
        other_mt, pump = port.other_traffic_at_berths_mt_per_year, port.unloading_rate_t_per_hour
    calls = other_mt * TONNES_PER_MT / port.other_traffic_cargo_t
    hours = calls * (port.berthing_hours + port.other_traffic_cargo_t / pump)
    in_service = port.berths * HOURS_PER_YEAR * (1.0 - port.berth_outages.out_of_service_share)
    return hours / in_service


#: Fields that set a port's other-traffic berth share, the likeliest culprit first.
BERTH_SHARE_FIELDS = ("other_traffic_cargo_t", "loading_rate_t_per_hour",
                      "unloading_rate_t_per_hour", "berthing_hours", "berths",
                      "other_traffic_share_at_berths", "other_traffic_mt_per_year")


def _berth_share_culprit(port: Aktau | Baku) -> str:
    """The field whose default value would bring the berth share within the limit."""
    default = type(port)()
    for name in BERTH_SHARE_FIELDS:
        if name not in type(port).model_fields:
            continue
        fixed = port.model_copy(update={name: getattr(default, name)})
        if _other_traffic_berth_share(fixed) <= MAX_OTHER_TRAFFIC_BERTH_SHARE:
            return name
    return "other_traffic_mt_per_year"


def _share_text(share: float) -> str:
    """A share for a message: ``85%``, or ``3.2e+06 times`` when absurd."""
    return f"{share:.0%}" if share < 10 else f"{share:.2g} times"


#: Placeholder end for the check of events when there is no calendar (they are refused).
_NO_CALENDAR_END = dt.date(1, 1, 1)


def _cargo_path(fleet: Fleet) -> str:
    """The field that sets the largest cargo: ``fleet.cargo_t`` or ``fleet.classes.I.cargo_t``."""
    if not fleet.classes:
        return "fleet.cargo_t"
    sizes = [c.cargo_t for c in fleet.classes]
    return f"fleet.classes.{sizes.index(max(sizes))}.cargo_t"


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
    uncertainty: dict[str, Uncertainty] = F(
        {}, "Plausible ranges of estimates, keyed by dotted field path (`sensitivity`, "
        "`explore`).", "Convention; ranges from docs/sources.md §7.", max_length=MAX_ENTRIES)
    events: tuple[DatedEvent, ...] = F(
        (), "Dated events: outages of a resource and changes of a field from a date on "
        "(needs run.start_date); see docs/scenarios.md, Plans over time.", "Convention: each "
        "event names its source in a comment.", max_length=200)
    levers: dict[str, Lever] = F({}, "Fields a planner decides, keyed by dotted field path, "
                                 "with the settings to explore (`explore`).", "Convention.",
                                 max_length=MAX_ENTRIES)

    @model_validator(mode="after")
    def _events_fit_the_calendar(self) -> Scenario:
        """Dated events and tanker-class dates inside the measured period, values valid."""
        end = self.run.end_date
        check_events(self.events, self.run.start_date, end or self.run.start_date or
                     _NO_CALENDAR_END, {"aktau": self.aktau, "baku": self.baku,
                                        "btc": self.btc, "supply": self.supply,
                                        "russian_route": self.russian_route,
                                        "fleet": self.fleet})
        for i, ship_class in enumerate(self.fleet.classes):
            for name in ("in_service", "out_of_service"):
                day = getattr(ship_class, name)
                if day is None:
                    continue
                if self.run.start_date is None:
                    raise FieldRuleError(f"fleet.classes.{i}.{name}", day.isoformat(),
                                         "a tanker class's dates need run.start_date")
                assert end is not None
                if not self.run.start_date <= day < end:
                    raise FieldRuleError(f"fleet.classes.{i}.{name}", day.isoformat(),
                                         f"outside the measured period {self.run.start_date} "
                                         f"to {end} (exclusive)")
        return self

    @model_validator(mode="after")
    def _chain_can_carry_nomination(self) -> Scenario:
        if self.fleet.tankers == 0 and self.supply.transcaspian_nomination_mt_per_year > 0:
            raise FieldRuleError("fleet.tankers", 0, "supply.transcaspian_nomination_mt_per_year "
                                 f"is {self.supply.transcaspian_nomination_mt_per_year}: a "
                                 "nomination needs at least one tanker")
        cargo = self.fleet.largest_cargo_t
        if cargo > self.aktau.storage_t:
            raise FieldRuleError(_cargo_path(self.fleet), cargo,
                                 f"exceeds aktau.storage_t ({self.aktau.storage_t}): a cargo "
                                 "could never be assembled")
        if cargo > self.aktau.oil_capacity_burst_t:
            raise FieldRuleError(_cargo_path(self.fleet), cargo,
                                 f"exceeds Aktau's reserve of "
                                 f"{self.aktau.oil_capacity_burst_t:,.0f} t (aktau."
                                 "oil_capacity_burst_days of capacity): a cargo could never be "
                                 "loaded")
        for name, port in (("aktau", self.aktau), ("baku", self.baku)):
            share = _other_traffic_berth_share(port)
            if share > MAX_OTHER_TRAFFIC_BERTH_SHARE:
                field = _berth_share_culprit(port)
                raise FieldRuleError(f"{name}.{field}", getattr(port, field),
                                     f"other ships alone would take {_share_text(share)} of "
                                     f"the {name} berths' time in service; at most "
                                     f"{MAX_OTHER_TRAFFIC_BERTH_SHARE:.0%} leaves a queue that "
                                     "ever clears: add berths, lower the traffic or make its "
                                     "calls shorter")
        if cargo > self.baku.storage_t:
            raise FieldRuleError(_cargo_path(self.fleet), cargo,
                                 f"exceeds baku.storage_t ({self.baku.storage_t}): a cargo "
                                 "could never be discharged")
        return self
