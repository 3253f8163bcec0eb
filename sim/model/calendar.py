"""The calendar of one replication: which date an hour of simulated time falls on.

Without ``run.start_date`` simulated time 0 is 1 January of no particular year
and a model month is 365/12 days (the convention before calendars). With it,
the measured period begins at 00:00 of ``start_date`` after ``warmup_days`` of
warm-up, months and years are the real ones (leap days included), and dated
events are placed at their hour.
"""

from __future__ import annotations

import datetime as dt
import math

from sim.units import DAYS_PER_YEAR, HOURS_PER_DAY

#: Length of a model month without a calendar (h).
MODEL_MONTH_HOURS = DAYS_PER_YEAR * HOURS_PER_DAY / 12.0

_HOUR = dt.timedelta(hours=1)


class Calendar:
    """Hours of simulated time against calendar dates (``start_date`` None: model months)."""

    def __init__(self, start_date: dt.date | None, warmup_hours: float) -> None:
        self.start_date = start_date
        self.warmup_hours = warmup_hours
        self.origin = (None if start_date is None else
                       dt.datetime.combine(start_date, dt.time()) - warmup_hours * _HOUR)

    @property
    def dated(self) -> bool:
        """Whether simulated time is on a real calendar."""
        return self.origin is not None

    def hours_of(self, day: dt.date) -> float:
        """Simulated time of 00:00 on ``day`` (h)."""
        if self.origin is None:
            raise ValueError("no calendar: the scenario has no run.start_date")
        return (dt.datetime.combine(day, dt.time()) - self.origin) / _HOUR

    def date_at(self, hours: float) -> dt.datetime:
        """The date and time at simulated time ``hours``."""
        if self.origin is None:
            raise ValueError("no calendar: the scenario has no run.start_date")
        return self.origin + hours * _HOUR

    def month_at(self, hours: float) -> tuple[int, float]:
        """The calendar month (0 = January) at ``hours`` and the hour it ends (h)."""
        if self.origin is None:
            month = int(hours // MODEL_MONTH_HOURS)
            return month % 12, (month + 1) * MODEL_MONTH_HOURS
        now = self.date_at(hours)
        first_next = (dt.datetime(now.year + 1, 1, 1) if now.month == 12
                      else dt.datetime(now.year, now.month + 1, 1))
        return now.month - 1, (first_next - self.origin) / _HOUR

    def years(self, start_hours: float, end_hours: float) -> list[tuple[int, float, float]]:
        """Calendar years overlapping [start, end): (year, from, to) in hours, clipped."""
        if self.origin is None or end_hours <= start_hours:
            return []
        spans = []
        year = self.date_at(start_hours).year
        t = start_hours
        while t < end_hours:
            year_end = min(end_hours, self.hours_of(dt.date(year + 1, 1, 1)))
            if year_end > t:
                spans.append((year, t, year_end))
            t, year = year_end, year + 1
        return spans

    def months(self, start_hours: float, end_hours: float) -> list[tuple[int, int, float]]:
        """Calendar months overlapping [start, end): (year, month 1-12, from) in hours."""
        if self.origin is None or end_hours <= start_hours:
            return []
        first = self.date_at(start_hours)
        year, month = first.year, first.month
        spans, t = [], start_hours
        while t < end_hours:
            spans.append((year, month, t))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            t = self.hours_of(dt.date(year, month, 1))
        return spans

    def year_fraction(self, start_hours: float, end_hours: float) -> float:
        """Share of its calendar year that [start, end) covers (one year's span; 0-1)."""
        if self.origin is None:
            return math.nan
        year = self.date_at(start_hours).year
        days = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
        return (end_hours - start_hours) / (days * HOURS_PER_DAY)
