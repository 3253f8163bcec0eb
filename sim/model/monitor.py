"""Incremental statistics that resources keep about themselves.

All three monitors accumulate in O(1) per update and keep no history, so memory
does not grow with the horizon. ``reset(now)`` starts the measured period (end
of warm-up); times are in hours.
"""

from __future__ import annotations

from enum import IntEnum


class TimeWeighted:
    """Time-weighted mean and maximum of a piecewise-constant level (e.g. tonnes in a tank)."""

    __slots__ = ("_value", "_since", "_start", "_area", "_max", "_full_at", "_full_time")

    def __init__(self, now: float, value: float, full_at: float = float("inf")) -> None:
        self._value = value
        self._since = self._start = now
        self._area = 0.0
        self._max = value
        self._full_at = full_at
        self._full_time = 0.0

    def update(self, now: float, value: float) -> None:
        """Record that the level became ``value`` at time ``now``."""
        elapsed = now - self._since
        if elapsed:
            self._area += self._value * elapsed
            if self._value >= self._full_at:
                self._full_time += elapsed
            self._since = now
        self._value = value
        if value > self._max:
            self._max = value

    def reset(self, now: float) -> None:
        """Forget everything before ``now``; keep the current level."""
        self.update(now, self._value)
        self._start, self._area, self._max, self._full_time = now, 0.0, self._value, 0.0

    def mean(self, now: float) -> float:
        """Time-weighted mean level since the last reset."""
        self.update(now, self._value)
        span = now - self._start
        return self._area / span if span > 0 else self._value

    def maximum(self) -> float:
        """Largest level since the last reset."""
        return self._max

    def hours_full(self, now: float) -> float:
        """Hours since the last reset with the level at or above ``full_at``."""
        self.update(now, self._value)
        return self._full_time


class Tally:
    """Count and sum of observations (e.g. waiting times in hours)."""

    __slots__ = ("count", "total")

    def __init__(self) -> None:
        self.count, self.total = 0, 0.0

    def add(self, value: float) -> None:
        """Record one observation."""
        self.count += 1
        self.total += value

    def reset(self) -> None:
        """Forget all observations."""
        self.count, self.total = 0, 0.0

    def mean(self) -> float:
        """Mean observation (0 when there are none)."""
        return self.total / self.count if self.count else 0.0


class StateClock:
    """Hours spent in each state of an integer enum (e.g. a tanker's loading/sailing/waiting).

    States index a list, so a switch costs two list operations (no hashing).
    """

    __slots__ = ("_state", "_since", "_hours", "_states")

    def __init__(self, now: float, state: IntEnum, states: type[IntEnum]) -> None:
        self._state, self._since = int(state), now
        self._states = states
        self._hours = [0.0] * len(states)

    def enter(self, now: float, state: int) -> None:
        """Switch to ``state`` at time ``now``."""
        self._hours[self._state] += now - self._since
        self._state, self._since = state, now

    def reset(self, now: float) -> None:
        """Zero the totals; the current state continues from ``now``."""
        self._since = now
        self._hours = [0.0] * len(self._hours)

    def close(self, now: float) -> dict[IntEnum, float]:
        """Bring totals up to ``now`` and return hours per state."""
        self.enter(now, self._state)
        return {state: self._hours[state] for state in self._states}


class LinearLevel:
    """Time-weighted mean, maximum and time above a threshold of a piecewise-linear level.

    Between updates the level moves linearly (a tank filled or drained at a constant
    rate); :meth:`update` gives the value and the slope from ``now`` on. The mean is
    exact (trapezoids) and so is the time at or above ``full_at`` (the crossing time
    is interpolated).
    """

    __slots__ = ("_value", "_slope", "_since", "_start", "_area", "_max", "_full_at",
                 "_full_time")

    def __init__(self, now: float, value: float, full_at: float = float("inf")) -> None:
        self._value, self._slope = value, 0.0
        self._since = self._start = now
        self._area = 0.0
        self._max = value
        self._full_at = full_at
        self._full_time = 0.0

    def _advance(self, now: float) -> None:
        """Integrate the segment from the last update to ``now``."""
        dt = now - self._since
        if dt <= 0:
            return
        start, end = self._value, self._value + self._slope * dt
        self._area += 0.5 * (start + end) * dt
        if start >= self._full_at and end >= self._full_at:
            self._full_time += dt
        elif start >= self._full_at or end >= self._full_at:  # crosses within the segment
            above = (max(start, end) - self._full_at) / abs(end - start)
            self._full_time += dt * above
        self._max = max(self._max, end)
        self._value, self._since = end, now

    def update(self, now: float, value: float, slope: float = 0.0) -> None:
        """From ``now`` on the level is ``value`` and moves at ``slope`` per hour."""
        self._advance(now)
        self._value, self._slope = value, slope
        if value > self._max:
            self._max = value

    def reset(self, now: float) -> None:
        """Forget everything before ``now``; keep the current level and slope."""
        self._advance(now)
        self._start, self._area, self._max, self._full_time = now, 0.0, self._value, 0.0

    def mean(self, now: float) -> float:
        """Time-weighted mean level since the last reset."""
        self._advance(now)
        span = now - self._start
        return self._area / span if span > 0 else self._value

    def maximum(self) -> float:
        """Largest level since the last reset (up to the last update)."""
        return self._max

    def hours_full(self, now: float) -> float:
        """Hours since the last reset with the level at or above ``full_at``."""
        self._advance(now)
        return self._full_time
