"""The two figures of ``sim bound`` against simulation, over random chains.

(a) the physical capacity is an upper bound of the simulated mean; (b) the
expected deliverable is within its stated band of it (``DELIVERABLE_BAND``);
both within three standard errors of the mean of a few replications.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.analysis.bound import DELIVERABLE_BAND, chain_bound
from sim.scenario.schema import Scenario
from sim.study import run_replications
from sim.validation.theory_checks import random_chain

BASE = Scenario()


@settings(max_examples=8, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1))
def test_the_mean_never_exceeds_a_and_stays_within_the_band_of_b(seed):
    scenario = random_chain(BASE, np.random.default_rng(seed))
    volumes = run_replications(scenario, replications=6, jobs=1)["transcaspian_mt_per_year"]
    mean, slack = float(volumes.mean()), 3 * float(volumes.std(ddof=1)) / len(volumes) ** 0.5
    bound = chain_bound(scenario)
    assert mean - slack <= bound.capacity_mt_per_year
    low, high = DELIVERABLE_BAND
    assert low * bound.deliverable_mt_per_year <= mean + slack
    assert mean - slack <= high * bound.deliverable_mt_per_year


def test_b_never_exceeds_a_and_a_rises_with_each_stage():
    bound = chain_bound(BASE)
    assert bound.deliverable_mt_per_year <= bound.capacity_mt_per_year
    more = chain_bound(BASE.model_copy(update={"fleet": BASE.fleet.model_copy(
        update={"tankers": 20})}))
    assert more.fleet_mt_per_year > bound.fleet_mt_per_year
    assert more.capacity_binding != "fleet"


def test_diverted_supply_exists_only_while_diversion_is_active():
    calm = BASE.model_copy(update={"russian_route": BASE.russian_route.model_copy(
        update={"disruption": BASE.russian_route.disruption.model_copy(
            update={"probability": 0.0})})})
    assert chain_bound(calm).expected_diverted_mt_per_year == 0.0
    bound = chain_bound(BASE)
    assert 0 < bound.diversion_active_share < BASE.russian_route.disruption.probability
