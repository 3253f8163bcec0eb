"""Formulas from outside the project that the validation and the tests hold the model to.

Queueing theory (the Erlang C wait of an M/M/c queue), alternating renewal
theory (the share of time an outage process spends down and its onsets per
year) and the hand-computed limits of the tanker cycle and the berths. None of
these uses the model's own code.
"""

from __future__ import annotations

import math

from sim.scenario.schema import Disruption, Scenario
from sim.units import DAYS_PER_YEAR, HOURS_PER_YEAR


def erlang_c_wait_hours(arrivals_per_hour: float, mean_call_hours: float, berths: int) -> float:
    """Mean wait for a berth in an M/M/c queue (h), via the Erlang B recursion."""
    load = arrivals_per_hour * mean_call_hours  # offered load in erlangs
    if load >= berths:
        return math.inf
    blocking = 1.0
    for k in range(1, berths + 1):
        blocking = load * blocking / (k + load * blocking)
    delay_probability = berths * blocking / (berths - load * (1 - blocking))
    return delay_probability * mean_call_hours / (berths - load)

def reference_share(params: Disruption) -> float:
    """Long-run disrupted share from the scenario's own numbers (dimensionless).

    For a rate r per year of up-time and mean duration D days the share is
    r D / (365 + r D); for a given probability it is that probability.
    """
    if params.probability is not None:
        return params.probability
    busy_days = (params.rate_per_year or 0.0) * params.mean_duration_days
    return busy_days / (DAYS_PER_YEAR + busy_days)

def reference_onsets_per_year(params: Disruption) -> float:
    """Onsets per calendar year of an alternating renewal process: p / D x 365 (1/yr)."""
    return reference_share(params) / params.mean_duration_days * DAYS_PER_YEAR

def hand_stage_limits(scenario: Scenario) -> dict[str, float]:
    """Fleet and berth limits (Mt/yr) from first principles, independent of ``sim.bound``.

    A tanker's round trip is two crossings (distance / speed, plus the sea margin),
    one loading call and one discharge call (berthing + cargo / pumping rate); a
    berth serves one call at a time, all year.
    """
    fleet, ak, bk = scenario.fleet, scenario.aktau, scenario.baku
    crossing_h = fleet.crossing_distance_nm / fleet.speed_knots * (1 + fleet.sea_margin_fraction)
    load_h = ak.berthing_hours + fleet.cargo_t / ak.loading_rate_t_per_hour
    discharge_h = bk.berthing_hours + fleet.cargo_t / bk.unloading_rate_t_per_hour
    cargoes_per_year = {
        "fleet": fleet.tankers * HOURS_PER_YEAR / (2 * crossing_h + load_h + discharge_h),
        "aktau berths": ak.berths * HOURS_PER_YEAR / load_h,
        "baku berths": bk.berths * HOURS_PER_YEAR / discharge_h,
    }
    return {stage: n * fleet.cargo_t / 1e6 for stage, n in cargoes_per_year.items()}
