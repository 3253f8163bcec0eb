"""The command line as a planner uses it: run, show, bound, schema, and clean errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def sim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True,
                          timeout=300)


def test_run_json_reports_kpis_with_intervals_and_the_mass_balance():
    out = sim("run", "scenarios/base.toml", "--replications", "4", "--jobs", "1", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["replications"] == 4
    assert report["scenario"] == "base"
    for key in ["seed", "horizon_days", "russian_route_disruption", "chain_bound"]:
        assert key in report
    for kpi in ["transcaspian_mt_per_year", "russian_route_mt_per_year", "surge_mt_per_year",
                "shut_in_mt_per_year", "target_share_6_0", "target_share_6_5"]:
        summary = report["kpis"][kpi]
        assert set(summary) >= {"unit", "mean", "ci95_low", "ci95_high", "p5", "p50", "p95"}
        assert summary["ci95_low"] <= summary["mean"] <= summary["ci95_high"]
        assert summary["n"] == 4
    for indicator in ["reaches_6_0", "reaches_6_5"]:  # probabilities: no percentiles
        assert set(report["kpis"][indicator]) == {"unit", "mean", "ci95_low", "ci95_high", "n"}
    assert report["mass_balance"]["max_abs_error_t"] < 1.0
    assert report["russian_route_disruption"]["given_as"] == "probability"
    for group in ["aktau", "baku", "fleet", "btc", "russian_route"]:
        assert all(name.startswith(group.split("_")[0]) for name in report[group])
    assert report["fleet"]["fleet_voyages_per_year"]["unit"] == "1/yr"


def test_run_prints_a_readable_table():
    out = sim("run", "scenarios/plan_2023.toml", "--replications", "3", "--jobs", "1")
    assert out.returncode == 0, out.stderr
    assert "transcaspian_mt_per_year" in out.stdout
    assert "95% CI" in out.stdout
    assert "given as probability" in out.stdout


def test_show_prints_the_resolved_scenario_after_extends_and_set():
    out = sim("show", "scenarios/expanded_fleet.toml", "--set", "aktau.berths=5")
    assert out.returncode == 0, out.stderr
    resolved = json.loads(out.stdout)
    assert resolved["fleet"]["tankers"] == 10
    assert resolved["aktau"]["berths"] == 5
    assert resolved["btc"]["allowance_mt_per_year"] == 6.5  # inherited from base


def test_bound_and_schema():
    out = sim("bound", "scenarios/base.toml", "--json")
    assert out.returncode == 0, out.stderr
    bound = json.loads(out.stdout)
    assert bound["capacity_binding"] == "fleet"
    assert bound["deliverable_binding"] == "fleet"
    assert bound["capacity_mt_per_year"] <= bound["feeder_mt_per_year"]
    schema = json.loads(sim("schema").stdout)
    assert "fleet" in schema["properties"]


@pytest.mark.parametrize(("args", "fragment"), [
    (["run", "scenarios/base.toml", "--set", "fleet.tanker=3"], "did you mean 'fleet.tankers'"),
    (["run", "scenarios/nope.toml"], "no such scenario file"),
    (["run", "scenarios/base.toml", "--set", "russian_route.disruption.probability=1"],
     "less than 1"),
    (["run", "scenarios/base.toml", "--replications", "0"], "must be at least 1"),
    (["show", "scenarios/base.toml", "--set", "fleet.tankers=0"], "at least one tanker"),
])
def test_bad_input_exits_2_with_one_clear_line_and_no_traceback(args, fragment):
    out = sim(*args)
    assert out.returncode == 2
    assert fragment in out.stderr
    assert "Traceback" not in out.stderr
    assert out.stdout == ""
