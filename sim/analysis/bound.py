"""From the parameters alone: the chain's physical capacity and its expected deliverable.

(a) **Physical capacity** (:attr:`ChainBound.capacity_mt_per_year`): every stage
at its long-run rate, nominations and the BTC allowance ignored: the feeder, the
share of Aktau's oil capacity other crude leaves, the Aktau berth-hours left by
other crude and berth outages, the fleet's round trips, the Baku berth-hours
left by third-party crude and outages, and the BTC intake with its stops. The
chain cannot carry more than the smallest of them (weather is ignored, so this
stays an upper bound).

(b) **Expected deliverable** (:attr:`ChainBound.deliverable_mt_per_year`): what
the scenario's contracts let through that capacity on average. Supply is the
nomination plus diverted crude, which exists only while a disruption has lasted
the reaction lag: averaged over the two states (diverting or not), each capped
by the capacity, because a surge beyond capacity cannot be carried while it
lasts, plus what the Aktau tanks, filled during a surge, hand on after it. The
BTC allowance counts less what stops longer than the carry-over cost. (b) is the
smallest of capacity, carried supply and effective allowance; weather, queues
and the lumpiness of cargoes bring the simulated mean below it (``docs/validation.md``
states the band measured over random scenarios).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.special import betaincinv, ndtr, ndtri

from sim.model.chain import class_fleet, cycle_hours
from sim.scenario.ports import Aktau, Baku
from sim.scenario.schema import Disruption, Scenario, TankerClass
from sim.units import DAYS_PER_YEAR, HOURS_PER_YEAR, TONNES_PER_MT, t_per_day_to_mt_per_year

#: Quantile points used to average over a lognormal or Beta distribution.
QUANTILE_POINTS = 64

#: Where the simulated mean falls relative to (b), measured over random scenarios
#: (``docs/validation.md``): weather, berth queues and tank blocking cost up to ~40%;
#: tanks let the chain carry a little of a surge after it ends (up to ~5% above (b)).
DELIVERABLE_BAND = (0.60, 1.05)


@dataclass(frozen=True)
class ChainBound:
    """Stage limits (Mt/yr), the two figures built on them, and what binds each."""

    feeder_mt_per_year: float
    aktau_oil_capacity_mt_per_year: float
    aktau_berths_mt_per_year: float
    fleet_mt_per_year: float
    baku_berths_mt_per_year: float
    btc_intake_mt_per_year: float
    nomination_mt_per_year: float
    diversion_active_share: float  # long-run share of time shippers divert (0-1)
    diverted_rate_mt_per_year: float  # how fast they divert while they do (Mt/yr)
    diversion_episodes_per_year: float  # major disruptions long enough to divert (1/yr)
    aktau_storage_mt: float  # Aktau tank room that can hold a surge beyond capacity (Mt)
    effective_allowance_mt_per_year: float

    def stages(self) -> dict[str, float]:
        """Physical stage name -> limit (Mt/yr)."""
        names = ("feeder", "aktau_oil_capacity", "aktau_berths", "fleet", "baku_berths",
                 "btc_intake")
        return {name: getattr(self, f"{name}_mt_per_year") for name in names}

    @property
    def capacity_mt_per_year(self) -> float:
        """(a) The chain's physical capacity: the smallest stage limit (Mt/yr)."""
        return min(self.stages().values())

    @property
    def capacity_binding(self) -> str:
        """The physical stage with the smallest limit."""
        stages = self.stages()
        return min(stages, key=stages.__getitem__)

    @property
    def expected_diverted_mt_per_year(self) -> float:
        """Diverted crude offered, averaged over the Russian route's states (Mt/yr)."""
        return self.diversion_active_share * self.diverted_rate_mt_per_year

    @property
    def expected_supply_mt_per_year(self) -> float:
        """Nomination plus diverted crude averaged over outage states (Mt/yr)."""
        return self.nomination_mt_per_year + self.expected_diverted_mt_per_year

    @property
    def carried_supply_mt_per_year(self) -> float:
        """Supply the chain can carry: capacity caps the surge while it lasts.

        Averaged over the two states (diverting or not), each capped by the capacity;
        plus what the Aktau tanks, filled by a surge beyond capacity, hand on after
        each episode, as far as the spare capacity between episodes allows.
        """
        capacity, nomination, a = (self.capacity_mt_per_year, self.nomination_mt_per_year,
                                   self.diversion_active_share)
        surge_supply = nomination + self.diverted_rate_mt_per_year
        buffered = min(self.diversion_episodes_per_year * self.aktau_storage_mt,
                       a * max(0.0, surge_supply - capacity),
                       (1.0 - a) * max(0.0, capacity - nomination))
        return ((1.0 - a) * min(capacity, nomination) + a * min(capacity, surge_supply)
                + buffered)

    def deliverable_terms(self) -> dict[str, float]:
        """What limits the deliverable: capacity, supply carried, effective allowance (Mt/yr)."""
        return {self.capacity_binding: self.capacity_mt_per_year,
                "supply (nomination and diversion)": self.carried_supply_mt_per_year,
                "BTC allowance": self.effective_allowance_mt_per_year}

    @property
    def deliverable_mt_per_year(self) -> float:
        """(b) Expected deliverable under the scenario's contracts (Mt/yr)."""
        return min(self.deliverable_terms().values())

    @property
    def deliverable_binding(self) -> str:
        """What limits the expected deliverable: a physical stage, supply or the allowance."""
        terms = self.deliverable_terms()
        return min(terms, key=terms.__getitem__)

    def as_dict(self) -> dict[str, float | str]:
        """Stage limits, both figures and what binds each."""
        return {**asdict(self), "capacity_mt_per_year": self.capacity_mt_per_year,
                "capacity_binding": self.capacity_binding,
                "expected_supply_mt_per_year": self.expected_supply_mt_per_year,
                "deliverable_mt_per_year": self.deliverable_mt_per_year,
                "deliverable_binding": self.deliverable_binding}


