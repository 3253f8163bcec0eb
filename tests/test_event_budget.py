"""Validation by consequence and the event budget (issue 15, items 3 and 4).

A scenario whose every value is in range can still break the model: a spread so
small that ``sd*sd`` underflows, durations so short that events explode, a
horizon shorter than an hour. Such a scenario is refused before it runs, in
one line naming the field and why. The event budget is estimated from the
scenario's own rates (``sim/scenario/budget.py``) and held here to the events a
counting SimPy environment really processes. The property test at the end
draws extreme but valid-looking scenarios: each is refused clearly, or runs
within its budget to finite, bounded numbers with a closed mass balance.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Any

import pytest
from annotated_types import Ge, Gt, Le, Lt
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from benchmarks.run import CountingEnvironment
from sim.analysis.bound import chain_bound
from sim.cli import main
from sim.cli.options import json_safe
from sim.errors import ScenarioError
from sim.experiments.plan import Plan, plan_sweep
from sim.model.chain import ExportChain
from sim.model.invariants import MASS_BALANCE_TOLERANCE_T, check_invariants
from sim.model.results import from_records
from sim.model.results import output_fields as result_fields
from sim.scenario import budget
from sim.scenario.build import with_overrides
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario
from sim.study import run_replications
from tests.test_robustness_input import refuse

BASE_FILE = str(Path(__file__).resolve().parent.parent / "scenarios" / "base.toml")
BASE = load_scenario(BASE_FILE).scenario
SHORT = with_overrides(BASE, {"run.horizon_days": 20.0, "run.warmup_days": 2.0})


def counted_run(scenario: Scenario, replication: int = 0) -> tuple[ExportChain, float]:
    """Run one replication on a counting environment; return the chain and events per day."""
    env = CountingEnvironment()
    chain = ExportChain(scenario, replication, scenario.run.seed, env=env)
    chain.run()
    days = scenario.run.warmup_days + scenario.run.horizon_days
    return chain, env.processed / days


# --- the cases of the issue --------------------------------------------------------------

ISSUE_CASES = {
    "capacity loss sd 1e-160 (sd*sd underflows to a subnormal, Beta parameters infinite)":
        ("russian_route.disruption.capacity_loss_sd=1e-160",
         "russian_route.disruption.capacity_loss_sd = 1e-160", "use 0 for a fixed loss"),
    "capacity loss sd 1e-170 (sd*sd underflows to 0)":
        ("russian_route.disruption.capacity_loss_sd=1e-170",
         "russian_route.disruption.capacity_loss_sd = 1e-170", "sd*sd underflows to 0"),
    "the batch interval of the earlier model (the flows are exact now)":
        ("run.batch_interval_hours=1e-6", "run.batch_interval_hours = 1e-06",
         "was removed: pipeline flows are now continuous"),
    "storm closures of a nanosecond":
        ("aktau.weather.median_closure_days=1e-9", "aktau.weather.median_closure_days = 1e-09",
         "weather closures at Aktau would make"),
    "other-traffic cargoes of a nanogram":
        ("aktau.other_traffic_cargo_t=1e-9", "aktau.other_traffic_cargo_t = 1e-09",
         "of the aktau berths' time in service"),
    "disruptions of a microsecond (12 s per simulated day before)":
        ("russian_route.disruption.mean_duration_days=1e-6",
         "russian_route.disruption.mean_duration_days = 1e-06",
         "Russian-route disruptions would make"),
    "a horizon of 1e-300 days":
        ("run.horizon_days=1e-300", "run.horizon_days = 1e-300",
         "every per-year figure would annualise next to nothing"),
}


@pytest.mark.parametrize("case", ISSUE_CASES)
@pytest.mark.parametrize("command", ["run", "bound", "sweep"])
def test_a_scenario_broken_by_its_consequences_is_refused_in_one_line(case, command, capsys,
                                                                     tmp_path):
    override, path, rule = ISSUE_CASES[case]
    extra = ["--out", str(tmp_path / "out"), "--param", "fleet.tankers", "--values", "6"] \
        if command == "sweep" else []
    message = refuse([command, BASE_FILE, "--set", override, *extra], capsys)
    assert message.startswith(f"error: --set: {path}: ")
    assert rule in message
    assert not (tmp_path / "out").exists()


def test_the_smallest_spread_allowed_behaves_as_a_fixed_loss():
    """Closed form: as the spread of the loss vanishes, the run tends to the fixed-loss run
    (the 1e-160 case gave 66.9 Mt/yr on the Russian route instead of ~59.5)."""
    spread = with_overrides(SHORT, {"russian_route.disruption.probability": 0.4,
                                    "russian_route.disruption.capacity_loss_sd": 1e-6})
    fixed = with_overrides(spread, {"russian_route.disruption.capacity_loss_sd": 0.0})
    a = run_replications(spread, replications=4, jobs=1)["russian_route_mt_per_year"]
    b = run_replications(fixed, replications=4, jobs=1)["russian_route_mt_per_year"]
    assert (a - b).abs().max() < 1e-3
    assert chain_bound(spread).capacity_mt_per_year == pytest.approx(
        chain_bound(fixed).capacity_mt_per_year, rel=1e-4)


def test_bound_json_is_valid_json_even_for_undefined_numbers(capsys):
    assert json_safe({"a": math.nan, "b": [math.inf, 1.0]}) == {"a": None, "b": [None, 1.0]}
    assert main(["bound", BASE_FILE, "--json"]) == 0
    json.loads(capsys.readouterr().out, parse_constant=pytest.fail)


def test_a_precision_finer_than_the_models_accounting_is_refused_before_running(
        capsys, tmp_path):
    message = refuse(["sweep", BASE_FILE, "--precision", "1e-200", "--out",
                      str(tmp_path / "out")], capsys)
    assert "--precision = 1e-200: finer than the model's own accounting" in message
    assert not (tmp_path / "out").exists()


def test_the_replication_rule_never_overflows_however_fine_the_precision():
    plan = plan_sweep(SHORT, {"fleet.tankers": [6]}, precision_mt_per_year=1e-6)
    tiny = Plan(**{**plan.__dict__, "precision_mt_per_year": 1e-300})
    n, final = tiny.target(tiny.points[0],
                           {k: float(k % 3) for k in range(tiny.min_replications)})
    assert (n, final) == (tiny.max_replications, False)


# --- the budget itself -------------------------------------------------------------------

def test_the_base_year_is_well_inside_the_budget():
    per_day = budget.expected_events_per_day(BASE)
    assert 5 < per_day < 20  # ~3,400 events a year
    assert budget.MAX_EVENTS_PER_DAY >= 25 * per_day
    assert [load.source for load in budget.loads(BASE)] == [
        "weather closures at Aktau", "weather closures at Baku", "Russian-route disruptions",
        "Russian-route minor halts", "BTC intake stops", "other traffic at Aktau",
        "other traffic at Baku", "berth outages at Aktau", "berth outages at Baku",
        "tanker voyages"]


#: One variant per event source, each making that source the largest.
DOMINANT = {
    "shipped base": {},
    "Baku third-party traffic": {"baku.other_traffic_cargo_t": 1000.0, "baku.berths": 10},
    "berth outages": {"aktau.berth_outages.breakdowns_per_year": 52.0,
                      "aktau.berth_outages.breakdown_days": 0.05,
                      "baku.berth_outages.breakdowns_per_year": 52.0,
                      "baku.berth_outages.breakdown_days": 0.05},
    "weather": {"aktau.weather.median_closure_days": 0.05,
                "baku.weather.median_closure_days": 0.05},
    "disruptions": {"russian_route.disruption.mean_duration_days": 0.1},
    "minor halts": {"russian_route.minor_halts.rate_per_year": 300.0,
                    "russian_route.minor_halts.mean_duration_days": 0.01},
    "BTC stops": {"btc.disruption.mean_duration_days": 0.05},
    "other traffic": {"aktau.other_traffic_cargo_t": 1000.0, "aktau.berths": 10},
    "tankers": {"fleet.tankers": 30, "fleet.crossing_distance_nm": 20.0, "aktau.berths": 30,
                "baku.berths": 30, "supply.transcaspian_nomination_mt_per_year": 60.0,
                "supply.export_mt_per_year": 100.0, "aktau.feeder_capacity_t_per_day": 1e6,
                "btc.allowance_mt_per_year": 60.0, "btc.max_intake_t_per_day": 1e6,
                "aktau.oil_capacity_mt_per_year": 100.0},
}


@pytest.mark.parametrize("variant", DOMINANT)
def test_the_estimate_bounds_the_counted_events_and_is_not_far_off(variant):
    scenario = with_overrides(SHORT, DOMINANT[variant])
    _, counted = counted_run(scenario)
    estimate = budget.expected_events_per_day(scenario)
    assert counted <= 1.15 * estimate + 2
    assert counted >= 0.4 * estimate


def test_adding_an_event_source_is_adding_one_function(monkeypatch):
    def berth_outages(sc: Scenario) -> budget.Load:
        return budget.Load("Aktau berth outages", 1e6, ("aktau.berths",), "a test source")

    monkeypatch.setattr(budget, "SOURCES", (*budget.SOURCES, berth_outages))
    with pytest.raises(ScenarioError, match=r"aktau.berths = 3: Aktau berth outages would "
                                            r"make 1,000,000 events per simulated day"):
        with_overrides(BASE, {"fleet.tankers": 7})


def test_the_blamed_field_is_the_one_that_was_changed():
    for field, value in [("fleet.crossing_distance_nm", 1e-9), ("fleet.tankers", 500),
                         ("russian_route.disruption.probability", 0.99999999999)]:
        others = {"fleet.cargo_t": 1e-9, "aktau.berthing_hours": 0.0,
                  "baku.berthing_hours": 0.0} if field == "fleet.crossing_distance_nm" else {}
        with pytest.raises(ScenarioError) as info:
            with_overrides(BASE, {field: value, **others}, "--set")
        assert info.value.path == field, str(info.value)


def test_a_run_of_too_many_events_is_refused_though_its_simulated_years_are_few(capsys):
    message = refuse(["run", BASE_FILE, "--replications", "100000", "--set",
                      "run.horizon_days=3000", "--set", "aktau.other_traffic_cargo_t=100",
                      "--set", "aktau.berths=20"], capsys)
    assert "run.replications = 100000" in message
    assert "events" in message
    assert "~20 core-hours" in message


def test_a_sweep_of_too_many_events_is_refused(capsys, tmp_path):
    message = refuse(["sweep", BASE_FILE, "--param", "fleet.tankers", "--values", "1:10:10",
                      "--replications", "5000", "--set", "fleet.cargo_t=1000",
                      "--set", "fleet.crossing_distance_nm=20",
                      "--set", "run.horizon_days=3650", "--out", str(tmp_path / "o")], capsys)
    assert "sweep size" in message
    assert "events" in message


# --- extreme but valid-looking scenarios: refused, or finite and within budget -----------

def numeric_fields(model: type[BaseModel] = Scenario, prefix: str = "") -> dict[str, Any]:
    """Every numeric leaf of the schema with its field info (the ranges come from it)."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            out.update(numeric_fields(annotation, f"{prefix}{name}."))
        elif annotation in (float, int, float | None) and not name.endswith("seed") \
                and "replications" not in name and not prefix.startswith("sweep"):
            out[f"{prefix}{name}"] = info
    return out


