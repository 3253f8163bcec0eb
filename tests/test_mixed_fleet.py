"""A mixed fleet: tanker classes with their own cargo, speed and dates."""

from __future__ import annotations

import datetime as dt

import pytest

from sim.analysis.bound import chain_bound, class_limits_mt_per_year
from sim.model.replication import run_replication, run_replication_years
from sim.scenario.build import scenario_from_dict
from sim.scenario.loader import load_scenario

CLASSES = [
    {"name": "old", "tankers": 4, "cargo_t": 6_400.0, "speed_knots": 9.0},
    {"name": "aframax", "tankers": 3, "cargo_t": 12_000.0, "speed_knots": 11.0},
    {"name": "charter", "tankers": 2, "cargo_t": 9_600.0, "speed_knots": 10.0},
]


def fleet_bound_chain(classes, **run) -> dict:
    """Everything but the fleet out of the way: no weather, outages, other ships or queues."""
    no_outages = {"maintenance_per_year": 0.0, "breakdowns_per_year": 0.0}
    return {
        "run": {"warmup_days": 30.0, "horizon_days": 365.0, **run},
        "supply": {"transcaspian_nomination_mt_per_year": 20.0,
                   "diversion": {"enabled": False}},
        "russian_route": {"disruption": {"probability": 0.0},
                          "minor_halts": {"probability": 0.0}},
        "aktau": {"weather": {"enabled": False}, "berth_outages": no_outages, "berths": 12,
                  "other_traffic_mt_per_year": 0.0, "oil_capacity_mt_per_year": 30.0,
                  "feeder_capacity_t_per_day": 80_000.0, "storage_t": 400_000.0},
        "baku": {"weather": {"enabled": False}, "berth_outages": no_outages, "berths": 12,
                 "other_traffic_mt_per_year": 0.0, "storage_t": 400_000.0},
        "btc": {"allowance_mt_per_year": 20.0, "max_intake_t_per_day": 80_000.0,
                "disruption": {"probability": 0.0}},
        "fleet": {"maintenance_days_per_year": 0.0, "classes": classes},
    }


def test_old_single_class_fields_are_one_class():
    sc = load_scenario("scenarios/base.toml").scenario
    (only,) = sc.fleet.ship_classes()
    assert (only.tankers, only.cargo_t, only.speed_knots) == (6, 8400.0, 10.0)


def test_classes_set_the_shorthand_totals_and_means():
    sc = scenario_from_dict(fleet_bound_chain(CLASSES))
    assert sc.fleet.tankers == 9
    assert sc.fleet.cargo_t == pytest.approx((4 * 6400 + 3 * 12000 + 2 * 9600) / 9)
    assert sc.fleet.largest_cargo_t == 12_000.0


def test_three_classes_deliver_the_sum_of_their_cycle_bounds_within_two_percent():
    sc = scenario_from_dict(fleet_bound_chain(CLASSES))
    limits = class_limits_mt_per_year(sc)
    assert chain_bound(sc).capacity_binding == "fleet"
    simulated = run_replication(sc, 0).transcaspian_mt_per_year
    assert simulated == pytest.approx(sum(limits.values()), rel=0.02)
    # ... and not the bound of one class of the mean ship (that is a different chain)
    mean_ship = scenario_from_dict({**fleet_bound_chain([]), "fleet": {
        "maintenance_days_per_year": 0.0, "tankers": 9, "cargo_t": sc.fleet.cargo_t,
        "speed_knots": sc.fleet.speed_knots}})
    assert chain_bound(mean_ship).fleet_mt_per_year != pytest.approx(sum(limits.values()),
                                                                    rel=1e-3)


def test_voyages_and_tonnes_are_split_by_class_and_follow_each_class_cycle():
    sc = scenario_from_dict(fleet_bound_chain(CLASSES, start_date=dt.date(2026, 1, 1)))
    _, (year,) = run_replication_years(sc, 0)
    limits = class_limits_mt_per_year(sc)
    for ship_class in CLASSES:
        name = ship_class["name"]
        assert year[f"discharged_mt_{name}"] == pytest.approx(
            year[f"voyages_{name}"] * ship_class["cargo_t"] / 1e6)
        assert year[f"discharged_mt_{name}"] == pytest.approx(limits[name], rel=0.05)


def test_classes_enter_and_leave_service_on_their_dates():
    classes = [{**CLASSES[0]},
               {**CLASSES[1], "in_service": dt.date(2027, 1, 1)},
               {**CLASSES[2], "out_of_service": dt.date(2027, 1, 1)}]
    sc = scenario_from_dict(fleet_bound_chain(classes, start_date=dt.date(2026, 1, 1),
                                              horizon_years=2))
    _, (first, second) = run_replication_years(sc, 0)
    assert first["voyages_aframax"] == 0
    assert second["voyages_aframax"] > 0
    assert first["voyages_charter"] > 0
    assert second["voyages_charter"] <= 2  # at most the voyage each ship had under way
    assert first["voyages_old"] == pytest.approx(second["voyages_old"], abs=3)


def test_an_option_cannot_set_the_shorthand_of_a_fleet_with_classes():
    from sim.errors import ScenarioError

    with pytest.raises(ScenarioError, match="fleet.classes"):
        load_scenario("scenarios/roadmap_2026_2030.toml", ["fleet.tankers=9"])


def test_a_class_is_changed_by_its_index_and_a_sweep_of_the_shorthand_is_refused():
    from sim.errors import ScenarioError
    from sim.scenario.build import with_overrides

    sc = load_scenario("scenarios/roadmap_2026_2030.toml",
                       ["fleet.classes.0.tankers=4"]).scenario
    assert sc.fleet.classes[0].tankers == 4
    assert sc.fleet.tankers == 14
    with pytest.raises(ScenarioError, match="fleet.classes"):
        with_overrides(sc, {"fleet.cargo_t": 9000.0}, where="headline level bigger ships")
