"""How a scenario is run and studied: horizon, replications, seed, default sweep, headline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import model_validator

from sim.errors import FieldRuleError
from sim.scenario.base import F, Section
from sim.scenario.dates import Date, add_years, days_between
from sim.units import DAYS_PER_YEAR

#: Most simulated years (replications x (warm-up + horizon)) one run may ask for. The
#: base chain costs about 0.02 s of CPU per simulated year, so this is ~6 core-hours;
#: beyond it a typo (an extra zero or two) is far likelier than a real study.
MAX_SIMULATED_YEARS_PER_RUN = 1_000_000

class RunSettings(Section):
    """How long to simulate, how often, and from which seed."""

    horizon_days: float = F(365.0, "Length of the measured period after warm-up (days).",
                            "Convention: one simulated year.", gt=0, le=36_500)
    warmup_days: float = F(30.0, "Simulated time discarded before measuring (days); "
                           "lets tanks and queues leave their initial state.",
                           "Convention: a few tanker cycles.", ge=0, le=3_650)
    replications: int = F(100, "Independent replications per run.", "Convention.",
                          ge=1, le=100_000)
    seed: int = F(20_231_122, "Root seed; replication k uses SeedSequence(seed, spawn_key=(k, "
                  "source)).", "Convention (the KMG-SOCAR agreement date).", ge=0,
                  le=2**63 - 1)
    start_date: Date | None = F(
        None, "Calendar day the measured period begins (ISO date); the warm-up runs the days "
        "before it. Weather follows the calendar months, dated events and tanker classes' "
        "dates are placed on it, and results are also split by calendar year. None: no "
        "calendar (simulated time 0 is 1 January, as before).", "Convention.")
    horizon_years: int | None = F(
        None, "Measured period in whole calendar years from start_date (sets horizon_days: "
        "leap days counted); none: horizon_days as given.", "Convention.", ge=1, le=100)
    results_by_month: bool = F(
        False, "With start_date: split the results by calendar month instead of by calendar "
        "year (years.parquet then has a `month` column; rates stay per 365 days).",
        "Convention.")
    compare_without_diversion: bool = F(
        True, "Also run each replication with diversion off (the same random numbers) to "
        "report the extra Trans-Caspian volume and the shut-in that diversion avoided; "
        "doubles the cost when diversion is on.", "Convention.")

    @model_validator(mode="before")
    @classmethod
    def _horizon_from_years(cls, data: Any) -> Any:
        """``horizon_years`` sets ``horizon_days`` (days from start_date, or 365 a year)."""
        if not isinstance(data, dict) or data.get("horizon_years") is None:
            return data
        years, start = data["horizon_years"], data.get("start_date")
        if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= 100:
            return data  # the field's own validation reports it
        if isinstance(start, str):
            try:
                start = dt.date.fromisoformat(start)
            except ValueError:
                return data
        days = (float(days_between(start, add_years(start, years)))
                if isinstance(start, dt.date) else years * DAYS_PER_YEAR)
        return {**data, "horizon_days": days}

    @property
    def end_date(self) -> dt.date | None:
        """The day after the measured period (None without a calendar)."""
        if self.start_date is None:
            return None
        return self.start_date + dt.timedelta(days=self.horizon_days)

    @model_validator(mode="after")
    def _run_size_is_sane(self) -> RunSettings:
        """Refuse a run of more than MAX_SIMULATED_YEARS_PER_RUN simulated years."""
        years = self.replications * (self.warmup_days + self.horizon_days) / DAYS_PER_YEAR
        if years > MAX_SIMULATED_YEARS_PER_RUN:
            raise FieldRuleError(
                "replications", self.replications,
                f"replications x (warmup_days + horizon_days) is {years:,.0f} simulated years; "
                f"a run may simulate at most {MAX_SIMULATED_YEARS_PER_RUN:,} (about 0.02 s of "
                "CPU each, ~6 core-hours): use fewer replications or a shorter horizon")
        return self


SweepValue = bool | int | float | str


class SweepParameter(Section):
    """One swept field: its dotted path and the values it takes."""

    path: str = F("russian_route.disruption.probability", "Dotted path of the swept field.",
                  "Convention.", min_length=1)
    values: tuple[SweepValue, ...] = F((), "Values of the field, in plotting order.",
                                       "Convention.", min_length=1, max_length=1000)


class SweepSettings(Section):
    """The study ``python -m sim sweep SCENARIO`` runs when no --param is given."""

    parameters: tuple[SweepParameter, ...] = F((), "One or two swept fields (a grid).",
                                               "Convention.", max_length=2)
    replications: int = F(200, "Replications per point (fixed-count mode).", "Convention.",
                          ge=1, le=100_000)
    precision_mt_per_year: float | None = F(None, "If set, add replications per point until "
                                            "the 95% half-width of the Trans-Caspian mean is at "
                                            "most this (Mt/yr).", "Convention.", gt=0)
    min_replications: int = F(20, "Fewest replications per point in precision mode.",
                              "Convention.", ge=2, le=100_000)
    max_replications: int = F(2000, "Most replications per point in precision mode.",
                              "Convention.", ge=2, le=100_000)

    @model_validator(mode="after")
    def _bounds(self) -> SweepSettings:
        if self.min_replications > self.max_replications:
            raise FieldRuleError("min_replications", self.min_replications,
                                 f"must not exceed max_replications ({self.max_replications})")
        return self


class InvestmentLevel(Section):
    """One investment level: a name, the changes it makes, and why it is on the list."""

    name: str = F("today", "Short name shown in the figure and tables.", "Convention.",
                  min_length=1, max_length=80)
    changes: tuple[str, ...] = F((), "Changes to the scenario, each PATH=VALUE as for --set "
                                 "(empty: the scenario as it is).", "Convention.",
                                 max_length=50)
    source: str = F("", "Where the level comes from (a sources § citation).", "Convention.",
                    max_length=500)


class HeadlineSettings(Section):
    """The study ``python -m sim headline SCENARIO`` runs (the README's main job)."""

    levels: tuple[InvestmentLevel, ...] = F((InvestmentLevel(),), "Investment levels, in the "
                                            "order shown.", "Convention.", min_length=1,
                                            max_length=12)
    capacity_replications: int = F(100, "Replications per level in panel A.", "Convention.",
                                   ge=2, le=100_000)
    capacity_nomination_mt_per_year: float = F(
        15.0, "Nomination and BTC allowance in panel A, above what any level can carry "
        "(Mt/yr).", "Convention.", gt=0, le=100)
    surge_replications: int = F(40, "Replications per level and p in panel B (each paired "
                                "with its run without diversion).", "Convention.", ge=2,
                                le=100_000)
    surge_probabilities: tuple[float, ...] = F(
        (0.0, 0.1, 0.18, 0.3, 0.45), "Russian-route disruption probabilities of panel B.",
        "Convention: from calm to a crisis year (sources §1.3).", min_length=2, max_length=50)
    surge_nomination_mt_per_year: float = F(
        2.2, "Trans-Caspian nomination in panel B: today's contract (Mt/yr).",
        "sources §5.2: agreement 2 and the SOCAR ceiling of 2.2 Mt/yr.", ge=0, le=100)
    surge_max_extra_mt_per_year: float = F(
        20.0, "Most extra crude shippers divert in panel B (Mt/yr): high, so that the chain, "
        "not the shippers' policy, limits the surge.", "Convention.", ge=0, le=100)
    surge_allowance_mt_per_year: float = F(
        12.0, "BTC allowance in panel B: room for the surge, as if BTC accepted it (Mt/yr).",
        "sources §5.1: BTC has ~20 Mt/yr spare (the allowance is an assumption).", gt=0,
        le=60)
