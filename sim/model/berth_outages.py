"""Berth outages: each berth's maintenance blocks and breakdowns take it out of service.

Per berth and per kind, outages begin as a Poisson process; each one asks its
berth group for a berth at :data:`~sim.model.berths.OUTAGE_PRIORITY` (so it
takes the next berth a ship leaves, before any waiting ship) and holds it for a
lognormal time (sigma_log :data:`DURATION_SIGMA_LOG`) with the scenario's mean.
The next up-time starts when the berth is back in service.
"""

from __future__ import annotations

import math

import numpy as np
import simpy

from sim.model.berths import OUTAGE_PRIORITY, BerthGroup
from sim.model.process import ProcessGenerator
from sim.model.rng import lognormal_mu
from sim.scenario.ports import BerthOutages
from sim.units import HOURS_PER_DAY, HOURS_PER_YEAR

#: Log-space spread of outage durations (a week's maintenance lasts ~4-12 days).
DURATION_SIGMA_LOG = 0.5


def start_berth_outages(env: simpy.Environment, berths: BerthGroup, params: BerthOutages,
                        rngs: list[np.random.Generator], first_berth: int = 0) -> None:
    """Start the outage processes of every berth (two per berth: maintenance, breakdowns).

    ``rngs`` holds one generator per process, berth by berth, maintenance first, from
    berth ``first_berth`` on (berths added by a dated change start their own). A berth
    beyond the group's current number (after a dated cut) takes no outages.
    """
    kinds = ((params.maintenance_per_year, params.maintenance_days),
             (params.breakdowns_per_year, params.breakdown_days))
    for berth in range(first_berth, berths.berths):
        for kind, (per_year, mean_days) in enumerate(kinds):
            if per_year > 0:
                env.process(_outages(env, berths, per_year, mean_days,
                                     rngs[2 * (berth - first_berth) + kind], berth))


def _outages(env: simpy.Environment, berths: BerthGroup, per_year: float, mean_days: float,
             rng: np.random.Generator, berth_index: int = 0) -> ProcessGenerator:
    mean_up_hours = HOURS_PER_YEAR / per_year
    mu = lognormal_mu(mean_days * HOURS_PER_DAY, DURATION_SIGMA_LOG)
    while True:
        yield env.timeout(mean_up_hours * rng.standard_exponential())
        duration = math.exp(mu + DURATION_SIGMA_LOG * rng.standard_normal())
        if berth_index >= berths.berths:  # this berth was removed by a dated change
            continue
        with berths.request(OUTAGE_PRIORITY) as berth:
            yield berth
            yield env.timeout(duration)
