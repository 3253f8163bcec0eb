"""Summary statistics with honest uncertainty: every mean comes with a 95% CI and its n."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.special import stdtrit

#: Replication values: a list, a NumPy array or a pandas Series of numbers.
Values: TypeAlias = Sequence[float] | npt.NDArray[np.float64] | pd.Series


def summarize(values: Values, binary: bool = False) -> dict[str, float]:
    """Mean, 95% confidence interval, P5/P50/P95 and n of replication values.

    The interval is Student-t for continuous values and Wilson for 0/1
    indicators (``binary=True``), which stays inside [0, 1] and is not
    degenerate when every replication agrees. With a single replication the
    Student-t interval is undefined and reported as NaN (null in JSON).
    """
    x = np.asarray(values, dtype=float)
    n = len(x)
    mean = float(x.mean())
    if binary:
        low, high = wilson_interval(mean, n)
    elif n > 1:
        half = float(t_975(n - 1) * x.std(ddof=1) / math.sqrt(n))
        low, high = mean - half, mean + half
    else:  # one replication says nothing about the spread of the mean
        low = high = math.nan
    p5, p50, p95 = (float(v) for v in np.percentile(x, [5, 50, 95]))
    return {"mean": mean, "ci95_low": low, "ci95_high": high, "p5": p5, "p50": p50,
            "p95": p95, "n": n}


def t_975(degrees_of_freedom: int) -> float:
    """The 97.5% quantile of Student's t (two-sided 95% intervals)."""
    return float(stdtrit(degrees_of_freedom, 0.975))


def half_width(values: Values) -> float:
    """Half-width of the Student-t 95% interval of the mean (inf for fewer than 2 values)."""
    n = len(values)
    if n < 2:
        return math.inf
    return float(t_975(n - 1) * np.std(values, ddof=1) / math.sqrt(n))


def wilson_interval(p_hat: float, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for a proportion observed in ``n`` trials."""
    if n == 0:
        return 0.0, 1.0
    denom = 1 + z * z / n
    centre = (p_hat + z * z / (2 * n)) / denom
    spread = z * math.sqrt(p_hat * (1 - p_hat) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - spread), min(1.0, centre + spread)
