"""Plans over time: the calendar, per-year results, dated outages and dated changes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import simpy

from sim.model.calendar import Calendar
from sim.model.chain import ExportChain
from sim.model.replication import run_replication, run_replication_years
from sim.model.weather import WeatherGate
from sim.scenario.build import scenario_from_dict
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Weather
from sim.units import HOURS_PER_DAY, TONNES_PER_MT, mt_per_year_to_t_per_hour


def base(*overrides: str):
    return load_scenario("scenarios/base.toml", list(overrides)).scenario


def calm(**sections) -> dict:
    """A deterministic chain: no weather, no random outage, no diversion, no buffer."""
    data = {
        "run": {"start_date": dt.date(2026, 1, 1), "warmup_days": 30.0, "horizon_days": 365.0},
        "supply": {"upstream_storage_t": 0.0, "diversion": {"enabled": False}},
        "russian_route": {"disruption": {"probability": 0.0},
                          "minor_halts": {"probability": 0.0}},
        "btc": {"disruption": {"probability": 0.0}},
        "aktau": {"weather": {"enabled": False},
                  "berth_outages": {"maintenance_per_year": 0.0, "breakdowns_per_year": 0.0}},
        "baku": {"weather": {"enabled": False},
                 "berth_outages": {"maintenance_per_year": 0.0, "breakdowns_per_year": 0.0}},
    }
    for name, value in sections.items():
        data.setdefault(name, {}).update(value)
    return data


# --- the calendar ----------------------------------------------------------------------------


def test_without_a_start_date_there_are_no_year_rows_and_nothing_changes():
    sc = base("run.horizon_days=60")
    result, years = run_replication_years(sc, 0)
    assert years == []
    assert result == run_replication(sc, 0)


def test_years_split_the_measured_period_at_1_january_and_add_up_to_the_run():
    sc = base("run.start_date=2026-07-01", "run.horizon_days=365")
    result, years = run_replication_years(sc, 0)
    assert [(row["year"], row["days"]) for row in years] == [(2026, 184.0), (2027, 181.0)]
    total_mt = sum(row["transcaspian_mt"] for row in years)
    assert total_mt == pytest.approx(result.transcaspian_mt_per_year, rel=1e-9)
    assert sum(row["shut_in_mt_per_year"] * row["days"] / 365 for row in years) == (
        pytest.approx(result.shut_in_mt_per_year, rel=1e-9))


def test_horizon_in_years_counts_leap_days():
    assert base("run.start_date=2027-01-01", "run.horizon_years=2").run.horizon_days == 731
    assert base("run.start_date=2026-01-01", "run.horizon_years=5").run.horizon_days == 1826


def test_calendar_months_are_the_real_months_after_the_warm_up():
    calendar = Calendar(dt.date(2026, 3, 1), warmup_hours=10 * HOURS_PER_DAY)
    assert calendar.hours_of(dt.date(2026, 3, 1)) == 240.0
    assert calendar.month_at(0.0) == (1, 240.0)  # 19 February; March begins at 240 h
    assert calendar.month_at(240.0) == (2, 240.0 + 31 * 24)


def test_weather_closures_follow_the_calendar_months():
    """Closures only in January: starting on 1 July, they fall in January of the next year."""
    weather = Weather(closure_days_per_month=(8.0,) + (0.0,) * 11)
    env = simpy.Environment()
    calendar = Calendar(dt.date(2026, 7, 1), 0.0)
    gate = WeatherGate(env, weather, np.random.default_rng(1), calendar)
    onsets = []
    closed = False
    for hour in range(int(365 * HOURS_PER_DAY)):
        env.run(until=hour + 1)
        if not gate.is_open and not closed:
            onsets.append(calendar.date_at(env.now))
        closed = not gate.is_open
    assert len(onsets) >= 2
    assert all(day.year == 2027 and day.month == 1 for day in onsets[:1])
    assert all(day.month in (1, 2) for day in onsets)  # a closure may run into February


# --- dated outages ---------------------------------------------------------------------------


def test_a_dated_russian_route_outage_shuts_in_from_its_first_to_its_last_hour():
    outage = {"kind": "outage", "resource": "russian_route", "date": dt.date(2026, 4, 10),
              "duration_days": 10.0, "capacity_loss_fraction": 1.0}
    sc = scenario_from_dict({**calm(), "events": [outage]})
    chain = ExportChain(sc, 0, 1)
    start = chain.calendar.hours_of(dt.date(2026, 4, 10))
    end = start + 10 * HOURS_PER_DAY

    def shut_in_at(hours: float) -> float:
        chain.env.run(until=hours)
        for side in chain.flows:
            side.flush(hours)
        return chain.supply.totals.shut_in_t

    demand = mt_per_year_to_t_per_hour(sc.supply.export_mt_per_year
                                       - sc.supply.transcaspian_nomination_mt_per_year)
    assert shut_in_at(start - 1.0) == 0.0
    assert shut_in_at(start) == 0.0
    # From its first hour the route's whole share is shut in (and nominated crude the
    # full Aktau tanks cannot take, which no longer finds room in the Russian route).
    assert shut_in_at(start + 1.0) >= demand * 1.0 * (1 - 1e-9)
    before_last_hour = shut_in_at(end - 1.0)
    at_end = shut_in_at(end)
    assert at_end - before_last_hour >= demand * (1 - 1e-9)
    assert shut_in_at(end + 48.0) == at_end  # nothing once the route is back


def test_a_dated_btc_stop_costs_its_days_of_allowance():
    stop = {"kind": "outage", "resource": "btc", "date": dt.date(2026, 8, 1),
            "duration_days": 43.0, "capacity_loss_fraction": 1.0}
    common = {"btc": {"allowance_mt_per_year": 1.74, "allowance_carryover_days": 0.0},
              "supply": {"transcaspian_nomination_mt_per_year": 1.74, "upstream_storage_t": 0.0,
                         "diversion": {"enabled": False}}}
    plain = run_replication(scenario_from_dict(calm(**common)), 0)
    stopped = run_replication(scenario_from_dict({**calm(**common), "events": [stop]}), 0)
    lost = plain.transcaspian_mt_per_year - stopped.transcaspian_mt_per_year
    assert lost == pytest.approx(1.74 * 43 / 365, rel=0.05)


# --- dated changes ---------------------------------------------------------------------------


def test_a_dated_fleet_change_adds_ships_that_start_on_that_date():
    change = {"kind": "change", "path": "fleet.tankers", "value": 8, "date": dt.date(2026, 3, 1)}
    sc = scenario_from_dict({**calm(), "events": [change]})
    chain = ExportChain(sc, 0, 1)
    at = chain.calendar.hours_of(dt.date(2026, 3, 1))
    chain.env.run(until=at - 1.0)
    assert len(chain.tankers) == 6
    chain.env.run(until=at + 30 * HOURS_PER_DAY)
    assert len(chain.tankers) == 8
    now = chain.env.now
    for tanker in chain.tankers[6:]:
        stats = tanker.measure(now)
        assert sum(stats.hours_by_state) == pytest.approx(now - at)  # booked from the date on
        assert stats.voyages > 0


def test_dated_changes_of_berths_allowance_and_nomination_take_effect():
    """From 1 January 2027 the allowance and nomination drop to 1 Mt/yr; Aktau gets 5 berths."""
    events = [{"kind": "change", "path": path, "value": value, "date": dt.date(2027, 1, 1)}
              for path, value in (("btc.allowance_mt_per_year", 1.0), ("aktau.berths", 5),
                                  ("supply.transcaspian_nomination_mt_per_year", 1.0))]
    data = calm()
    data["run"]["start_date"] = dt.date(2026, 7, 1)
    sc = scenario_from_dict({**data, "events": events})
    _, years = run_replication_years(sc, 0)
    first, second = years
    assert first["transcaspian_mt_per_year"] > 2.0
    assert second["transcaspian_mt_per_year"] <= 1.0 + 1e-6
    assert second["transcaspian_mt_per_year"] > 0.9
    chain = ExportChain(sc, 0, 1)
    chain.run()
    assert chain.aktau.berths.berths == 5
    assert abs(chain.measure().supply.flows.produced_t) > 0


def test_volumes_are_in_tonnes_per_year():
    assert TONNES_PER_MT == 1e6


def test_the_plans_over_time_example_in_the_scenario_reference_runs():
    import re
    import tomllib
    from pathlib import Path

    text = Path("docs/scenarios.md").read_text(encoding="utf-8")
    section = text.split("## Plans over time", 1)[1]
    example = re.search(r"```toml\n(.*?)```", section, re.S)
    assert example is not None
    data = tomllib.loads(example.group(1))
    data["run"]["horizon_years"] = 3
    sc = scenario_from_dict(data)
    _, years = run_replication_years(sc, 0)
    assert [row["year"] for row in years] == [2026, 2027, 2028]
    assert years[0]["voyages_new_12k"] == 0 < years[1]["voyages_new_12k"]


def test_history_2025_places_the_btc_stop_on_its_dates():
    """Nothing enters BTC from 1 Aug to 13 Sep 2025; the Tengiz gap lowers Aug-Oct."""
    from sim.analysis.years import calendar_window, nominated_mt

    sc = load_scenario("scenarios/history_2025.toml", ["run.warmup_days=60"]).scenario
    assert nominated_mt(sc) == pytest.approx((1.74 * 212 + 0.24 * 92 + 1.74 * 61) / 365)
    stop = calendar_window(sc, dt.date(2025, 8, 1), 43)
    assert run_replication(stop, 0).transcaspian_mt_per_year == 0.0
    after = calendar_window(sc, dt.date(2025, 9, 13), 50)
    assert [e.kind for e in after.events] == ["change"]  # Tengiz back on 1 Nov
    assert after.supply.transcaspian_nomination_mt_per_year == 0.24


def test_a_dated_oil_capacity_change_raises_what_aktau_can_load():
    """With Aktau's oil capacity binding, 12.5 Mt/yr from mid-year loads more after it."""
    data = calm(aktau={"weather": {"enabled": False}, "berths": 6,
                       "oil_capacity_mt_per_year": 2.0, "other_traffic_mt_per_year": 0.0,
                       "berth_outages": {"maintenance_per_year": 0.0,
                                         "breakdowns_per_year": 0.0}})
    data["run"]["start_date"] = dt.date(2026, 7, 1)
    event = {"kind": "change", "path": "aktau.oil_capacity_mt_per_year", "value": 12.5,
             "date": dt.date(2027, 1, 1)}
    _, (first, second) = run_replication_years(scenario_from_dict({**data, "events": [event]}),
                                               0)
    assert first["transcaspian_mt_per_year"] <= 2.0 + 0.2  # the port's rate plus its reserve
    assert second["transcaspian_mt_per_year"] > 3.0


