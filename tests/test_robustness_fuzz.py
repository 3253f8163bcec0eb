"""Property-based fuzzing: whatever the input, the loader and the argument parsers either
succeed or raise a clean ScenarioError; nothing else escapes."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.errors import ScenarioError
from sim.experiments.plan import plan_sweep
from sim.scenario.build import scenario_from_dict, with_overrides
from sim.scenario.grid import parse_values
from sim.scenario.inputs import check_ranges
from sim.scenario.loader import LoadedScenario, load_scenario, parse_override
from sim.scenario.paths import known_paths
from sim.scenario.schema import Scenario
from sim.scenario.toml_io import dump_toml

BASE_FILE = Path(__file__).parent.parent / "scenarios" / "base.toml"
BASE_TEXT = BASE_FILE.read_text()
BASE = load_scenario(BASE_FILE).scenario
PATHS = known_paths()
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def assert_one_clear_line(message: str, prefix: str = "") -> None:
    """A refusal is one non-empty line starting with where the problem is."""
    assert message.startswith(prefix)
    assert message.strip()
    assert "\n" not in message


def load_or_refuse(path: Path, overrides: list[str] | None = None) -> LoadedScenario | None:
    """Load; a ScenarioError is the only acceptable failure, and it must be one line."""
    try:
        return load_scenario(path, overrides or [])
    except ScenarioError as exc:
        assert_one_clear_line(str(exc))
        return None


# --- scenario files ------------------------------------------------------------------------

@st.composite
def mutated_base(draw: st.DrawFn) -> str:
    """base.toml with a few lines dropped, duplicated, or characters replaced."""
    lines = BASE_TEXT.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "duplicate", "replace", "insert"]))
        if action == "drop":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        else:
            text = lines[i]
            j = draw(st.integers(0, len(text)))
            junk = draw(st.text(st.sampled_from('[]{}="\'.,#-+e0123456789xnaif \t\\'),
                                max_size=4))
            lines[i] = text[:j] + junk + text[j + (action == "replace"):]
        if not lines:
            break
    return "\n".join(lines)


@FUZZ
@given(text=st.one_of(st.text(max_size=300), mutated_base()))
def test_any_text_is_loaded_or_refused_cleanly(tmp_path, text):
    path = tmp_path / "fuzz.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    load_or_refuse(path)


@FUZZ
@given(data=st.binary(max_size=300))
def test_any_bytes_are_loaded_or_refused_cleanly(tmp_path, data):
    path = tmp_path / "fuzz.toml"
    path.write_bytes(data)
    load_or_refuse(path)


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
    st.dates(), st.datetimes(), st.times(),
    st.integers(-(10**40), 10**40))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=13), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=20)
keys = st.one_of(st.sampled_from(PATHS), st.text(max_size=30),
                 st.sampled_from(PATHS).map(lambda p: p + ".x"),
                 st.sampled_from(PATHS).map(lambda p: p[:-1]))


@st.composite
def nested(draw: st.DrawFn) -> dict[str, Any]:
    """A mapping shaped like a scenario (dotted paths) with values of any type."""
    data: dict[str, Any] = {}
    for dotted in draw(st.lists(keys, max_size=6)):
        node = data
        *parents, last = dotted.split(".")
        for part in parents:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                break
            node = child
        else:
            node[last] = draw(values)
    return data


@FUZZ
@given(data=nested())
@example(data={"fleet": {"classes": {"": None}}})  # found by this test: a table, not a list
@example(data={"fleet": {"classes": ["tanker"]}})
def test_any_mapping_is_validated_or_refused_cleanly(data):
    try:
        scenario_from_dict(data, where="fuzz")
    except ScenarioError as exc:
        assert_one_clear_line(str(exc), "fuzz")


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=mutated_base())
def test_the_cli_answers_any_file_with_exit_code_0_or_2(tmp_path, capsys, text):
    path = tmp_path / "fuzz.toml"
    path.write_text(text)
    code = main(["show", str(path)])
    out, err = capsys.readouterr()
    assert code in (0, 2)
    assert (code == 0) == (out != "") == (err == "")


# --- --set and --values --------------------------------------------------------------------

value_texts = st.one_of(
    st.text(max_size=30), st.integers().map(str), st.floats().map(repr),
    st.sampled_from(["true", "false", "nan", "inf", "-inf", "[1, 2]", "{a = 1}", '"x"',
                     "1979-05-27", "0x10", "1e999", "3\nx = 4", "[" * 50]))


@FUZZ
@given(item=st.one_of(st.text(max_size=60),
                      st.tuples(keys, value_texts).map(lambda kv: f"{kv[0]}={kv[1]}")))
def test_any_set_is_applied_or_refused_cleanly(item):
    try:
        parse_override(item)
    except ScenarioError as exc:
        assert_one_clear_line(str(exc), "--set: ")
        return
    loaded = load_or_refuse(BASE_FILE, [item])
    if loaded is not None:
        assert isinstance(loaded.scenario, Scenario)


@FUZZ
@given(path=st.one_of(st.sampled_from(PATHS), st.text(max_size=20)),
       text=st.one_of(st.text(max_size=40), value_texts,
                      st.tuples(st.floats(), st.floats(), st.integers(-5, 2000)).map(
                          lambda t: f"{t[0]}:{t[1]}:{t[2]}")))
def test_any_sweep_values_are_planned_or_refused_cleanly(path, text):
    try:
        values = parse_values(text, path)
        plan = plan_sweep(BASE, {path: values}, replications=2)
    except ScenarioError as exc:
        assert_one_clear_line(str(exc))
        return
    assert len(plan.points) == len(values)


# --- writing a scenario back as TOML -------------------------------------------------------

numeric_leaves = [p for p in PATHS
                  if p.split(".")[0] in {"run", "supply", "aktau", "fleet", "baku", "btc"}]


@FUZZ
@given(name=st.text(min_size=1, max_size=40).filter(
           lambda s: not any(0xD800 <= ord(c) <= 0xDFFF for c in s)),
       description=st.text(max_size=200).filter(
           lambda s: not any(0xD800 <= ord(c) <= 0xDFFF for c in s)),
       path=st.sampled_from(numeric_leaves),
       factor=st.floats(0.01, 3.0))
def test_a_dumped_scenario_reads_back_identical(tmp_path, name, description, path, factor):
    scenario = with_overrides(BASE, {"name": name, "description": description})
    current = _value_at(scenario, path)
    if isinstance(current, float) and not isinstance(current, bool):
        try:
            scenario = with_overrides(scenario, {path: current * factor})
            # A file's range ends are checked against its other fields (a sweep's are
            # checked only when a study uses them): only a scenario a file may hold.
            check_ranges(scenario, "scenario")
        except ScenarioError:
            assume(False)
    file = tmp_path / "dumped.toml"
    file.write_text(dump_toml(scenario), encoding="utf-8")
    assert load_scenario(file).scenario == scenario


def _value_at(scenario: Scenario, dotted: str) -> Any:
    node: Any = scenario
    for part in dotted.split("."):
        node = getattr(node, part, None)
    return node


@pytest.mark.parametrize("value", [0.1, 1e-05, 5e8, 123456789.123, math.pi])
def test_floats_survive_the_round_trip_exactly(tmp_path, value):
    scenario = with_overrides(BASE, {"supply.upstream_storage_t": value})
    file = tmp_path / "dumped.toml"
    file.write_text(dump_toml(scenario))
    assert load_scenario(file).scenario.supply.upstream_storage_t == value


def test_dates_are_shown_as_in_toml():
    with pytest.raises(ScenarioError, match="= 2025-01-01T00:00:00: "):
        scenario_from_dict({"run": {"horizon_days": dt.datetime(2025, 1, 1)}})
