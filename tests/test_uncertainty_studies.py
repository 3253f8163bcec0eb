"""How sure, and which lever: sensitivity, compare and explore on small cases with fixed seeds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.errors import OutputError, ScenarioError
from sim.experiments import designs
from sim.report import study_columns
from sim.report.sensitivity import render_markdown
from sim.scenario.build import with_overrides
from sim.scenario.inputs import levers_of, uncertain_inputs
from sim.scenario.loader import load_scenario
from sim.scenario.toml_io import toml_value
from sim.study import run_replications
from sim.uncertainty import compare, explore, sensitivity

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "scenarios" / "base.toml"
EXPANDED = ROOT / "scenarios" / "expanded_fleet.toml"
SHORT = ["run.horizon_days=60", "run.warmup_days=0"]
#: A few inputs that matter (and one that does not) keep the designs small.
FEW = ["aktau.loading_rate_t_per_hour", "baku.unloading_rate_t_per_hour", "baku.berths",
       "fleet.sea_margin_fraction", "aktau.weather.closure_days_per_month",
       "supply.upstream_storage_t"]


def small(path: Path = EXPANDED, *extra: str):
    """A short-horizon scenario with only the FEW uncertain inputs."""
    loaded = load_scenario(path, [*SHORT, *extra])
    scenario = loaded.scenario.model_copy(
        update={"uncertainty": {p: loaded.scenario.uncertainty[p] for p in FEW}})
    return scenario


# --- sensitivity -----------------------------------------------------------------------------

def test_one_at_a_time_ranking_agrees_with_independent_paired_set_runs():
    scenario = small()
    result = sensitivity(scenario, replications=8, jobs=1)
    ranking = result.ranking("transcaspian_mt_per_year")
    assert len(ranking) == len(FEW)
    inputs = {item.column: item for item in uncertain_inputs(scenario)}
    baseline = run_replications(scenario, 8, jobs=1)["transcaspian_mt_per_year"].to_numpy()
    swings = {}
    for column in ranking[:3]:  # the top three, each end run on its own with --set
        item = inputs[column]
        changes = []
        for end in item.ends:
            value = toml_value(item.field_value(end))
            alone = with_overrides(scenario, {item.path: item.field_value(end)}, "--set")
            assert load_scenario(EXPANDED, [*SHORT, f"{item.path}={value}"]).scenario.model_copy(
                update={"uncertainty": scenario.uncertainty}) == alone
            ends = run_replications(alone, 8, jobs=1)["transcaspian_mt_per_year"].to_numpy()
            changes.append(float(np.mean(ends - baseline)))
        swings[column] = max(abs(c) for c in changes)
        row = result.effects.query("output == 'transcaspian_mt_per_year' and input == @column")
        assert row["low_delta_mean"].iloc[0] == pytest.approx(changes[0], abs=1e-9)
        assert row["high_delta_mean"].iloc[0] == pytest.approx(changes[1], abs=1e-9)
    assert sorted(swings, key=swings.get, reverse=True) == ranking[:3]
    quiet = result.effects.query("input == 'supply.upstream_storage_t'")
    assert (quiet["swing"] < 0.05).all()


def test_sensitivity_writes_a_resumable_results_directory(tmp_path):
    scenario = small()
    out = tmp_path / "sens"
    first = sensitivity(scenario, replications=3, jobs=1, out=out,
                        outputs=["shut_in_mt_per_year"])
    for name in ["manifest.json", "scenario.toml", "design.csv", "sensitivity.csv",
                 "replications.parquet", "figures/tornado.png", "figures/tornado.svg",
                 "report.html"]:
        assert (out / name).exists(), name
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Which uncertain inputs move the answer" in page
    assert page.count('<img src="data:image/png;base64,') == 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["study"] == "sensitivity"
    assert manifest["design"]["points"] == 1 + 2 * len(FEW)
    assert manifest["status"] == "complete"
    assert set(first.outputs) == {"transcaspian_mt_per_year", "reaches_6_0",
                                  "shut_in_mt_per_year"}
    table = pd.read_parquet(out / "replications.parquet")
    assert len(table) == 3 * (1 + 2 * len(FEW))
    written = pd.read_csv(out / "sensitivity.csv")
    assert study_columns.undocumented(written.columns, study_columns.SENSITIVITY_CSV) == []
    with pytest.raises(OutputError, match="pass --resume"):
        sensitivity(scenario, replications=3, jobs=1, out=out)
    again = sensitivity(scenario, replications=3, jobs=1, out=out, resume=True,
                        outputs=["shut_in_mt_per_year"], figures=False)
    pd.testing.assert_frame_equal(first.effects, again.effects)


def test_render_markdown_is_a_pure_function_of_the_result():
    result = sensitivity(small(), replications=3, jobs=1)
    text = render_markdown([result], images={"expanded_fleet": "images/t.png"})
    assert text == render_markdown([result], images={"expanded_fleet": "images/t.png"})
    assert text.startswith("## What the answer depends on")
    assert "`aktau.loading_rate_t_per_hour`" in text
    assert "![Tornado of expanded_fleet](images/t.png)" in text
    assert "How precise" in text


def test_morris_and_sobol_report_indices_with_intervals_and_the_sample_size():
    scenario = small()
    morris = sensitivity(scenario, "morris", samples=2, replications=2, jobs=1)
    assert morris.design["trajectories"] == 2
    assert morris.design["points"] == 2 * (len(FEW) + 1)
    rows = morris.indices.query("output == 'transcaspian_mt_per_year'")
    assert (rows["ci95_low"] <= rows["value"]).all()
    assert (rows["value"] <= rows["ci95_high"]).all()
    sobol = sensitivity(scenario, "sobol", samples=4, replications=2, jobs=1)
    assert sobol.design["points"] == 4 * (len(FEW) + 2)
    assert set(sobol.indices["index"]) == {"ST"}
    for indices in (morris.indices, sobol.indices):
        assert study_columns.undocumented(indices.columns, study_columns.INDICES_CSV) == []


# --- compare ---------------------------------------------------------------------------------

def test_compare_gives_paired_differences_and_verdicts_for_every_field(tmp_path):
    a = load_scenario(BASE, SHORT)
    b = load_scenario(EXPANDED, SHORT)
    result = compare([a, b], replications=6, jobs=1, out=tmp_path / "cmp")
    fields = set(result.table["field"])
    assert "transcaspian_mt_per_year" in fields
    assert "replication" not in fields
    assert result.verdict("transcaspian_mt_per_year") == "significantly higher"
    assert result.verdict("produced_mt_per_year") == "no detectable difference"
    for name in ["comparison.csv", "replications.parquet", "figures/compare.png"]:
        assert (result.out / name).exists(), name
    assert study_columns.undocumented(pd.read_csv(result.out / "comparison.csv").columns,
                                      study_columns.COMPARISON_CSV) == []
    table = pd.read_parquet(result.out / "replications.parquet")
    assert set(table["fleet.tankers"].dropna()) == {10}  # what differs is a column


def test_a_scenario_as_overrides_of_another_is_the_same_scenario():
    base = load_scenario(BASE).scenario
    crisis = load_scenario(ROOT / "scenarios" / "cpc_crisis.toml").scenario
    for other in (load_scenario(EXPANDED).scenario, crisis):
        rebuilt = with_overrides(base, designs.differences(base, other))
        assert designs.differences(rebuilt, other) == {}


@pytest.mark.slow
def test_compare_interval_covers_the_difference_of_two_independent_long_runs():
    """50 paired replications against 2 x 2,000 independent ones (other seeds).

    The paired interval is about three times the standard error of the independent
    difference, so it covers that difference about nine times in ten whatever the
    seeds; with these seeds it does, with room on both sides.
    """
    short = ["run.horizon_days=30", "run.warmup_days=0"]
    a = load_scenario(BASE, short)
    b = load_scenario(BASE, [*short, "fleet.tankers=8"])
    result = compare([a, b], replications=50, jobs=2)
    row = result.table.query("field == 'transcaspian_mt_per_year'").iloc[0]
    mean_a = run_replications(a, 2000, seed=1)["transcaspian_mt_per_year"].mean()
    mean_b = run_replications(b, 2000, seed=2)["transcaspian_mt_per_year"].mean()
    assert row["difference_ci95_low"] <= mean_b - mean_a <= row["difference_ci95_high"]
    assert row["verdict"] == "significantly higher"


# --- explore ---------------------------------------------------------------------------------

def test_explore_writes_one_row_per_world_and_lever_setting_and_the_robust_share(tmp_path):
    scenario = small()
    result = explore(scenario, "lhs:3", replications=2, levers={"fleet.tankers": [8, 10]},
                     jobs=1, out=tmp_path / "ens")
    table = pd.read_parquet(tmp_path / "ens" / "experiments.parquet")
    assert len(table) == 3 * 2
    assert sorted(zip(table["draw"], table["fleet.tankers"], strict=True)) == [
        (d, t) for d in range(3) for t in (8, 10)]
    for item in uncertain_inputs(scenario):
        assert item.column in table.columns
    assert (table["replications"] == 2).all()
    assert {"transcaspian_mt_per_year_mean", "transcaspian_mt_per_year_ci95_low",
            "reaches_6_0_mean"} <= set(table.columns)
    inputs = [item.column for item in uncertain_inputs(scenario)]
    assert study_columns.undocumented(table.columns, study_columns.EXPERIMENTS_PARQUET, inputs,
                                      ["fleet.tankers"]) == []
    robust = pd.read_csv(tmp_path / "ens" / "robust.csv")
    assert study_columns.undocumented(robust.columns, study_columns.ROBUST_CSV,
                                      levers=["fleet.tankers"]) == []
    assert list(robust["fleet.tankers"]) == [10, 8]  # as it is (10), then 8
    assert (robust["worlds"] == 3).all()
    assert ((robust["robust_share_ci95_low"] <= robust["robust_share"])
            & (robust["robust_share"] <= robust["robust_share_ci95_high"])).all()
    assert len(pd.read_parquet(tmp_path / "ens" / "replications.parquet")) == 3 * 2 * 2
    page = (tmp_path / "ens" / "report.html").read_text(encoding="utf-8")
    assert "The most robust setting is tankers = " in page
    in_memory = explore(scenario, "lhs:3", replications=2, levers={"fleet.tankers": [8, 10]},
                        jobs=1)
    pd.testing.assert_frame_equal(in_memory.experiments, result.experiments)


def test_latin_hypercube_draws_are_seeded_and_stratified():
    inputs = uncertain_inputs(load_scenario(BASE).scenario)
    first = designs.latin_hypercube(inputs, 50, seed=7)
    assert np.array_equal(first, designs.latin_hypercube(inputs, 50, seed=7))
    assert not np.array_equal(first, designs.latin_hypercube(inputs, 50, seed=8))
    for column in first.T:  # one draw in each of the 50 strata of every input
        assert sorted(np.floor(column * 50).astype(int)) == list(range(50))


def test_lever_settings_one_at_a_time_or_combined():
    levers = levers_of(load_scenario(BASE).scenario)
    by_path = {lever.path: lever for lever in levers}
    two = [by_path["fleet.tankers"], by_path["aktau.berths"]]
    alone = designs.lever_settings(two)
    assert alone[0] == {"fleet.tankers": 6, "aktau.berths": 3}
    assert len(alone) == 1 + 3 + 2  # as it is, 8/10/12 tankers, 4/5 berths
    assert len(designs.lever_settings(two, combine=True)) == 4 * 3


# --- refusals --------------------------------------------------------------------------------

@pytest.mark.parametrize(("argv", "fragment"), [
    (["sensitivity", str(BASE), "--method", "fast"], "--method: invalid choice: 'fast'"),
    (["sensitivity", str(BASE), "--method", "sobol", "--samples", "48"], "power of two"),
    (["sensitivity", str(BASE), "--method", "morris", "--samples", "1"], "2 to 1,000"),
    (["sensitivity", str(BASE), "--samples", "8"], "only with --method morris or sobol"),
    (["sensitivity", str(BASE), "--replications", "1"], "at least 2"),
    (["sensitivity", str(BASE), "--output", "transcaspian_mt"], "did you mean"),
    (["sensitivity", str(ROOT / "tests" / "bad_scenarios" / "uncertainty_low_above_high.toml")],
     'uncertainty."aktau.storage_t".low = 300000: must be below high'),
    (["explore", str(BASE), "--sample", "lhs:1"], "lhs:N with N a whole number from 2"),
    (["explore", str(BASE), "--sample", "sobol:8"], "expected lhs:N"),
    (["explore", str(BASE), "--sample", "lhs:4", "--lever", "fleet.tanker"], "did you mean"),
    (["explore", str(BASE), "--sample", "lhs:4", "--lever", "baku.berths=1,2"],
     "either decided (a lever) or uncertain"),
    (["explore", str(BASE), "--sample", "lhs:4", "--lever", "fleet.tankers=6,-2"],
     "greater than or equal to 0"),
    (["explore", str(BASE), "--sample", "lhs:4", "--threshold", "1.5"], "probability"),
    (["compare", str(BASE)], "at least two scenario files"),
])
def test_bad_methods_samples_and_ranges_are_one_clear_line_and_exit_2(argv, fragment, capsys,
                                                                       tmp_path):
    code = main([*argv, "--out", str(tmp_path / "never")])
    out, err = capsys.readouterr()
    assert code == 2, err
    assert out == ""
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert fragment in err
    assert not (tmp_path / "never").exists()


def test_the_sensitivity_document_and_the_readme_name_the_commands():
    text = (ROOT / "docs" / "sensitivity.md").read_text(encoding="utf-8")
    assert "## What the answer depends on" in text
    assert "python tools/sensitivity_report.py" in text
    for name in ("base", "expanded_fleet"):
        assert f"### `{name}`" in text
        assert (ROOT / "docs" / "images" / f"tornado_{name}.png").exists()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("python -m sim sensitivity", "python -m sim compare", "python -m sim explore"):
        assert command in readme
    assert "**How sure.**" in readme


def test_a_scenario_without_ranges_is_refused():
    scenario = load_scenario(BASE).scenario.model_copy(update={"uncertainty": {}})
    with pytest.raises(ScenarioError, match="no ranges"):
        sensitivity(scenario)


# --- kill and resume -------------------------------------------------------------------------

@pytest.mark.slow
def test_an_ensemble_killed_mid_run_resumes_to_the_same_tables(tmp_path):
    args = [sys.executable, "-m", "sim", "explore", str(BASE), "--set", "run.horizon_days=60",
            "--set", "run.warmup_days=0", "--sample", "lhs:6", "--replications", "4",
            "--lever", "fleet.tankers=6,10", "--jobs", "1", "--no-figures"]
    whole = subprocess.run([*args, "--out", str(tmp_path / "whole")], capture_output=True,
                           text=True, timeout=600)
    assert whole.returncode == 0, whole.stderr
    out = tmp_path / "killed"
    job = subprocess.Popen([*args, "--out", str(out)], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((out / "parts").glob("*.parquet"))) < 3:
        time.sleep(0.05)
    os.kill(job.pid, signal.SIGKILL)
    job.wait()
    stored = len(list((out / "parts").glob("*.parquet")))
    assert 3 <= stored < 6 * 2 * 4
    assert not (out / "experiments.parquet").exists()
    resumed = subprocess.run([*args, "--out", str(out), "--resume"], capture_output=True,
                             text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(out / "experiments.parquet"),
                                  pd.read_parquet(tmp_path / "whole" / "experiments.parquet"))
    pd.testing.assert_frame_equal(pd.read_parquet(out / "replications.parquet"),
                                  pd.read_parquet(tmp_path / "whole" / "replications.parquet"))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["resumed"] is True
    assert len(manifest["command_lines"]) == 2


def test_explore_leaves_out_worlds_outside_the_model_names_them_and_runs_the_rest(
        tmp_path, capsys):
    # One Baku berth with nearly all third-party crude at it breaks a rule of the model
    # (other ships alone would take over 70% of its time); two berths do not.
    loaded = load_scenario(BASE, SHORT).scenario
    ranges = loaded.uncertainty
    scenario = loaded.model_copy(update={"uncertainty": {
        "baku.berths": ranges["baku.berths"].model_copy(update={"low": 1, "high": 2}),
        "baku.other_traffic_share_at_berths": ranges["baku.other_traffic_share_at_berths"]
        .model_copy(update={"low": 0.95, "high": 1.0})}})
    result = explore(scenario, "lhs:4", replications=2, levers={"fleet.tankers": [8]},
                     jobs=1, out=tmp_path / "ens", figures=False)
    left_out = result.design["left_out"]
    assert len(left_out) == 2  # the Latin hypercube puts two of four draws at one berth
    assert all(item["inputs"]["baku.berths"] == 1 for item in left_out)
    assert all("70%" in item["reason"] for item in left_out)
    assert "2 of 4 worlds left out" in capsys.readouterr().err
    table = result.experiments
    assert set(table["baku.berths"]) == {2}
    kept = sorted(set(table["draw"]))
    assert kept == sorted(set(range(4)) - {item["draw"] for item in left_out})  # numbers kept
    assert (result.robust["worlds"] == 2).all()
    manifest = json.loads((tmp_path / "ens" / "manifest.json").read_text())
    assert [item["draw"] for item in manifest["design"]["left_out"]] == [
        item["draw"] for item in left_out]


def test_explore_refuses_ranges_whose_every_world_is_outside_the_model():
    from sim.uncertainty import _in_domain

    loaded = load_scenario(BASE, SHORT).scenario
    ranges = loaded.uncertainty
    scenario = loaded.model_copy(update={"uncertainty": {  # each end alone is a valid scenario
        "baku.berths": ranges["baku.berths"].model_copy(update={"low": 1, "high": 2}),
        "baku.other_traffic_share_at_berths": ranges["baku.other_traffic_share_at_berths"]
        .model_copy(update={"low": 0.95, "high": 1.0})}})
    inputs = uncertain_inputs(scenario)
    one_berth = np.array([[0.1, 0.2], [0.3, 0.9]])  # both draws: one berth, share >= 0.95
    with pytest.raises(ScenarioError, match="every one of the 2 draws is outside the model"):
        _in_domain(scenario, inputs, one_berth, [{}], "scenario")
    kept, left_out = _in_domain(scenario, inputs, np.array([[0.1, 0.2], [0.7, 0.2]]), [{}],
                                "scenario")
    assert (kept, [item["draw"] for item in left_out]) == ([1], [0])
