"""Uncertainty ranges and levers in scenario files: inherited, strictly checked, sampled right."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.errors import ScenarioError
from sim.scenario.inputs import levers_of, uncertain_inputs
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "scenarios" / "base.toml"


def child(tmp_path: Path, text: str) -> Path:
    (tmp_path / "base.toml").write_text(BASE.read_text())
    file = tmp_path / "child.toml"
    file.write_text('extends = "base.toml"\nname = "child"\n' + text)
    return file


def test_base_ships_a_range_with_a_reason_for_every_estimate_except_the_warm_up():
    base = load_scenario(BASE).scenario
    inputs = {i.path: i for i in uncertain_inputs(base)}
    assert len(inputs) >= 20
    for path in ["aktau.storage_t", "aktau.loading_rate_t_per_hour", "baku.berths",
                 "baku.unloading_rate_t_per_hour", "btc.max_intake_t_per_day",
                 "aktau.weather.closure_days_per_month", "fleet.crossing_distance_nm"]:
        assert path in inputs
        assert inputs[path].spec.reason
    assert not any(path.startswith("run.") for path in inputs)
    assert inputs["baku.berths"].distribution == "choices"
    assert inputs["baku.berths"].choices == (1, 2, 3)
    assert {lever.path for lever in levers_of(base)} >= {"fleet.tankers", "aktau.berths",
                                                          "supply.diversion.enabled"}


def test_a_child_inherits_ranges_and_changes_one_end(tmp_path):
    file = child(tmp_path, '[uncertainty]\n"aktau.storage_t" = { high = 400_000 }\n')
    loaded = load_scenario(file).scenario
    spec = loaded.uncertainty["aktau.storage_t"]
    assert (spec.low, spec.high) == (75_000, 400_000)
    assert spec.reason.startswith("sources §7")
    assert loaded.uncertainty.keys() == load_scenario(BASE).scenario.uncertainty.keys()


def test_a_child_that_makes_an_estimate_a_lever_drops_the_inherited_range(tmp_path):
    file = child(tmp_path, '[levers]\n"aktau.storage_t" = { values = [150_000, 300_000], '
                           'reason = "build tank room" }\n')
    loaded = load_scenario(file).scenario
    assert "aktau.storage_t" not in loaded.uncertainty
    assert levers_of(loaded)[-1].values == (150_000.0, 300_000.0)


def test_quoted_dotted_and_nested_forms_name_the_same_entry(tmp_path):
    quoted = tmp_path / "a.toml"
    quoted.write_text('[uncertainty]\n"baku.storage_t" = { low = 50_000, high = 200_000, '
                      'reason = "r" }\n')
    nested = tmp_path / "b.toml"
    nested.write_text('[uncertainty.baku.storage_t]\nlow = 50_000\nhigh = 200_000\n'
                      'reason = "r"\n')
    a, b = load_scenario(quoted).scenario, load_scenario(nested).scenario
    assert a.model_copy(update={"name": b.name}) == b  # each is named after its file


def test_quantiles_follow_the_distribution():
    scenario = Scenario.model_validate({"uncertainty": {
        "baku.berths": {"low": 1, "high": 3, "reason": "r"},
        "aktau.storage_t": {"low": 100_000.0, "high": 200_000.0, "distribution": "triangular",
                            "reason": "r"},
        "fleet.sea_margin_fraction": {"low": 0.0, "high": 0.2, "reason": "r"},
        "aktau.weather.closure_days_per_month": {"low": 0.5, "high": 2.0, "relative": True,
                                                 "reason": "r"}}})
    berths, storage, margin, weather = uncertain_inputs(scenario)
    assert [berths.at(u) for u in (0.0, 0.3, 0.5, 0.9, 1.0)] == [1, 1, 2, 3, 3]
    assert storage.mode() == 150_000.0  # the scenario's value
    assert storage.at(0.5) == pytest.approx(150_000.0)
    assert storage.at(0.0) == 100_000.0
    assert storage.at(1.0) == 200_000.0
    assert margin.at(0.25) == pytest.approx(0.05)
    assert weather.column.endswith("(factor)")
    assert weather.field_value(2.0)[0] == 2 * scenario.aktau.weather.closure_days_per_month[0]


def test_a_triangular_mode_outside_the_range_is_refused_when_sampled():
    scenario = Scenario.model_validate({
        "aktau": {"storage_t": 400_000.0},
        "uncertainty": {"aktau.storage_t": {"low": 75_000, "high": 300_000,
                                            "distribution": "triangular", "reason": "r"}}})
    storage, = uncertain_inputs(scenario)
    assert storage.ends == (75_000.0, 300_000.0)  # one-at-a-time needs only the ends
    with pytest.raises(ScenarioError, match="outside"):
        storage.at(0.5)  # sampling needs the mode


def test_an_end_that_breaks_a_rule_across_fields_is_refused_when_a_study_uses_it(tmp_path):
    # aktau.storage_t = 5,000 t cannot hold a cargo: a plain run of this scenario does not
    # use the range and loads; a study that would set it is refused, naming the end.
    file = child(tmp_path, '[uncertainty]\n"aktau.storage_t" = { low = 5_000, high = '
                           '300_000, reason = "sources §7.1" }\n')
    scenario = load_scenario(file).scenario
    with pytest.raises(ScenarioError, match="a cargo could never be assembled") as info:
        uncertain_inputs(scenario, str(file))
    assert info.value.path == 'uncertainty."aktau.storage_t".low'
