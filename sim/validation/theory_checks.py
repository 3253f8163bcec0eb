"""Checks of the model against theory: the deterministic cycle bound, Erlang C, availability.

- :func:`cycle_bound_checks`: with every random element switched off, the chain
  must move exactly what the slowest of the tanker cycle and the berths allows,
  computed by hand in :mod:`sim.analysis.theory`; with them on, it must stay below
  the physical capacity of :func:`sim.analysis.bound.chain_bound`.
- :func:`erlang_c_checks`: a :class:`~sim.model.berths.BerthGroup` fed Poisson
  arrivals and exponential calls must show the M/M/c mean wait and utilisation.
- :func:`availability_checks`: an outage process must spend the share of time
  ``p`` disrupted and start ``p / D`` events a day; weather gates must close for
  the stated days a year; the full model must show the same shares.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import simpy

from sim.analysis.bound import DELIVERABLE_BAND, chain_bound
from sim.analysis.theory import (
    erlang_c_wait_hours,
    hand_stage_limits,
    reference_onsets_per_year,
    reference_share,
)
from sim.errors import ScenarioError
from sim.model.berths import BerthGroup
from sim.model.outages import OutageProcess
from sim.model.process import ProcessGenerator
from sim.model.replication import run_replication
from sim.model.weather import WeatherGate
from sim.scenario.build import with_overrides
from sim.scenario.schema import Disruption, Scenario
from sim.study import run_replications
from sim.units import DAYS_PER_YEAR, HOURS_PER_DAY, HOURS_PER_YEAR
from sim.validation.checks import (
    DETERMINISTIC_TOLERANCE,
    Check,
    Effort,
    judge,
    stand_alone_rng,
    statistical_check,
)


@dataclass(frozen=True)
class BaseRun:
    """The shipped base scenario and its replication table."""

    scenario: Scenario
    frame: pd.DataFrame

@dataclass(frozen=True)
class CycleCase:
    """A deterministic chain whose binding stage is known in advance."""

    tankers: int
    aktau_berths: int
    baku_berths: int
    binding: str

CYCLE_CASES = (CycleCase(4, 3, 2, "fleet"), CycleCase(8, 1, 2, "aktau berths"),
               CycleCase(10, 3, 1, "baku berths"))

def deterministic_chain(case: CycleCase) -> Scenario:
    """Build the default chain with weather, outages, other traffic and the port cap off.

    Supply, feeder, tankage and the BTC allowance are made ample, so only the
    tanker cycle and the berths can bind; berthing hours and the sea margin keep
    their default values.
    """
    return with_overrides(Scenario(name="deterministic"), {
        "run.replications": 1,
        "supply.export_mt_per_year": 100.0, "supply.transcaspian_nomination_mt_per_year": 50.0,
        "supply.diversion.enabled": False, "supply.upstream_storage_t": 0.0,
        "russian_route.capacity_mt_per_year": 100.0,
        "russian_route.disruption.probability": 0.0,
        "russian_route.minor_halts.rate_per_year": 0.0,
        "aktau.feeder_capacity_t_per_day": 1e6, "aktau.storage_t": 1e7,
        "aktau.other_traffic_mt_per_year": 0.0, "aktau.weather.enabled": False,
        "aktau.oil_capacity_mt_per_year": 1000.0,
        "aktau.berth_outages.maintenance_per_year": 0.0,
        "aktau.berth_outages.breakdowns_per_year": 0.0,
        "baku.other_traffic_mt_per_year": 0.0,
        "baku.berth_outages.maintenance_per_year": 0.0,
        "baku.berth_outages.breakdowns_per_year": 0.0,
        "aktau.berths": case.aktau_berths,
        "fleet.tankers": case.tankers, "fleet.maintenance_days_per_year": 0.0,
        "baku.storage_t": 1e7, "baku.initial_level_fraction": 0.0,
        "baku.weather.enabled": False, "baku.berths": case.baku_berths,
        "btc.allowance_mt_per_year": 60.0, "btc.disruption.probability": 0.0,
    }, where="sim.validation")

def random_chain(base: Scenario, rng: np.random.Generator) -> Scenario:
    """A random but plausible variant of ``base``: fleet, berths, tanks, contracts, p, diversion.

    Draws are redrawn (up to 20 times) until the variant is a valid scenario.
    """
    for _ in range(20):
        changes = {
            "fleet.tankers": int(rng.integers(2, 16)),
            "fleet.cargo_t": float(rng.uniform(5_000, 12_000)),
            "supply.transcaspian_nomination_mt_per_year": float(rng.uniform(0.5, 12)),
            "btc.allowance_mt_per_year": float(rng.uniform(1, 12)),
            "russian_route.disruption.probability": float(rng.uniform(0, 0.5)),
            "aktau.berths": int(rng.integers(1, 6)), "baku.berths": int(rng.integers(1, 4)),
            "aktau.oil_capacity_mt_per_year": float(rng.uniform(4, 14)),
            "aktau.storage_t": float(rng.uniform(50_000, 300_000)),
            "baku.other_traffic_share_at_berths": float(rng.uniform(0, 1)),
            "supply.diversion.max_extra_mt_per_year": float(rng.uniform(0, 10)),
            "run.compare_without_diversion": False}
        try:
            return with_overrides(base, changes, where="random chain")
        except ScenarioError:
            continue
    raise RuntimeError("no valid random chain in 20 draws")


def bound_checks(effort: Effort, base: Scenario) -> list[Check]:
    """(a) bounds the simulated mean from above; (b) stays within its stated band of it.

    Over ``effort.bound_scenarios`` random variants of the base chain.
    """
    family = "capacity bounds"
    rng = stand_alone_rng(5, 0, 0)
    to_capacity, to_deliverable = [], []
    for _ in range(effort.bound_scenarios):
        scenario = random_chain(base, rng)
        mean = float(run_replications(scenario, replications=effort.bound_replications,
                                      jobs=effort.jobs)["transcaspian_mt_per_year"].mean())
        bound = chain_bound(scenario)
        to_capacity.append(mean / bound.capacity_mt_per_year)
        to_deliverable.append(mean / bound.deliverable_mt_per_year)
    low, high = DELIVERABLE_BAND
    note = (f"{effort.bound_scenarios} random variants of the base chain (fleet, berths, "
            f"tanks, contracts, p, diversion), {effort.bound_replications} replications each")
    source = "sim.analysis.bound (arithmetic on the parameters, no simulation)"
    return [
        Check(family, "simulated mean / (a) physical capacity, highest", "ratio",
              max(to_capacity), 1.0, 0.0, "upper bound",
              judge(max(to_capacity), 1.0, 0.0, upper_bound=True), source, note),
        Check(family, "simulated mean / (b) expected deliverable, lowest", "ratio",
              min(to_deliverable), low, 0.0, "lower bound",
              judge(min(to_deliverable), low, 0.0, lower_bound=True), source,
              "weather, berth queues and tank blocking are not in (b)"),
        Check(family, "simulated mean / (b) expected deliverable, highest", "ratio",
              max(to_deliverable), high, 0.0, "upper bound",
              judge(max(to_deliverable), high, 0.0, upper_bound=True), source, note),
    ]


def cycle_bound_checks(base: BaseRun) -> list[Check]:
    """Deterministic chains against the hand-computed bound; the base run below its capacity."""
    family = "cycle bound"
    checks = []
    for case in CYCLE_CASES:
        scenario = deterministic_chain(case)
        limits = hand_stage_limits(scenario)
        stage = min(limits, key=limits.__getitem__)
        expected = limits[stage]
        simulated = run_replication(scenario, 0).transcaspian_mt_per_year
        tolerance = DETERMINISTIC_TOLERANCE * expected
        bound = chain_bound(scenario)
        checks.append(Check(
            family, f"{case.tankers} tankers, {case.aktau_berths} Aktau / {case.baku_berths} "
            f"Baku berths ({stage} binds)", "Mt/yr", simulated, expected, tolerance,
            f"{DETERMINISTIC_TOLERANCE:.0%} of the reference",
            judge(simulated, expected, tolerance) if stage == case.binding else "fail",
            "hand calculation: cargo x min(tankers / round trip, berths / call) x 8,760 h",
            f"chain_bound gives {bound.capacity_mt_per_year:.3f} ({bound.capacity_binding})"))
    bound = chain_bound(base.scenario)
    mean = float(base.frame["transcaspian_mt_per_year"].mean())
    checks.append(Check(
        family, "base scenario (weather, outages, queues on) stays below its capacity",
        "Mt/yr",
        mean, bound.capacity_mt_per_year, 0.0, "upper bound", judge(
            mean, bound.capacity_mt_per_year, 0.0, upper_bound=True),
        f"chain_bound ({bound.capacity_binding} binds)",
        f"{len(base.frame)} replications; highest single year "
        f"{base.frame['transcaspian_mt_per_year'].max():.2f}"))
    return checks

@dataclass(frozen=True)
class QueueCase:
    """An M/M/c queue: ``berths`` servers at offered utilisation ``utilisation``."""

    berths: int
    utilisation: float

QUEUE_CASES = (QueueCase(1, 0.7), QueueCase(3, 0.6), QueueCase(3, 0.85))

def aktau_call_hours(scenario: Scenario) -> float:
    """Mean berth time of one Trans-Caspian call at Aktau (h)."""
    aktau = scenario.aktau
    return aktau.berthing_hours + scenario.fleet.cargo_t / aktau.loading_rate_t_per_hour

def simulate_berth_queue(case: QueueCase, mean_call_hours: float, hours: float,
                         rng: np.random.Generator) -> tuple[float, float]:
    """Mean wait (h) and berth occupancy (0-1) of a BerthGroup fed Poisson arrivals.

    Calls last an exponential time; the first 5% of ``hours`` is discarded.
    """
    env = simpy.Environment()
    berths = BerthGroup(env, "validation", case.berths)
    mean_gap_hours = mean_call_hours / (case.utilisation * case.berths)

    def call() -> ProcessGenerator:
        with berths.request() as request:
            yield request
            yield env.timeout(rng.exponential(mean_call_hours))

    def arrivals() -> ProcessGenerator:
        while True:
            yield env.timeout(rng.exponential(mean_gap_hours))
            env.process(call())

    def start_measuring() -> ProcessGenerator:
        yield env.timeout(0.05 * hours)
        berths.reset(env.now)

    env.process(arrivals())
    env.process(start_measuring())
    env.run(until=hours)
    stats = berths.measure(env.now)
    return stats.wait_mean_hours, stats.occupancy

def erlang_c_checks(effort: Effort, call_hours: float) -> list[Check]:
    """Berth waits and occupancy against M/M/c theory, for calls of ``call_hours`` hours."""
    family = "Erlang C"
    checks = []
    for index, case in enumerate(QUEUE_CASES):
        runs = [simulate_berth_queue(case, call_hours, effort.queue_hours,
                                     stand_alone_rng(2, index, k))
                for k in range(effort.queue_replications)]
        waits, occupancy = (np.array(column) for column in zip(*runs, strict=True))
        arrivals = case.utilisation * case.berths / call_hours
        plural = "s" if case.berths > 1 else ""
        label = f"{case.berths} berth{plural}, utilisation {case.utilisation:g}"
        checks.append(statistical_check(
            family, f"{label}: mean wait for a berth", "h", waits,
            erlang_c_wait_hours(arrivals, call_hours, case.berths),
            "Erlang C formula (M/M/c)",
            f"calls of {call_hours:.1f} h (an Aktau call), {effort.queue_hours:,.0f} h per "
            "replication"))
        checks.append(statistical_check(family, f"{label}: berth occupancy", "share", occupancy,
                                        case.utilisation, "M/M/c: occupancy = arrival rate x "
                                        "call time / berths"))
    return checks

def simulate_outages(params: Disruption, years: float, replications: int, case: int
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Disrupted share (0-1) and onsets per year of ``replications`` runs of ``years``."""
    shares, onsets = [], []
    for k in range(replications):
        env = simpy.Environment()
        outage = OutageProcess(env, params, stand_alone_rng(3, case, k))
        env.run(until=years * HOURS_PER_YEAR)
        shares.append(outage.disrupted_hours(env.now) / env.now)
        onsets.append(outage.onsets / years)
    return np.array(shares), np.array(onsets)

