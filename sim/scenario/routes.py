"""Supply and the two export routes in the scenario: the fields, the Russian route, BTC."""

from __future__ import annotations

from pydantic import model_validator

from sim.errors import FieldRuleError
from sim.scenario.base import F, Section
from sim.scenario.outages import Disruption


class Diversion(Section):
    """What shippers do when the Russian route cannot take their crude.

    Once the route has been in a major disruption for ``reaction_lag_days``, shippers
    nominate up to ``max_extra_mt_per_year`` of the crude it cannot take to the
    Trans-Caspian route (on top of the nomination); they stop
    ``continue_after_recovery_days`` after the route recovers. Diverted crude gets
    feeder capacity and tank room only after the nominated crude. Short halts end
    before shippers react when they are shorter than the lag.
    """

    enabled: bool = F(True, "Whether shippers divert crude the Russian route cannot take.",
                      "Policy choice (DOMAIN.md: diversion).")
    reaction_lag_days: float = F(10.0, "Days of a major disruption before extra crude is "
                                 "nominated to the Trans-Caspian route.",
                                 "sources §6.4, §7.15: Dec 2025 (ESTIMATE).", ge=0, le=365)
    max_extra_mt_per_year: float = F(3.0, "Most extra crude shippers nominate to the "
                                     "Trans-Caspian route while diverting (Mt/yr).",
                                     "sources §6.4, §7.15: ~300 kt rerouted in Dec 2025 "
                                     "(ESTIMATE).", ge=0, le=100)
    continue_after_recovery_days: float = F(0.0, "Days diversion goes on after the route "
                                            "recovers.", "sources §7.15 (ESTIMATE).", ge=0,
                                            le=365)


NO_DIVERSION = Diversion(enabled=False)


class Supply(Section):
    """What the fields offer, where it is nominated, and what happens to what cannot go."""

    export_mt_per_year: float = F(71.3, "All Kazakh crude offered to the two modelled routes "
                                  "(Mt/yr): the Russian route takes what is not nominated "
                                  "to Aktau.", "sources §1.2: Kazakh CPC supply 64.8 Mt in "
                                  "2025 + the 6.5 Mt/yr nomination.", ge=0, le=500)
    transcaspian_nomination_mt_per_year: float = F(
        6.5, "Crude nominated to the Aktau chain (Mt/yr).",
        "sources §5.2: 6-6.5 Mt/yr stated aim (upper end).", ge=0, le=100)
    diversion: Diversion = F(Diversion(), "Diversion of crude the Russian route cannot take.",
                             "sources §7.15.")
    upstream_storage_t: float = F(300_000.0, "Upstream tankage that absorbs oil neither route "
                                  "can take before production is shut in (t).",
                                  "sources §1.3, §7.10: ~1-2 days of CPC buffer in Mar 2022 "
                                  "(ESTIMATE).", ge=0, le=1e9)

    @model_validator(mode="after")
    def _nomination_within_export(self) -> Supply:
        if self.transcaspian_nomination_mt_per_year > self.export_mt_per_year:
            raise FieldRuleError("transcaspian_nomination_mt_per_year",
                                 self.transcaspian_nomination_mt_per_year,
                                 f"must not exceed export_mt_per_year ({self.export_mt_per_year})")
        return self


class RussianRoute(Section):
    """CPC and any other route that crosses Russia, as one capacity with outages."""

    capacity_mt_per_year: float = F(72.5, "Capacity available to Kazakh crude (Mt/yr).",
                                    "sources §1.1: 72.5 Mt/yr for the Kazakh section.",
                                    ge=0, le=500)
    disruption: Disruption = F(
        Disruption(probability=0.18), "Major disruptions (storms, SPM damage, strikes); "
        "probability is the long-run share of days in one.",
        "sources §1.3: 258 of 1,461 days in 2022-2025 (sim.analysis.calibration).")
    minor_halts: Disruption = F(
        Disruption(rate_per_year=4.0, mean_duration_days=1.92, duration_sigma_log=0.7,
                   capacity_loss_fraction=1.0, capacity_loss_sd=0.0),
        "Short weather and security halts (hours to days) that stop loading entirely.",
        "sources §1.5, §7.12: 4/yr (ESTIMATE), median 1.5 d (mean 1.92 d at sigma_log 0.7), "
        "100% loss.")


class Btc(Section):
    """The BTC intake: a contractual allowance, a physical intake rate, and outages.

    The allowance accrues evenly over the measured period. Allowance lost to the BTC
    side (an intake stop, or the physical intake limit) carries over for up to
    ``allowance_carryover_days`` of allowance and may be caught up at up to
    ``max_intake_t_per_day``; allowance unused because the receiving tanks ran dry
    is lost, and none is carried in from the warm-up.
    """

    allowance_mt_per_year: float = F(6.5, "Kazakh crude BTC accepts (Mt/yr), accruing evenly "
                                     "over the year.", "Set at the 6.5 Mt/yr target so the "
                                     "base answer is about physical throughput; today's "
                                     "contract cap is 2.2 Mt/yr (sources §5.2).", ge=0, le=60)
    allowance_carryover_days: float = F(30.0, "Days of allowance lost to BTC-side stops that "
                                        "may be caught up later (monthly nominations).",
                                        "sources §5.2, §7.9: nominations are monthly "
                                        "(ESTIMATE).", ge=0, le=365)
    max_intake_t_per_day: float = F(40_000.0, "Most crude the BTC intake can take from the "
                                    "receiving tanks in a day (t/day).", "sources §5.1, §7.9: "
                                    "about twice the 6.5 Mt/yr average; BTC has ~20 Mt/yr spare "
                                    "(ESTIMATE).", gt=0, le=1e6)
    disruption: Disruption = F(
        Disruption(probability=0.054, mean_duration_days=63.0, duration_sigma_log=0.3,
                   capacity_loss_fraction=1.0, capacity_loss_sd=0.0),
        "Quality or contamination stops of Kazakh intake.",
        "sources §5.3, §7.8: one stop per ~3 yr, 6-12 weeks (ESTIMATE).")
