"""A deterministic capacity ceiling for the Trans-Caspian chain, computed from parameters alone.

Each stage of the chain can move at most so many Mt/yr if nothing ever waits
for anything else; the chain can move no more than the smallest of them. The
ceiling ignores weather closures (it is an upper bound), but it does take the
long-run share of capacity that outages remove from the BTC intake and the crude
the Russian route's outages make available for diversion (averaged over its
outage states, so that the ceiling stays an upper bound).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

from sim.model.chain import nominal_cycle_hours
from sim.scenario.schema import Disruption, Scenario
from sim.units import DAYS_PER_YEAR, HOURS_PER_YEAR, TONNES_PER_MT


@dataclass(frozen=True)
class CapacityBound:
    """Upper limits of each stage (Mt/yr) and the one that binds."""

    supply_to_aktau_mt_per_year: float
    feeder_mt_per_year: float
    aktau_berths_mt_per_year: float
    fleet_mt_per_year: float
    baku_berths_mt_per_year: float
    btc_mt_per_year: float

    @property
    def ceiling_mt_per_year(self) -> float:
        """The chain's ceiling: the smallest stage limit (Mt/yr)."""
        return min(self.stages().values())

    @property
    def binding(self) -> str:
        """Name of the stage with the smallest limit."""
        stages = self.stages()
        return min(stages, key=stages.__getitem__)

    def stages(self) -> dict[str, float]:
        """Stage name -> limit (Mt/yr)."""
        return {k.removesuffix("_mt_per_year"): v for k, v in asdict(self).items()}

    def as_dict(self) -> dict[str, float | str]:
        """Stage limits plus the ceiling and the binding stage."""
        return {**asdict(self), "ceiling_mt_per_year": self.ceiling_mt_per_year,
                "binding": self.binding}


def expected_capacity_share(disruption: Disruption) -> float:
    """Long-run share of capacity left by one outage process (0-1)."""
    return 1.0 - disruption.steady_state_probability * disruption.capacity_loss_fraction


def expected_russian_surplus_mt(scenario: Scenario) -> float:
    """Long-run crude the Russian route cannot take (Mt/yr): E[max(0, demand - capacity(t))].

    Diversion happens only while the route is disrupted, so the surplus is averaged
    over the four up/down states of the two outage processes (independent in the
    model) and over the distribution of the capacity lost, not taken at the mean
    capacity (which would understate it and break the upper bound).
    """
    route = scenario.russian_route
    demand = (scenario.supply.export_mt_per_year
              - scenario.supply.transcaspian_nomination_mt_per_year)
    surplus = 0.0
    major, minor = route.disruption, route.minor_halts
    for major_down in (False, True):
        for minor_down in (False, True):
            weight = (_state_probability(major, major_down)
                      * _state_probability(minor, minor_down))
            left = np.outer(_capacity_left(major, major_down), _capacity_left(minor, minor_down))
            capacity = route.capacity_mt_per_year * left
            surplus += weight * float(np.maximum(0.0, demand - capacity).mean())
    return surplus


def _state_probability(disruption: Disruption, down: bool) -> float:
    p = disruption.steady_state_probability
    return p if down else 1.0 - p


def _capacity_left(disruption: Disruption, down: bool, points: int = 64) -> np.ndarray:
    """Share of capacity left in a state, at equally likely quantiles of the loss (0-1)."""
    if not down:
        return np.ones(1)
    mean, sd = disruption.capacity_loss_fraction, disruption.capacity_loss_sd
    if sd == 0 or mean >= 1:
        return np.array([1.0 - mean])
    k = mean * (1 - mean) / (sd * sd) - 1
    quantiles = (np.arange(points) + 0.5) / points
    left: np.ndarray = 1.0 - stats.beta.ppf(quantiles, mean * k, (1 - mean) * k)
    return left


def capacity_bound(scenario: Scenario) -> CapacityBound:
    """Stage-by-stage ceiling of the Trans-Caspian chain (Mt/yr)."""
    sc = scenario
    cargo = sc.fleet.cargo_t

    nomination = sc.supply.transcaspian_nomination_mt_per_year
    supply = nomination + (expected_russian_surplus_mt(sc) if sc.supply.diversion else 0.0)

    feeder = sc.aktau.feeder_capacity_t_per_day * DAYS_PER_YEAR / TONNES_PER_MT

    other_cargo = sc.aktau.other_traffic_cargo_t
    other_calls = sc.aktau.other_traffic_mt_per_year * TONNES_PER_MT / other_cargo
    other_hours = other_calls * (sc.aktau.berthing_hours
                                 + other_cargo / sc.aktau.loading_rate_t_per_hour)
    aktau_call = sc.aktau.berthing_hours + cargo / sc.aktau.loading_rate_t_per_hour
    aktau_hours = max(0.0, sc.aktau.berths * HOURS_PER_YEAR - other_hours)
    aktau = aktau_hours / aktau_call * cargo / TONNES_PER_MT

    availability = 1.0 - sc.fleet.maintenance_days_per_year / DAYS_PER_YEAR
    fleet = (sc.fleet.tankers * availability * HOURS_PER_YEAR / nominal_cycle_hours(sc)
             * cargo / TONNES_PER_MT)

    baku_call = sc.baku.berthing_hours + cargo / sc.baku.unloading_rate_t_per_hour
    baku = sc.baku.berths * HOURS_PER_YEAR / baku_call * cargo / TONNES_PER_MT

    # The allowance binds, unless outages cut the physical intake below it on average.
    intake_mt = (sc.btc.max_intake_t_per_day * DAYS_PER_YEAR / TONNES_PER_MT
                 * expected_capacity_share(sc.btc.disruption))
    btc = min(sc.btc.allowance_mt_per_year, intake_mt)
    return CapacityBound(supply, feeder, aktau, fleet, baku, btc)