def test_years_are_summarised_with_intervals_and_the_first_year_is_read_off():
    import pandas as pd

    from sim.analysis.years import first_year_reaching, summarize_years

    rows = [{"replication": k, "year": year, "days": 365.0,
             "transcaspian_mt_per_year": level + 0.01 * k, "shut_in_mt_per_year": 0.0,
             "surge_mt_per_year": 0.0, "russian_route_mt_per_year": 60.0,
             "btc_allowance_use": 0.9, "reaches_6_0": float(level + 0.01 * k >= 6.0),
             "reaches_6_5": 0.0}
            for k in range(40) for year, level in ((2026, 5.0), (2027, 5.9), (2028, 6.3))]
    summary = summarize_years(pd.DataFrame(rows))
    assert list(summary["year"]) == [2026, 2027, 2028]
    assert summary["replications"].tolist() == [40, 40, 40]
    assert summary.loc[1, "reaches_6_0_mean"] == pytest.approx(30 / 40)
    assert summary.loc[1, "reaches_6_0_ci95_low"] < 0.75 < summary.loc[1, "reaches_6_0_ci95_high"]
    half = first_year_reaching(summary, 0.5)
    assert (half["year"], half["year_surely"], half["year_possibly"]) == (2027, 2027, 2027)
    later = first_year_reaching(summary, 0.8)  # 2027: 0.75, its interval reaching 0.86
    assert (later["year"], later["year_possibly"], later["year_surely"]) == (2028, 2027, 2028)
    assert first_year_reaching(summary, 0.99)["year_surely"] is None