FIELDS = numeric_fields()


@st.composite
def extreme_value(draw: st.DrawFn, path: str) -> float | int:
    """A value at an edge of the field's range: tiny, huge, or just inside a bound."""
    info = FIELDS[path]
    low = next((m.ge for m in info.metadata if isinstance(m, Ge)), None)
    low_open = next((m.gt for m in info.metadata if isinstance(m, Gt)), None)
    high = next((m.le for m in info.metadata if isinstance(m, Le)), None)
    high_open = next((m.lt for m in info.metadata if isinstance(m, Lt)), None)
    lo = low if low is not None else low_open if low_open is not None else 0.0
    hi = high if high is not None else (high_open if high_open is not None else 1e6)
    if info.annotation is int:
        return draw(st.sampled_from(sorted({int(lo), int(lo) + 1, int(hi)})))
    exponent = draw(st.floats(-300, 0))
    candidates = [10.0 ** exponent, hi, max(lo, hi * 10.0 ** exponent)]
    if high_open is not None:
        candidates.append(math.nextafter(high_open, 0))
    value = draw(st.sampled_from(candidates))
    if low_open is not None and value <= low_open:
        value = math.nextafter(low_open, math.inf)
    return min(max(value, lo), hi)


@st.composite
def extreme_overrides(draw: st.DrawFn) -> dict[str, Any]:
    paths = draw(st.lists(st.sampled_from(sorted(FIELDS)), min_size=1, max_size=3,
                          unique=True))
    return {path: draw(extreme_value(path)) for path in paths}


