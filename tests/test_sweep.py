"""Sweeps: common random numbers, identical results on every back end, resume, precision."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.errors import UserError
from sim.experiments.plan import plan_sweep
from sim.scenario.grid import parse_values
from sim.scenario.loader import load_scenario
from sim.study import sweep

SHORT = ["run.horizon_days=120", "run.warmup_days=10"]


def short_base(*extra: str):
    return load_scenario("scenarios/base.toml", [*SHORT, *extra]).scenario


def test_base_scenario_carries_the_headline_study():
    plan = plan_sweep(load_scenario("scenarios/base.toml").scenario)
    (path, values), = plan.parameters
    assert path == "russian_route.disruption.probability"
    assert len(values) >= 11
    assert (min(values), max(values)) == (0.0, 0.5)
    assert plan.replications == 200


def test_values_syntax():
    assert parse_values("0:0.5:11")[1] == pytest.approx(0.05)
    assert parse_values("4,6,8") == [4, 6, 8]
    with pytest.raises(UserError, match="START:STOP:COUNT"):
        parse_values("0:x:3")


def test_common_random_numbers_make_point_differences_less_noisy():
    """Disrupted days rise with p: under CRN every replication's curve is monotone, far more
    than with independent streams, and the replication-paired difference in shut-in between
    adjacent points varies much less."""
    base = short_base("aktau.weather.enabled=false")
    grid = {"russian_route.disruption.probability": [0.1, 0.2, 0.3, 0.4]}
    crn = sweep(base, grid, replications=24, jobs=1).replications
    ind = sweep(base, grid, replications=24, jobs=1, common_random_numbers=False).replications

    def steps(frame, column):
        table = frame.pivot(index="replication", columns="point", values=column)
        return table.diff(axis=1).iloc[:, 1:]

    def monotone_share(frame):
        return float((steps(frame, "russian_disrupted_days_per_year") >= -1e-9).all(axis=1).mean())

    def difference_variance(frame):
        return float(steps(frame, "shut_in_mt_per_year").var().mean())

    assert monotone_share(crn) == 1.0
    assert monotone_share(ind) <= 0.5
    assert difference_variance(crn) < 0.25 * difference_variance(ind)


def test_summary_reports_the_paired_difference_between_adjacent_points():
    base = short_base()
    result = sweep(base, {"fleet.tankers": [6, 7]}, replications=8, jobs=1)
    row = result.summary.iloc[1]
    first = result.summary.iloc[0]
    assert row["transcaspian_mt_per_year_delta_mean"] == pytest.approx(
        row["transcaspian_mt_per_year_mean"] - first["transcaspian_mt_per_year_mean"])
    assert row["transcaspian_mt_per_year_delta_sd"] >= 0


def test_same_seed_gives_identical_tables_serial_process_pool_and_dask():
    pytest.importorskip("dask.distributed")
    base = short_base()
    grid = {"fleet.tankers": [5, 8]}
    serial = sweep(base, grid, replications=6, jobs=1).replications
    pool = sweep(base, grid, replications=6, jobs=2).replications
    dask = sweep(base, grid, replications=6, jobs=2, executor="dask").replications
    pd.testing.assert_frame_equal(serial, pool)
    pd.testing.assert_frame_equal(serial, dask)


@pytest.mark.slow
def test_precision_mode_stops_at_the_requested_half_width():
    base = short_base()
    result = sweep(base, {"fleet.tankers": [4, 8]}, precision_mt_per_year=0.08, jobs=2)
    for _, row in result.summary.iterrows():
        assert row["transcaspian_mt_per_year_ci95_half_width"] <= 0.08
        assert row["replications"] >= base.sweep.min_replications
    # The two points needed different counts, and each count is what the rule asked for.
    assert result.summary["replications"].nunique() == 2


def test_results_directory_holds_tables_manifest_and_figures(tmp_path):
    out = tmp_path / "study"
    sweep(short_base(), {"russian_route.disruption.probability": [0.0, 0.3]}, replications=4,
          jobs=1, out=out, csv=True)
    for name in ["replications.parquet", "replications.csv", "summary.csv", "manifest.json",
                 "figures/capacity_curve.png", "figures/capacity_curve.svg",
                 "figures/p_reach.png", "figures/binding.png", "figures/volumes.png"]:
        assert (out / name).is_file(), name
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["points"][1]["values"] == {"russian_route.disruption.probability": 0.3}
    assert "--seed" in manifest["points"][1]["rerun"]
    assert len(manifest["scenario_sha256"]) == 64
    table = pd.read_parquet(out / "replications.parquet")
    assert len(table) == 8
    assert list(table["point"].unique()) == [0, 1]
    assert not list(out.glob("**/*.tmp"))


def test_two_parameter_grid_draws_a_heatmap(tmp_path):
    out = tmp_path / "grid"
    result = sweep(short_base(), {"russian_route.disruption.probability": [0.0, 0.3],
                                  "fleet.tankers": [6, 9]}, replications=3, jobs=1, out=out)
    assert len(result.summary) == 4
    assert (out / "figures" / "heatmap.png").is_file()


def test_a_directory_holding_another_sweep_is_refused(tmp_path):
    out = tmp_path / "study"
    sweep(short_base(), {"fleet.tankers": [6]}, replications=2, jobs=1, out=out,
          figures=False)
    with pytest.raises(UserError, match="holds another sweep"):
        sweep(short_base(), {"fleet.tankers": [7]}, replications=2, jobs=1, out=out)
    with pytest.raises(UserError, match="pass --resume"):
        sweep(short_base(), {"fleet.tankers": [6]}, replications=2, jobs=1, out=out)


def _cli(*args):
    return [sys.executable, "-m", "sim", "sweep", "scenarios/base.toml", *args]


@pytest.mark.slow
def test_a_sweep_killed_midway_and_resumed_equals_an_uninterrupted_one(tmp_path):
    args = ["--param", "fleet.tankers", "--values", "5,7", "--replications", "40",
            "--jobs", "1", "--no-figures", "--set", "run.horizon_days=60",
            "--set", "run.warmup_days=5"]
    whole = tmp_path / "whole"
    assert subprocess.run(_cli(*args, "--out", str(whole)), capture_output=True).returncode == 0

    broken = tmp_path / "broken"
    proc = subprocess.Popen(_cli(*args, "--out", str(broken)), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and len(list((broken / "parts").glob("*.parquet"))) < 2:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stored = len(list((broken / "parts").glob("*.parquet")))
    assert stored >= 2
    assert not (broken / "replications.parquet").exists()  # it really was interrupted

    resumed = subprocess.run(_cli(*args, "--out", str(broken), "--resume"), capture_output=True,
                             text=True)
    assert resumed.returncode == 0, resumed.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(whole / "replications.parquet"),
                                  pd.read_parquet(broken / "replications.parquet"))
    pd.testing.assert_frame_equal(pd.read_csv(whole / "summary.csv"),
                                  pd.read_csv(broken / "summary.csv"))


@pytest.mark.slow
def test_cli_sweep_errors_leave_no_directory(tmp_path):
    out = tmp_path / "nothing"
    for args in (["--param", "fleet.tanker", "--values", "3"],
                 ["--param", "fleet.tankers", "--values", "3,-1"],
                 ["--param", "fleet.tankers"]):
        result = subprocess.run(_cli(*args, "--out", str(out)), capture_output=True, text=True)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("error: ")
        assert not out.exists()


def test_plot_redraws_figures(tmp_path):
    out = tmp_path / "study"
    sweep(short_base(), {"fleet.tankers": [6, 7]}, replications=2, jobs=1, out=out,
          figures=False)
    assert not (out / "figures").exists()
    done = subprocess.run([sys.executable, "-m", "sim", "plot", str(out)], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert (out / "figures" / "capacity_curve.png").stat().st_size > 10_000
    assert Path(done.stdout.split()[0]).exists()
