"""Units and conversions shared by the scenario, the model and the reports.

Time inside the model is in hours; a year is 365 days of 24 hours. Volumes are
tonnes inside the model and million tonnes (Mt) per year in scenarios and reports.
"""

from __future__ import annotations

HOURS_PER_DAY = 24.0
DAYS_PER_YEAR = 365.0
HOURS_PER_YEAR = HOURS_PER_DAY * DAYS_PER_YEAR
TONNES_PER_MT = 1e6


def mt_per_year_to_t_per_hour(mt_per_year: float) -> float:
    """Convert a flow in Mt/yr to t/h."""
    return mt_per_year * TONNES_PER_MT / HOURS_PER_YEAR


def t_per_day_to_mt_per_year(t_per_day: float) -> float:
    """Convert a flow in t/day to Mt/yr."""
    return t_per_day * DAYS_PER_YEAR / TONNES_PER_MT
