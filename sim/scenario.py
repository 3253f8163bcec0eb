"""Scenario schema: every parameter of a run, with its unit, range, default and source.

The pydantic models below are the single source of truth for scenario files
(``scenarios/*.toml``), for ``--set PATH=VALUE`` overrides, for the JSON Schema
(``python -m sim schema``) and for the generated scenario reference. Field names
carry their unit (``_t``, ``_t_per_day``, ``_hours``, ``_days``, ``_knots`` ...).
Inside the model, time is in hours.

Defaults come from ``shared/reference/caspian-route-facts.md``; each field's
``source`` says which row, and ``ESTIMATE`` marks engineering judgement.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.errors import FieldRuleError

HOURS_PER_DAY = 24.0
DAYS_PER_YEAR = 365.0
HOURS_PER_YEAR = HOURS_PER_DAY * DAYS_PER_YEAR
TONNES_PER_MT = 1e6

#: Most simulated years (replications x (warm-up + horizon)) one run may ask for. The
#: base chain costs about 0.02 s of CPU per simulated year, so this is ~6 core-hours;
#: beyond it a typo (an extra zero or two) is far likelier than a real study.
MAX_SIMULATED_YEARS_PER_RUN = 1_000_000

#: Monthly Aktau weather-closure days (Jan..Dec), reference "Suggested defaults".
DEFAULT_CLOSURE_DAYS_PER_MONTH = (4.0, 4.0, 3.0, 2.0, 1.5, 1.0, 1.0, 1.0, 1.5, 2.0, 3.0, 4.0)


def F(default: Any, description: str, source: str, **constraints: Any) -> Any:  # noqa: N802
    """Declare a scenario field with its description and the source of its default."""
    return Field(default, description=description, json_schema_extra={"source": source},
                 **constraints)


class Section(BaseModel):
    """Base for every scenario section: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False,
                              validate_default=True)


class RunSettings(Section):
    """How long to simulate, how often, and from which seed."""

    horizon_days: float = F(365.0, "Length of the measured period after warm-up (days).",
                            "Convention: one simulated year.", gt=0, le=36_500)
    warmup_days: float = F(30.0, "Simulated time discarded before measuring (days); "
                           "lets tanks and queues leave their initial state.",
                           "ESTIMATE: a few tanker cycles.", ge=0, le=3_650)
    replications: int = F(100, "Independent replications per run.", "Convention.",
                          ge=1, le=100_000)
    seed: int = F(20_231_122, "Root seed; replication k uses SeedSequence(seed, spawn_key=(k, "
                  "source)).", "Convention (the KMG-SOCAR agreement date).", ge=0,
                  le=2**63 - 1)
    batch_interval_hours: float = F(6.0, "Interval at which pipeline flows (supply, "
                                    "Russian route, feeder, BTC intake) move as batches "
                                    "(hours). Halving it changes annual volumes by < 0.5%.",
                                    "Model design; see tests/test_batching.py.", gt=0, le=168)

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


