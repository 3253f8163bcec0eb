"""Random streams: one independent generator per replication and random source.

Replication ``k`` of a run with root seed ``s`` draws source ``x`` (instance ``i``)
from ``SeedSequence(s, spawn_key=(k, x, i))``. A source's stream therefore does
not depend on which other sources exist, on the sweep point, or on the worker
process that runs the replication: sweeps compare scenarios under common random
numbers, and serial and parallel runs give identical numbers.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Source(IntEnum):
    """Every random source in the model. Never renumber: it would change all results."""

    RUSSIAN_MAJOR = 1
    RUSSIAN_MINOR = 2
    BTC_OUTAGE = 3
    WEATHER_AKTAU = 4
    WEATHER_BAKU = 5
    OTHER_TRAFFIC = 6  # at Aktau
    TANKER = 7
    BAKU_OTHER_TRAFFIC = 8
    BERTH_OUTAGE_AKTAU = 9  # index: 2 x berth + (0 maintenance, 1 breakdowns)
    BERTH_OUTAGE_BAKU = 10


def stream(seed: int, replication: int, source: Source, index: int = 0) -> np.random.Generator:
    """The generator for one source (and instance) of one replication."""
    sequence = np.random.SeedSequence(seed, spawn_key=(replication, int(source), index))
    return np.random.Generator(np.random.PCG64(sequence))


def lognormal_mu(mean: float, sigma: float) -> float:
    """Log-space location giving a lognormal the requested mean (same unit as ``mean``)."""
    return float(np.log(mean) - 0.5 * sigma * sigma)