@settings(max_examples=80, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(overrides=extreme_overrides())
def test_an_extreme_scenario_is_refused_clearly_or_runs_within_budget_to_sane_numbers(
        overrides):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            scenario = with_overrides(SHORT, overrides, "--set")
    except ScenarioError as exc:
        event("refused")
        message = str(exc)
        assert "\n" not in message
        assert message.startswith("--set: ")
        assert " = " in message  # names the field and its value
        return
    event("ran")
    days = scenario.run.warmup_days + scenario.run.horizon_days
    assert budget.expected_events_per_day(scenario) <= budget.MAX_EVENTS_PER_DAY
    chain, per_day = counted_run(scenario)
    assert per_day <= 1.5 * budget.MAX_EVENTS_PER_DAY + 200 / days
    errors = check_invariants(chain)
    assert max(abs(e) for e in errors) <= MASS_BALANCE_TOLERANCE_T
    result = from_records(chain.measure(), 0, scenario.run.seed, errors).as_dict()
    for field in result_fields():
        value = result[field.name]
        assert math.isfinite(value), (field.name, value)
        if field.unit == "share":
            assert -1e-9 <= value <= 1 + 1e-9, (field.name, value)
        if field.unit == "Mt/yr":
            assert -1e-9 <= value <= 10 * scenario.supply.export_mt_per_year + 100, field.name
    bound = chain_bound(scenario).as_dict()
    json.dumps(json_safe(bound), allow_nan=False)
    assert all(math.isfinite(v) for v in bound.values() if isinstance(v, float))