def test_the_roadmap_places_its_steps_and_binds_year_by_year():
    from sim.analysis.years import binding_by_year, scenario_on

    sc = load_scenario("scenarios/roadmap_2026_2030.toml").scenario
    assert sc.run.horizon_days == 1826
    assert sc.fleet.in_service_on(dt.date(2026, 6, 1)) == 6
    assert sc.fleet.in_service_on(dt.date(2029, 6, 1)) == 13
    plan_2028 = scenario_on(sc, dt.date(2028, 7, 1))
    assert (plan_2028.aktau.berths, plan_2028.btc.allowance_mt_per_year) == (5, 6.5)
    binding = binding_by_year(sc, [2026, 2028])
    assert binding.loc[0, "binding"] == "supply (nomination and diversion)"  # 1.6 Mt planned
    assert binding.loc[1, "deliverable_mt_per_year"] > binding.loc[0, "deliverable_mt_per_year"]


def test_every_year_column_is_documented():
    from sim.model.years import YEAR_COLUMNS

    _, years = run_replication_years(base("run.start_date=2026-01-01", "run.horizon_days=30"),
                                     0)
    patterns = {name.replace("CLASS", "").replace("STATE", "") for name in YEAR_COLUMNS}
    for column in years[0]:
        assert column in YEAR_COLUMNS or any(
            column.startswith(p) for p in patterns if p.endswith("_")), column


