"""The event recorder: logging changes no number, and what it logs adds up to what was measured."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.model.recorder import INJECTED, EventRecorder, flag_intervals
from sim.model.replication import run_replication
from sim.model.results import ReplicationResult
from sim.report.event_log import event_log
from sim.report.timeline import daily_mean
from sim.scenario.loader import load_scenario
from sim.units import HOURS_PER_DAY, HOURS_PER_YEAR, TONNES_PER_MT
from tests.conftest import SCENARIOS, deterministic_scenario


@pytest.fixture(scope="module")
def base():
    """The base scenario, one 120-day measured period (diversion on, every outage on)."""
    return load_scenario(SCENARIOS / "base.toml",
                         ["run.horizon_days=120", "run.warmup_days=20"]).scenario


@pytest.fixture(scope="module")
def recorded(base) -> tuple[ReplicationResult, EventRecorder]:
    recorder = EventRecorder()
    return run_replication(base, 2, recorder=recorder), recorder


def measured_tonnes(result: ReplicationResult, recorder: EventRecorder, mt_per_year: float
                    ) -> float:
    return mt_per_year * TONNES_PER_MT * (recorder.end_h - recorder.warmup_h) / HOURS_PER_YEAR


@pytest.mark.parametrize("replication", [0, 1, 2])
def test_a_recorded_replication_gives_exactly_the_numbers_of_an_unrecorded_one(base, replication):
    assert run_replication(base, replication, recorder=EventRecorder()) == run_replication(
        base, replication)


def test_the_logged_injections_of_the_measured_period_sum_to_the_trans_caspian_volume(recorded):
    result, recorder = recorded
    log = event_log(recorder)
    injected = log[(log["activity"] == INJECTED) & (log["period"] == "measured")]
    expected = measured_tonnes(result, recorder, result.transcaspian_mt_per_year)
    assert expected > 100_000
    assert injected["tonnes"].sum() == pytest.approx(expected, abs=1.0)


def test_every_hour_of_every_tanker_is_in_exactly_one_row(base, recorded):
    _, recorder = recorded
    log = event_log(recorder)
    tankers = log[log["entity"].str.startswith("tanker")]
    assert tankers["entity"].nunique() == base.fleet.tankers
    for _, rows in tankers.groupby("entity"):
        starts, ends = rows["time_h"].to_numpy(), rows["end_h"].to_numpy()
        assert starts[0] == 0.0
        assert ends[-1] == pytest.approx(recorder.end_h)
        assert np.array_equal(starts[1:], ends[:-1])  # no gap, no overlap
        assert (ends > starts).all()


def test_no_row_straddles_the_end_of_warm_up(recorded):
    _, recorder = recorded
    log = event_log(recorder)
    cut = recorder.warmup_h
    assert not ((log["time_h"] < cut) & (log["end_h"] > cut)).any()
    assert set(log["period"]) == {"warmup", "measured"}


def test_the_fleet_time_split_of_the_log_is_the_measured_one(recorded):
    result, recorder = recorded
    log = event_log(recorder)
    rows = log[log["entity"].str.startswith("tanker") & (log["period"] == "measured")]
    hours = rows.assign(h=rows["end_h"] - rows["time_h"]).groupby("activity")["h"].sum()
    total = hours.sum()
    assert (hours["loading"] / total) == pytest.approx(result.fleet_share_loading, abs=1e-9)
    waiting_berth = hours["waiting_berth"] / total
    assert waiting_berth == pytest.approx(result.fleet_share_waiting_berth, abs=1e-9)
    sailing = (hours["sailing_laden"] + hours["sailing_ballast"]) / total
    assert sailing == pytest.approx(result.fleet_share_sailing, abs=1e-9)


def test_cargoes_loaded_and_discharged_carry_their_tonnes(base, recorded):
    _, recorder = recorded
    log = event_log(recorder)
    for activity in ("loading", "sailing_laden", "unloading"):
        whole = log[(log["activity"] == activity)
                    & ~((log["time_h"] == recorder.warmup_h) | (log["end_h"] == recorder.warmup_h))]
        assert (whole["tonnes"] == base.fleet.cargo_t).all()
    assert log.loc[log["activity"] == "sailing_ballast", "tonnes"].isna().all()


def test_the_tank_level_samples_give_the_measured_mean_level_exactly(recorded):
    result, recorder = recorded
    for port, mean_t in (("aktau", result.aktau_tank_mean_t), ("baku", result.baku_tank_mean_t)):
        samples = np.array(recorder.levels[f"{port}_tank_t"])
        t, value, slope = samples[:, 0], samples[:, 1], samples[:, 2]
        assert (np.diff(t) >= 0).all()
        inside = t >= recorder.warmup_h
        start = np.searchsorted(t, recorder.warmup_h, side="right") - 1
        # the segment running at the end of warm-up, then every later one
        t0, v0, s0 = t[start], value[start], slope[start]
        segments = [(recorder.warmup_h, v0 + s0 * (recorder.warmup_h - t0), s0)]
        segments += [(a, b, c) for a, b, c in zip(t[inside], value[inside], slope[inside],
                                                   strict=True) if a > recorder.warmup_h]
        area = 0.0
        for (a, v, s), (b, _, _) in zip(segments, [*segments[1:], (recorder.end_h, 0, 0)],
                                        strict=True):
            area += (v + 0.5 * s * (b - a)) * (b - a)
        assert area / (recorder.end_h - recorder.warmup_h) == pytest.approx(mean_t, rel=1e-9)


def test_berth_occupancy_from_the_logged_steps_is_the_measured_one(base, recorded):
    result, recorder = recorded
    samples = np.array(recorder.steps["aktau_ships_at_berth"])
    t, v = samples[:, 0], samples[:, 1]
    last = np.append(t[1:] != t[:-1], True)
    edges = np.array([recorder.warmup_h, recorder.end_h])
    ships = daily_mean((t[last], v[last]), edges)[0]
    assert ships / base.aktau.berths == pytest.approx(result.aktau_berth_occupancy, rel=1e-9)


def test_weather_closures_in_the_log_last_as_long_as_the_measured_closed_days(recorded):
    result, recorder = recorded
    log = event_log(recorder)
    closed = log[(log["entity"] == "aktau") & (log["activity"] == "weather_closed")
                 & (log["period"] == "measured")]
    days = (closed["end_h"] - closed["time_h"]).sum() / HOURS_PER_DAY
    measured_days = (recorder.end_h - recorder.warmup_h) / HOURS_PER_DAY
    assert days * 365 / measured_days == pytest.approx(
        result.aktau_weather_closed_days_per_year, rel=1e-9)


def test_a_deterministic_chain_logs_its_voyages_in_order():
    """One tanker, nothing random: load, sail laden, discharge, sail back, and again."""
    scenario = deterministic_scenario(fleet={"tankers": 1},
                                      run={"horizon_days": 10, "warmup_days": 0})
    recorder = EventRecorder()
    result = run_replication(scenario, 0, recorder=recorder)
    log = event_log(recorder)
    states = log.loc[log["entity"] == "tanker 00", "activity"].tolist()
    assert states[:8] == ["loading", "sailing_laden", "unloading", "sailing_ballast"] * 2
    voyages = states.count("unloading")
    assert voyages == pytest.approx(result.fleet_voyages_per_year * 10 / 365, abs=1)
    where = log.loc[log["entity"] == "tanker 00", "resource"].tolist()
    assert where[:4] == ["aktau berths", "caspian", "baku berths", "caspian"]


def test_flag_series_become_intervals_cut_at_the_end_of_warm_up():
    samples = [(0.0, 0.0), (5.0, 1.0), (8.0, 0.0), (9.0, 1.0), (9.0, 1.0), (20.0, 0.0),
               (30.0, 1.0), (31.0, 1.0)]
    assert flag_intervals(samples, 10.0) == [(5.0, 8.0), (9.0, 10.0), (10.0, 20.0),
                                             (30.0, 31.0)]


def test_a_daily_mean_of_a_step_series_weights_each_value_by_its_hours():
    t, v = np.array([0.0, 6.0, 30.0]), np.array([1.0, 2.0, 0.0])
    means = daily_mean((t, v), np.array([0.0, 24.0, 48.0]))
    assert means == pytest.approx([(6 * 1 + 18 * 2) / 24, (6 * 2 + 18 * 0) / 24])
    assert not math.isnan(means.sum())


def test_every_recorded_series_is_documented(recorded):
    from sim.report.event_log import SERIES

    _, recorder = recorded
    assert set(SERIES) == set(recorder.levels) | set(recorder.steps)
