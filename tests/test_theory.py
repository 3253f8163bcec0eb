"""The model against results nobody here wrote: flow bounds, availability, Erlang C."""

from __future__ import annotations

import math

import numpy as np
import pytest
import simpy

from sim.analysis.bound import chain_bound
from sim.model.berths import BerthGroup
from sim.model.outages import OutageProcess
from sim.model.replication import run_replication
from sim.scenario.schema import Disruption
from tests.conftest import deterministic_scenario

HOURS_PER_YEAR = 8760.0


def cycle_hours(cargo_t, distance_nm, speed_knots, load_rate, unload_rate):
    """Round trip of one tanker with no waiting, computed by hand (h)."""
    return 2 * distance_nm / speed_knots + cargo_t / load_rate + cargo_t / unload_rate


@pytest.mark.parametrize(("tankers", "aktau_berths", "baku_berths", "binding"), [
    (4, 3, 2, "fleet"),       # 4 x 8,400 t per 83.7 h: 3.52 Mt/yr
    (8, 1, 2, "aktau"),       # one Aktau berth at 18.7 h a cargo: 3.94 Mt/yr
    (10, 3, 1, "baku"),       # one Baku berth at 12 h a cargo: 6.13 Mt/yr
])
def test_deterministic_volume_matches_cycle_and_berth_bound(tankers, aktau_berths, baku_berths,
                                                            binding):
    sc = deterministic_scenario(fleet={"tankers": tankers}, aktau={"berths": aktau_berths},
                                baku={"berths": baku_berths})
    cargo, load, unload = sc.fleet.cargo_t, 450.0, 700.0
    fleet_bound = tankers * cargo * HOURS_PER_YEAR / cycle_hours(cargo, 265, 10, load, unload)
    aktau_bound = aktau_berths * HOURS_PER_YEAR / (cargo / load) * cargo
    baku_bound = baku_berths * HOURS_PER_YEAR / (cargo / unload) * cargo
    bounds = {"fleet": fleet_bound, "aktau": aktau_bound, "baku": baku_bound}
    assert min(bounds, key=bounds.get) == binding
    expected_mt = min(bounds.values()) / 1e6

    result = run_replication(sc, 0)

    assert result.transcaspian_mt_per_year == pytest.approx(expected_mt, rel=0.02)
    # The instant ceiling (python -m sim bound) agrees with the hand computation and the run.
    bound = chain_bound(sc)
    assert bound.capacity_mt_per_year == pytest.approx(expected_mt, rel=1e-9)
    assert bound.capacity_binding.startswith(binding)


def _disrupted_share(params: Disruption, years: float, replications: int) -> np.ndarray:
    shares = []
    for k in range(replications):
        env = simpy.Environment()
        outage = OutageProcess(env, params, np.random.default_rng([7, k]))
        env.run(until=years * HOURS_PER_YEAR)
        shares.append(outage.disrupted_hours(env.now) / env.now)
    return np.array(shares)


@pytest.mark.parametrize(("probability", "clustering_cv"), [(0.05, 1.0), (0.19, 1.0),
                                                            (0.19, 2.0), (0.4, 1.5)])
def test_disrupted_share_matches_probability(probability, clustering_cv):
    params = Disruption(probability=probability, mean_duration_days=57, duration_sigma_log=0.55,
                        clustering_cv=clustering_cv)
    shares = _disrupted_share(params, years=20, replications=200)
    half = 1.96 * shares.std(ddof=1) / math.sqrt(len(shares))
    assert abs(shares.mean() - probability) <= half
    assert half < 0.15 * probability  # the interval is tight enough to mean something


def test_rate_and_probability_describe_the_same_process():
    by_rate = Disruption(rate_per_year=1.5, mean_duration_days=57)
    # rate = p / (D (1 - p))  <=>  p = rate D / (1 + rate D)
    rate_d = 1.5 * 57 / 365
    assert by_rate.steady_state_probability == pytest.approx(rate_d / (1 + rate_d))
    by_p = Disruption(probability=by_rate.steady_state_probability, mean_duration_days=57)
    assert by_p.onset_rate_per_year == pytest.approx(1.5)


def erlang_c_wait(arrival_rate, service_rate, servers):
    """Mean wait in queue of an M/M/c queue (Erlang C), same time unit as the rates."""
    a = arrival_rate / service_rate
    rho = a / servers
    top = a**servers / math.factorial(servers) / (1 - rho)
    bottom = sum(a**k / math.factorial(k) for k in range(servers)) + top
    return top / bottom / (servers * service_rate - arrival_rate)


@pytest.mark.slow
@pytest.mark.parametrize(("servers", "rho"), [(1, 0.6), (3, 0.8)])
def test_berth_group_matches_erlang_c(servers, rho):
    service_rate = 1 / 20.0  # a 20 h call
    arrival_rate = rho * servers * service_rate
    means = []
    for k in range(40):
        env = simpy.Environment()
        rng = np.random.default_rng([11, servers, k])
        berths = BerthGroup(env, "test", servers)

        def call(env=env, berths=berths, rng=rng):
            with berths.request() as req:
                yield req
                yield env.timeout(rng.exponential(1 / service_rate))

        def arrivals(env=env, rng=rng, berths=berths, call=call):
            yield env.timeout(0)
            warm = 2_000.0
            reset = False
            while True:
                yield env.timeout(rng.exponential(1 / arrival_rate))
                if not reset and env.now > warm:
                    berths.reset(env.now)
                    reset = True
                env.process(call())

        env.process(arrivals())
        env.run(until=60_000)
        means.append(berths.waits.mean())
        assert berths.measure(env.now).occupancy == pytest.approx(rho, rel=0.1)
    means = np.array(means)
    half = 1.96 * means.std(ddof=1) / math.sqrt(len(means))
    assert abs(means.mean() - erlang_c_wait(arrival_rate, service_rate, servers)) <= half


@pytest.mark.parametrize("overrides", [
    ["supply.transcaspian_nomination_mt_per_year=0", "supply.export_mt_per_year=62",
     "fleet.tankers=12"],
    ["supply.transcaspian_nomination_mt_per_year=1", "supply.export_mt_per_year=64",
     "fleet.tankers=12", "russian_route.disruption.probability=0.3"],
])
def test_the_ceiling_is_an_upper_bound_when_diversion_feeds_the_chain(overrides):
    """Diversion happens only while the Russian route is down, so the ceiling must average
    the surplus over outage states, not take it at the mean capacity."""
    from sim.scenario.loader import load_scenario
    from sim.study import run_replications

    sc = load_scenario("scenarios/base.toml", overrides).scenario
    frame = run_replications(sc, replications=8, jobs=1)
    assert frame["transcaspian_mt_per_year"].mean() <= chain_bound(sc).capacity_mt_per_year


def test_crude_already_in_the_baku_tanks_is_not_counted_as_trans_caspian():
    """A huge opening stock at Baku must not lift the volume above what the fleet can carry."""
    sc = deterministic_scenario(fleet={"tankers": 4}, aktau={"berths": 3},
                                baku={"berths": 2, "initial_level_fraction": 0.5},
                                run={"warmup_days": 0})
    fleet_mt = chain_bound(sc).fleet_mt_per_year
    assert run_replication(sc, 0).transcaspian_mt_per_year <= fleet_mt * 1.01