def chain_bound(scenario: Scenario) -> ChainBound:
    """Both figures of a scenario (Mt/yr)."""
    sc = scenario
    cargo = sc.fleet.cargo_t
    fleet = fleet_limit_mt_per_year(sc)
    return ChainBound(
        feeder_mt_per_year=t_per_day_to_mt_per_year(sc.aktau.feeder_capacity_t_per_day),
        aktau_oil_capacity_mt_per_year=(sc.aktau.oil_capacity_mt_per_year
                                        - sc.aktau.other_traffic_mt_per_year),
        aktau_berths_mt_per_year=berth_limit_mt_per_year(
            sc.aktau, cargo, sc.aktau.loading_rate_t_per_hour, sc.aktau.other_traffic_mt_per_year,
            sc.aktau.other_traffic_cargo_t),
        fleet_mt_per_year=fleet,
        baku_berths_mt_per_year=berth_limit_mt_per_year(
            sc.baku, cargo, sc.baku.unloading_rate_t_per_hour,
            sc.baku.other_traffic_at_berths_mt_per_year, sc.baku.other_traffic_cargo_t),
        btc_intake_mt_per_year=(t_per_day_to_mt_per_year(sc.btc.max_intake_t_per_day)
                                * expected_capacity_share(sc.btc.disruption)),
        nomination_mt_per_year=sc.supply.transcaspian_nomination_mt_per_year,
        diversion_active_share=diversion_active_share(sc),
        diverted_rate_mt_per_year=diverted_rate_mt_per_year(sc),
        diversion_episodes_per_year=diversion_episodes_per_year(sc),
        aktau_storage_mt=sc.aktau.storage_t / TONNES_PER_MT,
        effective_allowance_mt_per_year=effective_allowance_mt_per_year(sc))


def class_limits_mt_per_year(scenario: Scenario) -> dict[str, float]:
    """Each tanker class's round trips a year x its cargo, while in service (Mt/yr).

    A class of n ships with cycle time C (no waiting) and cargo c carries
    n x availability x 8760 / C x c a year; a class with dates counts for the share
    of the measured period it is in service.
    """
    sc = scenario
    availability = 1.0 - sc.fleet.maintenance_days_per_year / DAYS_PER_YEAR
    limits = {}
    for ship_class in sc.fleet.ship_classes():
        fleet = class_fleet(sc.fleet, ship_class)
        limit = (ship_class.tankers * availability * HOURS_PER_YEAR
                 / cycle_hours(sc, fleet) * ship_class.cargo_t / TONNES_PER_MT)
        limits[ship_class.name] = limit * in_service_share(sc, ship_class)
    return limits


def in_service_share(scenario: Scenario, ship_class: TankerClass) -> float:
    """Share of the measured period a tanker class is in service (0-1; 1 without dates)."""
    start, end = scenario.run.start_date, scenario.run.end_date
    if start is None or end is None:
        return 1.0
    first = max(start, ship_class.in_service or start)
    last = min(end, ship_class.out_of_service or end)
    return max(0, (last - first).days) / (end - start).days


def fleet_limit_mt_per_year(scenario: Scenario) -> float:
    """The fleet's round trips: the sum of its classes' limits (Mt/yr)."""
    return sum(class_limits_mt_per_year(scenario).values())


def berth_limit_mt_per_year(port: Aktau | Baku, cargo_t: float, pump_t_per_hour: float,
                            other_mt_per_year: float, other_cargo_t: float) -> float:
    """Trans-Caspian tonnes a port's berths can handle in a year (Mt/yr).

    Berth-hours in service (berth outages removed), less the other crude's calls,
    divided among Trans-Caspian calls of berthing plus pumping.
    """
    in_service = 1.0 - port.berth_outages.out_of_service_share
    in_service_hours = port.berths * HOURS_PER_YEAR * in_service
    other_calls = other_mt_per_year * TONNES_PER_MT / other_cargo_t
    other_hours = other_calls * (port.berthing_hours + other_cargo_t / pump_t_per_hour)
    call_hours = port.berthing_hours + cargo_t / pump_t_per_hour
    return max(0.0, in_service_hours - other_hours) / call_hours * cargo_t / TONNES_PER_MT


