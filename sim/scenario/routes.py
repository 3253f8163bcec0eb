"""Supply and the two export routes in the scenario: the fields, the Russian route, BTC."""

from __future__ import annotations

from pydantic import model_validator

from sim.errors import FieldRuleError
from sim.scenario.base import F, Section
from sim.scenario.outages import Disruption


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
