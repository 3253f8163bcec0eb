"""The Russian route's p comes from the 2022-2025 record, by a function a test holds to."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sim.analysis.calibration import Episode, Record, calibrate, cpc_record, disrupted_days
from sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def test_overlapping_episodes_count_each_day_once_and_only_inside_the_window():
    a = Episode(dt.date(2024, 12, 20), dt.date(2025, 1, 11), "a", "s")
    b = Episode(dt.date(2025, 1, 5), dt.date(2025, 1, 21), "b", "s")
    assert disrupted_days((a, b), dt.date(2025, 1, 1), dt.date(2026, 1, 1)) == 20


def test_a_record_gives_share_onsets_and_mean_length():
    record = Record(dt.date(2020, 1, 1), dt.date(2022, 1, 1), (
        Episode(dt.date(2020, 3, 1), dt.date(2020, 3, 31), "x", "s"),
        Episode(dt.date(2021, 12, 17), dt.date(2022, 1, 16), "y", "s")))
    cal = calibrate(record)
    assert cal.probability == pytest.approx((30 + 15) / 731)
    assert cal.onsets_per_year == pytest.approx(2 / (731 / 365))
    assert cal.mean_duration_days == 30.0
    assert cal.share_by_year == {2020: pytest.approx(30 / 366), 2021: pytest.approx(15 / 365)}


def test_the_base_scenario_uses_the_record_of_2022_to_2025():
    cal = calibrate(cpc_record())
    assert cal.probability == pytest.approx(258 / 1461)
    assert cal.onsets_per_year == pytest.approx(1.25, abs=0.01)
    disruption = load_scenario(ROOT / "scenarios" / "base.toml").scenario.russian_route.disruption
    assert disruption.probability == round(cal.probability, 2)
    assert disruption.mean_duration_days == round(cal.mean_duration_days, 1)


def test_the_crisis_scenarios_use_the_record_of_their_years():
    cal = calibrate(cpc_record())
    assert round(cal.share_by_year[2025], 2) == load_scenario(
        ROOT / "scenarios" / "history_2025.toml").scenario.russian_route.disruption.probability
    crisis = load_scenario(ROOT / "scenarios" / "cpc_crisis.toml").scenario
    assert crisis.russian_route.disruption.probability == round(
        (cal.share_by_year[2022] + cal.share_by_year[2025]) / 2, 2)