def test_a_dated_plan_round_trips_through_its_toml(tmp_path):
    from sim.scenario.toml_io import dump_toml

    sc = load_scenario("scenarios/roadmap_2026_2030.toml").scenario
    file = tmp_path / "roadmap.toml"
    file.write_text(dump_toml(sc), encoding="utf-8")
    assert load_scenario(file).scenario == sc


def test_an_event_date_is_a_sweep_parameter_and_years_are_summarised_per_point(tmp_path):
    """What if berths 9 and 10 come a year late? The 2028 volume of the late plan is lower."""
    from sim.study import sweep

    overrides = ["run.horizon_years=4", "run.replications=4"]
    loaded = load_scenario("scenarios/roadmap_2026_2030.toml", overrides)
    result = sweep(loaded, {"events.2.date": ["2028-01-01", "2029-01-01"],
                            "events.3.date": ["2028-01-01", "2029-01-01"]},
                   replications=4, out=tmp_path / "late", figures=False, jobs=1)
    summary = pd.read_csv(tmp_path / "late" / "years_summary.csv")
    assert set(summary.columns) >= {"point", "events.2.date", "year",
                                    "transcaspian_mt_per_year_mean"}
    assert len(result.years) == 4 * 4 * 4  # points x replications x years
    on_time = summary[(summary["events.2.date"] == "2028-01-01")
                      & (summary["events.3.date"] == "2028-01-01") & (summary["year"] == 2028)]
    late = summary[(summary["events.2.date"] == "2029-01-01")
                   & (summary["events.3.date"] == "2029-01-01") & (summary["year"] == 2028)]
    assert float(late["transcaspian_mt_per_year_mean"].iloc[0]) < float(
        on_time["transcaspian_mt_per_year_mean"].iloc[0])


@pytest.mark.parametrize(("override", "message"), [
    ("events.9.date=2029-01-01", "there are only 6 entries"),
    ("events.last.date=2029-01-01", "indexed by number"),
    ("events.2.date=2031-01-01", "outside the measured period"),
])
def test_an_event_path_that_does_not_fit_is_refused_in_one_line(override, message):
    from sim.errors import ScenarioError

    with pytest.raises(ScenarioError, match=message) as caught:
        load_scenario("scenarios/roadmap_2026_2030.toml", [override])
    assert "\n" not in str(caught.value)


def test_a_resumed_dated_sweep_says_it_writes_no_year_tables(tmp_path, capsys):
    from sim.study import sweep

    loaded = load_scenario("scenarios/base.toml", ["run.start_date=2026-01-01",
                                                   "run.horizon_days=40"])
    out = tmp_path / "s"
    first = sweep(loaded, {"fleet.tankers": [6, 7]}, replications=2, out=out, figures=False,
                  jobs=1)
    assert len(first.years) == 2 * 2
    written = (out / "years.parquet").read_bytes()
    again = sweep(loaded, {"fleet.tankers": [6, 7]}, replications=2, out=out, figures=False,
                  jobs=1, resume=True)
    assert again.years.empty
    assert "not written" in capsys.readouterr().err
    assert (out / "years.parquet").read_bytes() == written  # the complete tables stay


def test_a_calendar_window_of_a_plan_in_years_has_the_window_s_length():
    from sim.analysis.years import calendar_window

    sc = load_scenario("scenarios/roadmap_2026_2030.toml").scenario
    first = calendar_window(sc, dt.date(2026, 1, 1), 365)
    assert (first.run.horizon_days, first.run.horizon_years) == (365.0, None)
    assert first.fleet.tankers == 6  # the new classes enter later


def test_results_by_month_split_at_each_first_of_the_month():
    sc = base("run.start_date=2028-01-01", "run.horizon_days=91", "run.results_by_month=true")
    result, months = run_replication_years(sc, 0)
    assert [(r["year"], r["month"], r["days"]) for r in months] == [
        (2028, 1, 31.0), (2028, 2, 29.0), (2028, 3, 31.0)]  # 2028 is a leap year
    assert sum(r["transcaspian_mt"] for r in months) == pytest.approx(
        result.transcaspian_mt_per_year * 91 / 365, rel=1e-9)