def simulate_closed_days(scenario: Scenario, years: float, replications: int) -> np.ndarray:
    """Days a year the Aktau weather gate is closed, per replication of ``years`` years."""
    days = []
    for k in range(replications):
        env = simpy.Environment()
        gate = WeatherGate(env, scenario.aktau.weather, stand_alone_rng(4, 0, k))
        env.run(until=years * HOURS_PER_YEAR)
        days.append(gate.closed_hours(env.now) / HOURS_PER_DAY / years)
    return np.array(days)

def availability_checks(effort: Effort, base: BaseRun, crisis: Scenario) -> list[Check]:
    """Outage and weather processes, alone and inside the base run, against their formulas."""
    family = "availability"
    sc = base.scenario
    processes = [("CPC major disruptions (base)", sc.russian_route.disruption),
                 ("CPC major disruptions (cpc_crisis)", crisis.russian_route.disruption),
                 ("CPC minor halts (given as a rate)", sc.russian_route.minor_halts),
                 ("BTC stops", sc.btc.disruption)]
    checks = []
    for case, (label, params) in enumerate(processes):
        shares, onsets = simulate_outages(params, effort.outage_years,
                                          effort.outage_replications, case)
        detail = (f"p = {reference_share(params):.4f}, mean {params.mean_duration_days:g} d, "
                  f"clustering CV {params.clustering_cv:g}; {effort.outage_years:g}-year runs")
        checks.append(statistical_check(family, f"{label}: share of time disrupted", "share",
                                        shares, reference_share(params),
                                        "alternating renewal: E[down] / (E[up] + E[down])",
                                        detail))
        checks.append(statistical_check(family, f"{label}: onsets per year", "1/yr", onsets,
                                        reference_onsets_per_year(params),
                                        "renewal rate p / D (per calendar year)", detail))
    stated = sum(sc.aktau.weather.closure_days_per_month)
    checks.append(statistical_check(
        family, "Aktau weather gate alone: closed days per year", "days/yr",
        simulate_closed_days(sc, effort.outage_years, effort.outage_replications), stated,
        "sum of closure_days_per_month (reference defaults)",
        f"{effort.outage_years:g}-year runs"))
    frame = base.frame
    in_model = [("base run: CPC share of days in a major disruption",
                 frame["russian_disrupted_days_per_year"] / DAYS_PER_YEAR, "share",
                 reference_share(sc.russian_route.disruption)),
                ("base run: BTC share of days stopped",
                 frame["btc_disrupted_days_per_year"] / DAYS_PER_YEAR, "share",
                 reference_share(sc.btc.disruption)),
                ("base run: Aktau closed days per year",
                 frame["aktau_weather_closed_days_per_year"], "days/yr", stated),
                ("base run: Baku closed days per year", frame["baku_weather_closed_days_per_year"],
                 "days/yr", sum(sc.baku.weather.closure_days_per_month))]
    for name, values, unit, reference in in_model:
        checks.append(statistical_check(family, name, unit, values, reference,
                                        "the same formulas, inside the full model",
                                        "one-year replications of scenarios/base.toml"))
    return checks
