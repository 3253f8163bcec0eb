"""Calendar dates in scenario files: ISO dates, and hours between them.

TOML has a date type (``start_date = 2026-01-01``); a results directory's
``scenario.toml`` and JSON carry the same dates as ISO strings, so a date field
accepts either and holds a :class:`datetime.date`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BeforeValidator

from sim.units import HOURS_PER_DAY


def _to_date(value: Any) -> Any:
    """An ISO date string (``"2026-01-01"``) as a date; anything else unchanged."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError("must be an ISO date such as 2026-01-01") from None
    if isinstance(value, dt.datetime):
        raise ValueError("must be a date without a time of day, e.g. 2026-01-01")
    return value


#: A calendar date in a scenario (TOML date or ISO string).
Date = Annotated[dt.date, BeforeValidator(_to_date)]


def days_between(start: dt.date, end: dt.date) -> int:
    """Calendar days from ``start`` to ``end`` (negative if ``end`` is earlier)."""
    return (end - start).days


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def hours_between(start: dt.date, end: dt.date) -> float:
    """Hours from midnight of ``start`` to midnight of ``end`` (h)."""
    return days_between(start, end) * HOURS_PER_DAY
