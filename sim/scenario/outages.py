"""Outage processes in the scenario: how often and how long a capacity is cut, and by how much."""

from __future__ import annotations

import math

from pydantic import model_validator

from sim.errors import FieldRuleError
from sim.scenario.base import F, Section
from sim.units import DAYS_PER_YEAR

#: Largest Beta concentration a + b = m(1-m)/sd^2 - 1 of a capacity loss: beyond it the
#: loss is fixed to ~12 digits, and SciPy's Beta quantiles (used by the ceiling) lose
#: their accuracy near 1e17 and return NaN beyond; sd = 0 is the way to fix the loss.
MAX_BETA_CONCENTRATION = 1e12
#: Smallest Beta parameter a or b whose draws and quantiles are still computed (SciPy's
#: quantiles raise for subnormal parameters, below ~2.2e-308).
MIN_BETA_PARAMETER = 1e-300


class Disruption(Section):
    """An alternating up/down outage process that removes a fraction of a capacity.

    Give either ``probability`` (steady-state share of time disrupted) or
    ``rate_per_year`` (disruption onsets per year of operation); the other
    follows from ``rate = p / (mean_duration * (1 - p))``.
    """

    probability: float | None = F(None, "Steady-state probability that the route is "
                                  "disrupted on a given day (unavailability).",
                                  "See the route's defaults.", ge=0, lt=1)
    rate_per_year: float | None = F(None, "Disruption onsets per year while up; alternative "
                                    "to probability.", "See the route's defaults.", ge=0,
                                    le=365)
    mean_duration_days: float = F(56.4, "Mean duration of a disruption (days); durations "
                                  "are lognormal.", "sources §1.3: five episodes of 20-103 d "
                                  "in 2022-2025, mean 56.4 d.", gt=0, le=3650)
    duration_sigma_log: float = F(0.55, "Log-space standard deviation of the lognormal "
                                  "duration; 0 makes durations fixed.",
                                  "sources §1.3: durations 20-103 d (ESTIMATE of the spread).",
                                  ge=0, le=3)
    capacity_loss_fraction: float = F(0.40, "Mean fraction of capacity removed while "
                                      "disrupted.", "sources §1.4: Beta mean 0.40 "
                                      "(one SPM ~0.45-0.5, pump station 0.3-0.4).", gt=0, le=1)
    capacity_loss_sd: float = F(0.10, "Standard deviation of the capacity loss across events "
                                "(Beta distribution); 0 makes it fixed.",
                                "sources §1.4, §7.11: losses 0.25-0.55 (ESTIMATE of spread).",
                                ge=0, le=0.5)
    clustering_cv: float = F(1.0, "Coefficient of variation of the up-times between "
                             "disruptions: 1 is a Poisson process, >1 clusters events "
                             "(calm years, then bursts) with the same mean and "
                             "steady-state probability.", "sources §1.3, §7.11: 3, 0, 0, 2 "
                             "episodes in 2022-2025 (ESTIMATE of dispersion).", ge=1, le=10)

    @model_validator(mode="after")
    def _probability_or_rate(self) -> Disruption:
        if self.probability is not None and self.rate_per_year is not None:
            raise FieldRuleError("rate_per_year", self.rate_per_year, "give either probability "
                                 f"(here {self.probability}) or rate_per_year, not both")
        if self.probability is None and self.rate_per_year is None:
            raise FieldRuleError("probability", None, "missing: give probability or "
                                 "rate_per_year")
        if self.capacity_loss_sd > 0 and self.capacity_loss_fraction < 1:
            m = self.capacity_loss_fraction
            if self.capacity_loss_sd**2 >= m * (1 - m):
                raise FieldRuleError("capacity_loss_sd", self.capacity_loss_sd,
                                     f"must be below sqrt(m*(1-m)) = "
                                     f"{math.sqrt(m * (1 - m)):.3f} for the mean loss m = {m} "
                                     "(a Beta distribution)")
            problem = _beta_problem(m, self.capacity_loss_sd)
            if problem is not None:
                raise FieldRuleError("capacity_loss_sd", self.capacity_loss_sd, problem)
        return self

    @property
    def mode(self) -> str:
        """Which parameter the scenario gave: ``"probability"`` or ``"rate"``."""
        return "probability" if self.probability is not None else "rate"

    @property
    def steady_state_probability(self) -> float:
        """Long-run share of time disrupted (dimensionless)."""
        if self.probability is not None:
            return self.probability
        rate_per_day = self.rate_per_year / DAYS_PER_YEAR  # type: ignore[operator]
        busy = rate_per_day * self.mean_duration_days
        return busy / (1.0 + busy)

    @property
    def onset_rate_per_year(self) -> float:
        """Disruption onsets per year of up-time (1/yr)."""
        if self.rate_per_year is not None:
            return self.rate_per_year
        p = self.probability or 0.0
        return p / (self.mean_duration_days * (1.0 - p)) * DAYS_PER_YEAR


def _beta_problem(mean: float, sd: float) -> str | None:
    """Why the model's Beta(a, b) of a loss with this mean and sd cannot be computed, or None.

    The model draws the loss as Beta(m k, (1 - m) k) with k = m (1 - m) / sd^2 - 1.
    """
    variance = sd * sd
    k = mean * (1 - mean) / variance - 1 if variance > 0 else math.inf
    if not k <= MAX_BETA_CONCENTRATION:
        least = math.sqrt(mean * (1 - mean) / (MAX_BETA_CONCENTRATION + 1))
        squared = "sd*sd underflows to 0, " if variance == 0 else ""
        return (f"so small that the loss is fixed in all but name ({squared}Beta "
                f"concentration m(1-m)/sd^2 - 1 = {k:.3g} > {MAX_BETA_CONCENTRATION:.0e}, where "
                f"its draws and quantiles are no longer finite numbers); use 0 for a fixed "
                f"loss, or at least {least:.3g}")
    if min(mean * k, (1 - mean) * k) < MIN_BETA_PARAMETER:
        return (f"gives a Beta parameter too small to compute with (a = {mean * k:.3g}, "
                f"b = {(1 - mean) * k:.3g}, below {MIN_BETA_PARAMETER:g}) for the mean loss "
                f"m = {mean!r}; use 0 for a fixed loss")
    return None
