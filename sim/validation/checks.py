"""Validation records: a check compares a model number with a number from outside the project.

A :class:`Check` holds the model value, the reference value, the tolerance and
its basis, the verdict and where the reference comes from. Theory checks end in
"pass" or "fail"; a historical comparison outside its tolerance ends in "miss",
a statement about the model's inputs and scope rather than a defect.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.analysis.stats import Values

Verdict = Literal["pass", "fail", "miss"]

#: Root of the random streams of the stand-alone experiments (queues, outages, weather).
VALIDATION_SEED = 20_240_301

#: Relative tolerance of the deterministic cycle and berth bound.
DETERMINISTIC_TOLERANCE = 0.02

#: Standard errors of a simulated mean allowed between it and a theoretical value.
STANDARD_ERRORS = 3.0

#: Relative tolerance of a historical volume: the reported figures are rounded ("~1.4 Mt")
#: and the scenarios rest on contracts, not on monthly liftings.
HISTORY_TOLERANCE = 0.10


@dataclass(frozen=True)
class Effort:
    """How much simulation each family of checks spends."""

    name: str
    model_replications: int
    history_replications: int
    queue_replications: int
    queue_hours: float
    outage_replications: int
    outage_years: float
    bound_scenarios: int
    bound_replications: int
    jobs: int | None = None

FULL = Effort(name="full", model_replications=400, history_replications=100, queue_replications=80,
              queue_hours=100_000.0, outage_replications=400, outage_years=20.0,
              bound_scenarios=60, bound_replications=20)

QUICK = Effort(name="quick", model_replications=8, history_replications=4, queue_replications=6,
               queue_hours=20_000.0, outage_replications=30, outage_years=10.0,
               bound_scenarios=4, bound_replications=4, jobs=1)

@dataclass(frozen=True)
class Check:
    """One comparison of a model number with a number from outside the project.

    ``tolerance`` is absolute, in ``unit``: the check passes when
    ``|model_value - reference_value| <= tolerance`` (for an upper bound,
    ``model_value <= reference_value + tolerance``; for a lower bound,
    ``model_value >= reference_value - tolerance``).
    """

    family: str
    name: str
    unit: str
    model_value: float
    reference_value: float
    tolerance: float
    tolerance_basis: str
    verdict: Verdict
    reference_source: str
    note: str = ""

    @property
    def relative_difference(self) -> float:
        """(model - reference) / reference (dimensionless)."""
        return (self.model_value - self.reference_value) / self.reference_value

def judge(model: float, reference: float, tolerance: float, *, upper_bound: bool = False,
          lower_bound: bool = False, outside: Verdict = "fail") -> Verdict:
    """Verdict of one comparison: "pass", or ``outside`` when the tolerance is exceeded."""
    if upper_bound:
        return "pass" if model <= reference + tolerance else outside
    if lower_bound:
        return "pass" if model >= reference - tolerance else outside
    return "pass" if abs(model - reference) <= tolerance else outside

def standard_error(values: Values) -> float:
    """Return the standard error of the mean of replication values (unit of the values)."""
    x = np.asarray(values, dtype=float)
    return float(x.std(ddof=1) / math.sqrt(len(x))) if len(x) > 1 else math.inf

def statistical_check(family: str, name: str, unit: str, values: Values,
                      reference: float, source: str, note: str = "") -> Check:
    """Compare the mean of replication values with a theoretical value, within 3 SE."""
    x = np.asarray(values, dtype=float)
    tolerance = STANDARD_ERRORS * standard_error(x)
    mean = float(x.mean())
    return Check(family, name, unit, mean, reference, tolerance,
                 f"{STANDARD_ERRORS:g} standard errors of the mean of {len(x)} replications",
                 judge(mean, reference, tolerance), source, note)


def stand_alone_rng(family: int, case: int, replication: int) -> np.random.Generator:
    """Random stream of one replication of one stand-alone experiment."""
    return np.random.default_rng([VALIDATION_SEED, family, case, replication])