class Disruption(Section):
    """An alternating up/down outage process that removes a fraction of a capacity.

    Give either ``probability`` (steady-state share of time disrupted) or
    ``rate_per_year`` (disruption onsets per year of operation); the other
    follows from ``rate = p / (mean_duration * (1 - p))``.
    """

    probability: float | None = F(None, "Steady-state probability that the route is "
                                  "disrupted on a given day (unavailability).",
                                  "See the route's defaults.", ge=0, lt=1)
    rate_per_year: float | None = F(None, "Disruption onsets per year while up; alternative "
                                    "to probability.", "See the route's defaults.", ge=0,
                                    le=365)
    mean_duration_days: float = F(57.0, "Mean duration of a disruption (days); durations "
                                  "are lognormal.", "Reference §2: known durations 20-94 d, "
                                  "mean ~55-60 d.", gt=0, le=3650)
    duration_sigma_log: float = F(0.55, "Log-space standard deviation of the lognormal "
                                  "duration; 0 makes durations fixed.",
                                  "Reference defaults: sigma_log ~0.55.", ge=0, le=3)
    capacity_loss_fraction: float = F(0.40, "Mean fraction of capacity removed while "
                                      "disrupted.", "Reference defaults: Beta mean 0.40 "
                                      "(one SPM ~0.45-0.5, pump station 0.3-0.4).", gt=0, le=1)
    capacity_loss_sd: float = F(0.10, "Standard deviation of the capacity loss across events "
                                "(Beta distribution); 0 makes it fixed.",
                                "Reference defaults: range 0.25-0.55 (ESTIMATE of spread).",
                                ge=0, le=0.5)
    clustering_cv: float = F(1.0, "Coefficient of variation of the up-times between "
                             "disruptions: 1 is a Poisson process, >1 clusters events "
                             "(calm years, then bursts) with the same mean and "
                             "steady-state probability.", "Reference §2: 3, 0, 0, 3 events "
                             "in 2022-2025 (ESTIMATE of dispersion).", ge=1, le=10)

    @model_validator(mode="after")
    def _probability_or_rate(self) -> Disruption:
        if self.probability is not None and self.rate_per_year is not None:
            raise FieldRuleError("rate_per_year", self.rate_per_year, "give either probability "
                                 f"(here {self.probability}) or rate_per_year, not both")
        if self.probability is None and self.rate_per_year is None:
            raise FieldRuleError("probability", None, "missing: give probability or "
                                 "rate_per_year")
        if self.capacity_loss_sd > 0 and self.capacity_loss_fraction < 1:
            m = self.capacity_loss_fraction
            if self.capacity_loss_sd**2 >= m * (1 - m):
                raise FieldRuleError("capacity_loss_sd", self.capacity_loss_sd,
                                     f"must be below sqrt(m*(1-m)) = "
                                     f"{math.sqrt(m * (1 - m)):.3f} for the mean loss m = {m} "
                                     "(a Beta distribution)")
        return self

    @property
    def mode(self) -> str:
        """Which parameter the scenario gave: ``"probability"`` or ``"rate"``."""
        return "probability" if self.probability is not None else "rate"

    @property
    def steady_state_probability(self) -> float:
        """Long-run share of time disrupted (dimensionless)."""
        if self.probability is not None:
            return self.probability
        rate_per_day = self.rate_per_year / DAYS_PER_YEAR  # type: ignore[operator]
        busy = rate_per_day * self.mean_duration_days
        return busy / (1.0 + busy)

    @property
    def onset_rate_per_year(self) -> float:
        """Disruption onsets per year of up-time (1/yr)."""
        if self.rate_per_year is not None:
            return self.rate_per_year
        p = self.probability or 0.0
        return p / (self.mean_duration_days * (1.0 - p)) * DAYS_PER_YEAR


class RussianRoute(Section):
    """CPC and any other route that crosses Russia, as one capacity with outages."""

    capacity_mt_per_year: float = F(72.5, "Capacity available to Kazakh crude (Mt/yr).",
                                    "Reference §1: DNP, 72.5 Mt/yr for the Kazakh section.",
                                    ge=0, le=500)
    disruption: Disruption = F(
        Disruption(probability=0.19), "Major disruptions (storms, SPM damage, strikes).",
        "Reference defaults: 1.5 events/yr x 57 d gives p = 0.19.")
    minor_halts: Disruption = F(
        Disruption(rate_per_year=4.0, mean_duration_days=1.92, duration_sigma_log=0.7,
                   capacity_loss_fraction=1.0, capacity_loss_sd=0.0),
        "Short weather and security halts (hours to days) that stop loading entirely.",
        "Reference defaults: 4/yr (ESTIMATE), median 1.5 d (mean 1.92 d at sigma_log 0.7), "
        "100% loss.")


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


