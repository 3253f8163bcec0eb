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
from sim.scenario.ranges import MAX_ENTRIES, Lever, Uncertainty
from sim.scenario.routes import Btc, RussianRoute, Supply
from sim.scenario.settings import RunSettings, SweepParameter, SweepSettings

__all__ = ["Aktau", "Baku", "Btc", "Disruption", "Fleet", "Lever", "RunSettings",
           "RussianRoute", "Scenario", "Supply", "SweepParameter", "SweepSettings",
           "Uncertainty", "Weather"]


class Scenario(Section):
    """A complete scenario: the whole export chain and how to run it."""

    name: str = F("unnamed", "Short scenario name shown in outputs.", "Convention.",
                  min_length=1, max_length=200)
    description: str = F("", "What the scenario represents.", "Convention.", max_length=5000)
    run: RunSettings = F(RunSettings(), "Run length, replications and seed.", "Convention.")
    supply: Supply = F(Supply(), "Supply and nominations.", "Reference §1, §6.")
    russian_route: RussianRoute = F(RussianRoute(), "The Russian route (CPC).",
                                    "Reference §1-2.")
    aktau: Aktau = F(Aktau(), "Aktau port.", "Reference §3.")
    fleet: Fleet = F(Fleet(), "The tanker fleet.", "Reference §4.")
    baku: Baku = F(Baku(), "Baku-side terminal.", "Reference §5.")
    btc: Btc = F(Btc(), "BTC intake.", "Reference §6.")
    sweep: SweepSettings = F(SweepSettings(), "Default sweep study of this scenario.",
                             "Convention.")
    uncertainty: dict[str, Uncertainty] = F(
        {}, "Plausible ranges of estimates, keyed by dotted field path (`sensitivity`, "
        "`explore`).", "Convention; ranges from docs/sources.md §7.", max_length=MAX_ENTRIES)
    levers: dict[str, Lever] = F({}, "Fields a planner decides, keyed by dotted field path, "
                                 "with the settings to explore (`explore`).", "Convention.",
                                 max_length=MAX_ENTRIES)

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
        if self.fleet.cargo_t > self.baku.storage_t:
            raise FieldRuleError("fleet.cargo_t", self.fleet.cargo_t,
                                 f"exceeds baku.storage_t ({self.baku.storage_t}): a cargo "
                                 "could never be discharged")
        return self
