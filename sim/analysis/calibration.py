"""The Russian route's disruption probability p, derived from the 2022-2025 record.

p is the long-run share of days the route is in a major disruption (DOMAIN.md).
:func:`calibrate` measures it on the record (``cpc_disruptions.toml``, shipped
with the package, each episode citing docs/sources.md): the union of the days
of every episode inside the window, over the window's days; beside it the
onsets per year, the mean episode length and the share of each calendar year.
``scenarios/base.toml`` takes p and the mean duration from here (a test holds
them equal).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from importlib.resources import files

from sim.units import DAYS_PER_YEAR


@dataclass(frozen=True)
class Episode:
    """One major disruption: from ``start`` (inclusive) to ``end`` (exclusive)."""

    start: dt.date
    end: dt.date
    what: str
    source: str

    @property
    def days(self) -> int:
        """Length of the whole episode (days)."""
        return (self.end - self.start).days


@dataclass(frozen=True)
class Record:
    """A disruption record: its episodes and the window they were observed in."""

    window_start: dt.date
    window_end: dt.date
    episodes: tuple[Episode, ...]


@dataclass(frozen=True)
class Calibration:
    """What the record says about the disruption process."""

    probability: float  # share of the window's days in a disruption
    onsets_per_year: float  # episodes beginning in the window, per year of window
    mean_duration_days: float  # mean length of those episodes (whole episodes)
    share_by_year: dict[int, float]  # share of each calendar year's days in a disruption


def cpc_record() -> Record:
    """The 2022-2025 record of major CPC disruptions (shipped with the package)."""
    text = files("sim.analysis").joinpath("cpc_disruptions.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    episodes = tuple(Episode(e["start"], e["end"], e["what"], e["source"])
                     for e in data["episode"])
    return Record(data["window_start"], data["window_end"], episodes)


def disrupted_days(episodes: tuple[Episode, ...], start: dt.date, end: dt.date) -> int:
    """Days from ``start`` to ``end`` (exclusive) inside at least one episode."""
    days: set[dt.date] = set()
    for episode in episodes:
        first, last = max(episode.start, start), min(episode.end, end)
        days.update(first + dt.timedelta(d) for d in range((last - first).days))
    return len(days)


def calibrate(record: Record) -> Calibration:
    """p, onsets per year and mean duration of a disruption record."""
    window_days = (record.window_end - record.window_start).days
    inside = [e for e in record.episodes if record.window_start <= e.start < record.window_end]
    years = range(record.window_start.year, record.window_end.year)
    share_by_year = {
        year: disrupted_days(record.episodes, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
        / (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days for year in years}
    return Calibration(
        probability=disrupted_days(record.episodes, record.window_start, record.window_end)
        / window_days,
        onsets_per_year=len(inside) / (window_days / DAYS_PER_YEAR),
        mean_duration_days=sum(e.days for e in inside) / len(inside),
        share_by_year=share_by_year)
