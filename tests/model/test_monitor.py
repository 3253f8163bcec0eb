"""Monitors on hand-worked cases: time-weighted levels, tallies, the state clock."""

from __future__ import annotations

from enum import IntEnum

import pytest

from sim.model.monitor import StateClock, Tally, TimeWeighted


def test_a_level_held_for_known_times_has_the_time_weighted_mean_and_maximum():
    level = TimeWeighted(0.0, 10.0, full_at=30.0)
    level.update(2.0, 30.0)  # 10 t for 2 h
    level.update(5.0, 0.0)  # 30 t (full) for 3 h
    assert level.mean(10.0) == pytest.approx((10 * 2 + 30 * 3 + 0 * 5) / 10)
    assert level.maximum() == 30.0
    assert level.hours_full(10.0) == pytest.approx(3.0)


def test_reset_forgets_the_past_but_keeps_the_current_level():
    level = TimeWeighted(0.0, 50.0, full_at=40.0)
    level.update(4.0, 20.0)
    level.reset(6.0)
    assert level.maximum() == 20.0
    assert level.mean(8.0) == pytest.approx(20.0)
    assert level.hours_full(8.0) == 0.0


def test_a_mean_over_no_time_is_the_current_level():
    assert TimeWeighted(3.0, 7.0).mean(3.0) == 7.0


def test_a_tally_counts_and_averages_and_is_zero_when_empty():
    waits = Tally()
    assert waits.mean() == 0.0
    for hours in (1.0, 2.0, 6.0):
        waits.add(hours)
    assert (waits.count, waits.total, waits.mean()) == (3, 9.0, 3.0)
    waits.reset()
    assert (waits.count, waits.mean()) == (0, 0.0)


class Mode(IntEnum):
    IDLE = 0
    BUSY = 1


def test_the_state_clock_books_every_hour_to_exactly_one_state():
    clock = StateClock(0.0, Mode.IDLE, Mode)
    clock.enter(1.5, Mode.BUSY)
    clock.enter(4.0, Mode.IDLE)
    hours = clock.close(5.0)
    assert hours == {Mode.IDLE: 2.5, Mode.BUSY: 2.5}
    clock.reset(5.0)
    assert clock.close(7.0) == {Mode.IDLE: 2.0, Mode.BUSY: 0.0}