class Supply(Section):
    """What the fields offer and where it is nominated."""

    export_mt_per_year: float = F(71.3, "All Kazakh crude offered to the two modelled routes "
                                  "(Mt/yr): the Russian route takes what is not nominated "
                                  "to Aktau.", "Reference §1: 2025 Kazakh CPC flow 64.8 Mt "
                                  "+ the 6.5 Mt/yr Trans-Caspian nomination.", ge=0, le=500)
    transcaspian_nomination_mt_per_year: float = F(
        6.5, "Crude nominated to the Aktau chain (Mt/yr).",
        "Reference §6: 6-6.5 Mt/yr stated aim (upper end).", ge=0, le=100)
    diversion: bool = F(True, "Whether oil the Russian route cannot take is offered to the "
                        "Aktau feeder.", "Policy choice (DOMAIN.md: diversion).")
    upstream_storage_t: float = F(300_000.0, "Upstream tankage that absorbs oil neither route "
                                  "can take before production is shut in (t).",
                                  "Reference §2: ~1-2 days of CPC buffer in Mar 2022 "
                                  "(ESTIMATE).", ge=0, le=1e9)

    @model_validator(mode="after")
    def _nomination_within_export(self) -> Supply:
        if self.transcaspian_nomination_mt_per_year > self.export_mt_per_year:
            raise FieldRuleError("transcaspian_nomination_mt_per_year",
                                 self.transcaspian_nomination_mt_per_year,
                                 f"must not exceed export_mt_per_year ({self.export_mt_per_year})")
        return self


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


class Fleet(Section):
    """Tankers dedicated to the Aktau-Baku crude shuttle."""

    tankers: int = F(6, "Number of tankers.", "Reference defaults: 3 x 12,400 + 2 x 8,000 dwt "
                     "+ 1 chartered.", ge=0, le=500)
    cargo_t: float = F(8_400.0, "Cargo per voyage (t).", "Reference §4: 0.8 x dwt, "
                       "fleet-weighted mean of the default fleet.", gt=0, le=200_000)
    speed_knots: float = F(10.0, "Service speed, laden and ballast (kn).",
                           "Reference §4: 10 kn.", gt=0, le=30)
    crossing_distance_nm: float = F(265.0, "Aktau to the Sangachal discharge berth (nm).",
                                    "Reference §4: 254 nm Baku-Aktau + ~10 nm (ESTIMATE).",
                                    gt=0, le=2_000)
    sea_margin_fraction: float = F(0.05, "Extra sailing time for sea state and pilotage, as a "
                                   "share of the still-water time.", "ESTIMATE.", ge=0, le=2)
    maintenance_days_per_year: float = F(10.0, "Days per year each tanker is out of service "
                                         "for maintenance (one block per year).",
                                         "ESTIMATE.", ge=0, le=180)


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


class Btc(Section):
    """The BTC intake: a contractual allowance, a physical intake rate, and outages.

    The allowance accrues evenly over the year; allowance not used (tanks empty, an
    outage) carries over for up to ``allowance_carryover_days`` of allowance, and
    the intake may catch up at up to ``max_intake_t_per_day``. With no carry-over
    and a maximum intake equal to the allowance rate, unused allowance is lost day
    by day.
    """

    allowance_mt_per_year: float = F(6.5, "Kazakh crude BTC accepts (Mt/yr), accruing evenly "
                                     "over the year.", "Set at the 6.5 Mt/yr target so the "
                                     "base answer is about physical throughput; today's "
                                     "contract cap is 2.2 Mt/yr (reference §6).", ge=0, le=60)
    allowance_carryover_days: float = F(30.0, "Days of allowance that may be carried over and "
                                        "caught up later (monthly nominations).",
                                        "ESTIMATE: nominations are monthly (reference §6: "
                                        "~120-180 kt/month).", ge=0, le=365)
    max_intake_t_per_day: float = F(40_000.0, "Most crude the BTC intake can take from the "
                                    "receiving tanks in a day (t/day).", "ESTIMATE: about "
                                    "twice the 6.5 Mt/yr average; BTC has ~20 Mt/yr (~55 "
                                    "kt/day) spare (reference §6).", gt=0, le=1e6)
    disruption: Disruption = F(
        Disruption(probability=0.054, mean_duration_days=63.0, duration_sigma_log=0.3,
                   capacity_loss_fraction=1.0, capacity_loss_sd=0.0),
        "Quality or contamination stops of Kazakh intake.",
        "Reference defaults: 1 event per ~3 yr, 6-12 weeks full stop (ESTIMATE).")


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
