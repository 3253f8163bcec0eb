"""Summary statistics with honest uncertainty: every mean comes with a 95% CI and its n."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeAlias

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

#: Replication values: a list, a NumPy array or a pandas Series of numbers.
Values: TypeAlias = "Sequence[float] | npt.NDArray[np.float64] | pd.Series"


#: Fewer replications than this and a 95% interval rests on too little: reports mark it.
MIN_REPLICATIONS_FOR_CI = 10


def summarize(values: Values, binary: bool = False, low: float = -math.inf,
              high: float = math.inf) -> dict[str, float]:
    """Mean, 95% confidence interval, P5/P50/P95 and n of replication values.

    The interval is Student-t for continuous values and Wilson for 0/1
    indicators (``binary=True``), which stays inside [0, 1] and is not
    degenerate when every replication agrees. A Student-t interval is cut to
    [``low``, ``high``], the values a replication can give (a volume is never
    negative). With a single replication the Student-t interval is undefined and
    reported as NaN (null in JSON).
    """
    x = np.asarray(values, dtype=float)
    n = len(x)
    mean = float(x.mean())
    if binary:
        ci_low, ci_high = wilson_interval(mean, n)
    elif n > 1:
        half = float(t_975(n - 1) * x.std(ddof=1) / math.sqrt(n))
        ci_low, ci_high = max(low, mean - half), min(high, mean + half)
    else:  # one replication says nothing about the spread of the mean
        ci_low = ci_high = math.nan
    p5, p50, p95 = (float(v) for v in np.percentile(x, [5, 50, 95]))
    return {"mean": mean, "ci95_low": ci_low, "ci95_high": ci_high, "p5": p5, "p50": p50,
            "p95": p95, "n": n}


def too_few(n: int) -> bool:
    """Whether ``n`` replications are too few for a 95% interval to mean much."""
    return n < MIN_REPLICATIONS_FOR_CI


def t_975(degrees_of_freedom: float) -> float:
    """The 97.5% quantile of Student's t (two-sided 95% intervals)."""
    from scipy.special import stdtrit  # imported on first use: it takes a while to load

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
    low = 0.0 if p_hat <= 0 else max(0.0, centre - spread)  # exact at the ends, not 1e-17
    high = 1.0 if p_hat >= 1 else min(1.0, centre + spread)
    return low, high


def paired_difference(reference: Values, other: Values, binary: bool = False
                      ) -> dict[str, float]:
    """Mean of ``other - reference`` over paired replications, with its Student-t 95% CI.

    Both hold the same replications in the same order (common random numbers), so
    the interval reflects only how the difference varies between replications. With
    fewer than two pairs the interval is NaN; when every pair differs by the same
    amount it has zero width. For 0/1 values (``binary``) the interval is cut to
    [-1, 1], the range a difference of probabilities can take.
    """
    d = np.asarray(other, dtype=float) - np.asarray(reference, dtype=float)
    n = len(d)
    mean = float(d.mean()) if n else math.nan
    half = half_width(d) if n > 1 else math.nan
    sd = float(d.std(ddof=1)) if n > 1 else math.nan
    low, high = mean - half, mean + half
    if binary:
        low, high = max(-1.0, low), min(1.0, high)
    return {"mean": mean, "ci95_low": low, "ci95_high": high, "half_width": half, "sd": sd,
            "n": n}


def unpaired_half_width(a: Values, b: Values) -> float:
    """Half-width of the Welch 95% CI of ``mean(b) - mean(a)`` had the samples been independent.

    For reporting what common random numbers save: the paired half-width of the same
    difference is usually several times smaller.
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(x) < 2 or len(y) < 2:
        return math.inf
    va, vb = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    if va + vb == 0:
        return 0.0
    dof = (va + vb) ** 2 / (va**2 / (len(x) - 1) + vb**2 / (len(y) - 1))
    return float(t_975(dof) * math.sqrt(va + vb))


def verdict(low: float, high: float) -> str:
    """Read a 95% CI of a difference: significantly higher, lower, or no detectable difference."""
    if math.isfinite(low) and low > 0:
        return "significantly higher"
    if math.isfinite(high) and high < 0:
        return "significantly lower"
    return "no detectable difference"