def expected_capacity_share(disruption: Disruption) -> float:
    """Long-run share of capacity left by one outage process (0-1)."""
    return 1.0 - disruption.steady_state_probability * disruption.capacity_loss_fraction


def effective_allowance_mt_per_year(scenario: Scenario) -> float:
    """The BTC allowance less what stops longer than the carry-over cost, on average (Mt/yr).

    A stop of D days loses max(0, D - carry-over) days of allowance; stops begin
    p / E[D] times a day.
    """
    btc = scenario.btc
    d = btc.disruption
    mean_days = d.mean_duration_days
    lost = _mean_excess(mean_days, d.duration_sigma_log, btc.allowance_carryover_days)
    lost_share = d.steady_state_probability * d.capacity_loss_fraction * lost / mean_days
    return btc.allowance_mt_per_year * (1.0 - lost_share)


def diversion_active_share(scenario: Scenario) -> float:
    """Long-run share of time the diversion policy is active (0-1).

    It runs for the part of each major disruption beyond the reaction lag, plus
    the tail after recovery.
    """
    policy = scenario.supply.diversion
    if not policy.enabled or policy.max_extra_mt_per_year == 0:
        return 0.0
    major = scenario.russian_route.disruption
    p, mean_days = major.steady_state_probability, major.mean_duration_days
    share = p * (_mean_excess(mean_days, major.duration_sigma_log, policy.reaction_lag_days)
                 + policy.continue_after_recovery_days) / mean_days
    return min(share, 1.0)


def diversion_episodes_per_year(scenario: Scenario) -> float:
    """Major disruptions a calendar year that outlast the reaction lag (1/yr)."""
    policy = scenario.supply.diversion
    if diversion_active_share(scenario) == 0:
        return 0.0
    major = scenario.russian_route.disruption
    onsets = major.steady_state_probability / major.mean_duration_days * DAYS_PER_YEAR
    return onsets * _share_longer(major.mean_duration_days, major.duration_sigma_log,
                                  policy.reaction_lag_days)


def diverted_rate_mt_per_year(scenario: Scenario) -> float:
    """How fast crude is diverted while the policy is active (Mt/yr).

    The crude the Russian route cannot take (its demand less the capacity left,
    averaged over the capacity lost and over short halts), up to the extra
    nomination and the feeder's capacity beyond the nomination.
    """
    sc = scenario
    demand = sc.supply.export_mt_per_year - sc.supply.transcaspian_nomination_mt_per_year
    spare_feeder = max(0.0, t_per_day_to_mt_per_year(sc.aktau.feeder_capacity_t_per_day)
                       - sc.supply.transcaspian_nomination_mt_per_year)
    cap = min(sc.supply.diversion.max_extra_mt_per_year, spare_feeder)
    major, minor = sc.russian_route.disruption, sc.russian_route.minor_halts
    rate = 0.0
    for minor_down in (False, True):
        weight = (minor.steady_state_probability if minor_down
                  else 1.0 - minor.steady_state_probability)
        left = np.outer(_capacity_left(major), _capacity_left(minor) if minor_down
                        else np.ones(1))
        capacity = sc.russian_route.capacity_mt_per_year * left
        rate += weight * float(np.minimum(cap, np.maximum(0.0, demand - capacity)).mean())
    return rate


def _mean_excess(mean: float, sigma_log: float, threshold: float) -> float:
    """E[max(0, D - threshold)] for a lognormal D with the given mean and log-sd."""
    if sigma_log == 0:
        return max(0.0, mean - threshold)
    quantiles = (np.arange(QUANTILE_POINTS) + 0.5) / QUANTILE_POINTS
    mu = np.log(mean) - 0.5 * sigma_log**2
    durations = np.exp(mu + sigma_log * ndtri(quantiles))
    return float(np.maximum(0.0, durations - threshold).mean())


def _share_longer(mean: float, sigma_log: float, threshold: float) -> float:
    """P(D > threshold) for a lognormal D with the given mean and log-sd."""
    if sigma_log == 0:
        return 1.0 if mean > threshold else 0.0
    if threshold <= 0:
        return 1.0
    mu = np.log(mean) - 0.5 * sigma_log**2
    return float(ndtr(-(np.log(threshold) - mu) / sigma_log))


def _capacity_left(disruption: Disruption) -> np.ndarray:
    """Share of capacity left while disrupted, at equally likely quantiles of the loss (0-1)."""
    mean, sd = disruption.capacity_loss_fraction, disruption.capacity_loss_sd
    if sd == 0 or mean >= 1:
        return np.array([1.0 - mean])
    k = mean * (1 - mean) / (sd * sd) - 1
    quantiles = (np.arange(QUANTILE_POINTS) + 0.5) / QUANTILE_POINTS
    left: np.ndarray = 1.0 - betaincinv(mean * k, (1 - mean) * k, quantiles)
    return left
