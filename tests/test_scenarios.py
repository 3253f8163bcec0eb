"""Scenario files: the shipped ones load, inheritance and overrides work, bad input is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.errors import ScenarioError
from sim.scenario.loader import load_scenario
from sim.scenario.paths import known_paths
from sim.scenario.schema import Scenario

SHIPPED = sorted(Path("scenarios").glob("*.toml"))

PUBLIC_PATHS = [
    "run.horizon_days", "run.warmup_days", "run.replications", "run.seed",
    "supply.export_mt_per_year", "supply.transcaspian_nomination_mt_per_year",
    "supply.diversion", "supply.upstream_storage_t",
    "russian_route.capacity_mt_per_year", "russian_route.disruption.probability",
    "russian_route.disruption.mean_duration_days",
    "russian_route.disruption.capacity_loss_fraction",
    "aktau.feeder_capacity_t_per_day", "aktau.storage_t", "aktau.berths",
    "aktau.loading_rate_t_per_hour", "aktau.other_traffic_mt_per_year", "aktau.weather.enabled",
    "fleet.tankers", "fleet.cargo_t", "fleet.speed_knots", "fleet.crossing_distance_nm",
    "baku.storage_t", "baku.berths", "baku.unloading_rate_t_per_hour", "baku.weather.enabled",
    "btc.allowance_mt_per_year", "btc.disruption.probability",
    "btc.disruption.mean_duration_days",
]


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_dotted_paths_exist(path):
    assert path in known_paths()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_scenarios_load(path):
    loaded = load_scenario(path)
    assert loaded.scenario.name == path.stem


def test_base_sets_the_btc_allowance_at_the_target():
    sc = load_scenario("scenarios/base.toml").scenario
    assert sc.btc.allowance_mt_per_year == sc.supply.transcaspian_nomination_mt_per_year == 6.5


def test_extends_overrides_only_what_it_names():
    base = load_scenario("scenarios/base.toml").scenario
    fleet = load_scenario("scenarios/expanded_fleet.toml").scenario
    assert (fleet.fleet.tankers, fleet.fleet.cargo_t) == (10, 9600)
    assert fleet.fleet.speed_knots == base.fleet.speed_knots
    assert fleet.aktau == base.aktau


def test_every_field_of_base_is_written_out_with_a_source_comment():
    """base.toml states every leaf value explicitly (defaults are not silently inherited)."""
    import tomllib

    data = tomllib.loads(Path("scenarios/base.toml").read_text())

    def leaves(d, prefix=""):
        for k, v in d.items():
            yield from leaves(v, f"{prefix}{k}.") if isinstance(v, dict) else [f"{prefix}{k}"]

    written = set(leaves(data)) | {key for key in ("uncertainty", "levers") if data.get(key)}
    schema_leaves = {p for p in known_paths()
                     if not any(q.startswith(p + ".") for q in known_paths())}
    # Only optional fields (no default value, e.g. rate vs probability; the calendar, dated
    # events and tanker classes of plans over time) may be left out.
    missing = {p for p in schema_leaves - written
               if not p.endswith(("rate_per_year", "probability", "precision_mt_per_year",
                                  "start_date", "horizon_years", "events", "classes",
                                  "results_by_month"))}
    assert not missing


def test_a_partial_section_keeps_the_defaults_of_that_section(tmp_path):
    file = _write(tmp_path, "[btc.disruption]\nmean_duration_days = 30")
    btc = load_scenario(file).scenario.btc.disruption
    assert btc.mean_duration_days == 30
    assert btc.capacity_loss_fraction == Scenario().btc.disruption.capacity_loss_fraction == 1.0
    assert btc.probability == Scenario().btc.disruption.probability


def test_a_child_may_switch_from_probability_to_rate(tmp_path):
    child = _write(tmp_path, 'extends = "base.toml"\n[russian_route.disruption]\n'
                   "rate_per_year = 3.0", "child.toml")
    (tmp_path / "base.toml").write_text(Path("scenarios/base.toml").read_text())
    d = load_scenario(child).scenario.russian_route.disruption
    assert d.mode == "rate"
    assert d.onset_rate_per_year == 3.0
    via_set = load_scenario("scenarios/base.toml", ["russian_route.disruption.rate_per_year=3"])
    assert via_set.scenario.russian_route.disruption.mode == "rate"


def test_set_overrides_any_field(tmp_path):
    loaded = load_scenario("scenarios/base.toml", ["fleet.tankers=9", "aktau.weather.enabled=false",
                                                   "run.seed=5"])
    assert loaded.scenario.fleet.tankers == 9
    assert loaded.scenario.aktau.weather.enabled is False
    assert loaded.scenario.run.seed == 5


def _write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


BAD_FILES = {
    "malformed TOML": ("[fleet\ntankers = 3", "", "not valid TOML"),
    "unknown key with suggestion": ("[fleet]\ntanker = 3", "fleet.tanker", "fleet.tankers"),
    "misspelled section": ("[aktua]\nberths = 3", "aktua", "aktau"),
    "wrong type": ("[fleet]\ntankers = 'six'", "fleet.tankers", "integer"),
    "negative capacity": ("[russian_route]\ncapacity_mt_per_year = -1",
                          "russian_route.capacity_mt_per_year", "greater than or equal to 0"),
    "probability of one": ("[russian_route.disruption]\nprobability = 1.0",
                           "russian_route.disruption.probability", "less than 1"),
    "zero tankers with a nomination": ("[fleet]\ntankers = 0", "fleet.tankers = 0",
                                       "at least one tanker"),
    "nan": ("[fleet]\ncargo_t = nan", "fleet.cargo_t", "finite"),
    "zero duration": ("[btc.disruption]\nmean_duration_days = 0",
                      "btc.disruption.mean_duration_days", "greater than 0"),
    "probability and rate": ("[btc.disruption]\nprobability = 0.1\nrate_per_year = 1",
                             "btc.disruption", "not both"),
    "wrong month count": ("[aktau.weather]\nclosure_days_per_month = [1, 2]",
                          "aktau.weather.closure_days_per_month", "at least 12"),
    "empty file": ("", "", "empty"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_scenarios_are_refused_with_file_path_value_and_rule(tmp_path, case):
    text, path, rule = BAD_FILES[case]
    file = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(file)
    message = str(info.value)
    assert str(file) in message
    assert path in message
    assert rule in message


def test_missing_extends(tmp_path):
    file = _write(tmp_path, 'extends = "nowhere.toml"')
    with pytest.raises(ScenarioError, match="extends = 'nowhere.toml': no such scenario file"):
        load_scenario(file)


def test_circular_extends(tmp_path):
    _write(tmp_path, 'extends = "b.toml"', "a.toml")
    _write(tmp_path, 'extends = "a.toml"', "b.toml")
    with pytest.raises(ScenarioError, match=r"circular extends \(b.toml -> a.toml -> b.toml\)"):
        load_scenario(tmp_path / "b.toml")


def test_extends_may_not_leave_the_scenario_tree(tmp_path):
    (tmp_path / "inner").mkdir()
    _write(tmp_path, 'description = "outside"', "outside.toml")
    inner = _write(tmp_path / "inner", 'extends = "../outside.toml"')
    with pytest.raises(ScenarioError, match="inside the scenario's directory"):
        load_scenario(inner)
    assert load_scenario(inner, allow_outside_tree=True).scenario.description == "outside"


def test_error_names_the_file_that_set_the_bad_value(tmp_path):
    _write(tmp_path, "[fleet]\nspeed_knots = -3", "parent.toml")
    child = _write(tmp_path, 'extends = "parent.toml"\nname = "child"', "child.toml")
    with pytest.raises(ScenarioError, match=r"parent\.toml: fleet\.speed_knots = -3"):
        load_scenario(child)


@pytest.mark.parametrize(("override", "fragment"), [
    ("fleet.tanker=3", "did you mean 'fleet.tankers'"),
    ("fleet=3", "is a section"),
    ("fleet.tankers.x=3", "is a value, not a section"),
    ("fleet.tankers", "expected PATH=VALUE"),
    ("fleet.tankers=-2", "greater than or equal to 0"),
    ("..=1", "dotted field names"),
])
def test_bad_set_overrides(override, fragment):
    with pytest.raises(ScenarioError) as info:
        load_scenario("scenarios/base.toml", [override])
    assert "--set" in str(info.value) or "scenarios/base.toml" in str(info.value)
    assert fragment in str(info.value)


def test_schema_gives_every_field_a_description_and_a_source():
    def walk(model):
        for name, info in model.model_fields.items():
            assert info.description, name
            assert (info.json_schema_extra or {}).get("source"), name
            sub = info.annotation
            if isinstance(sub, type) and issubclass(sub, Scenario.__mro__[1]):
                walk(sub)
    walk(Scenario)
