"""``python -m sim trace``: one replication's event log and timeline, as a planner asks for it."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from sim.experiments.trace import trace
from sim.model.recorder import INJECTED
from sim.report.event_log import event_log
from sim.scenario.loader import load_scenario
from sim.study import run_replications
from sim.units import HOURS_PER_YEAR, TONNES_PER_MT
from tests.conftest import ROOT

#: A short base scenario: 8 replications of a 90-day measured period.
SHORT = ["--set", "run.replications=8", "--set", "run.horizon_days=90",
         "--set", "run.warmup_days=15"]


def sim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)


@pytest.fixture(scope="module")
def worst(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("trace") / "worst"
    done = sim("trace", "scenarios/base.toml", "--pick", "worst", *SHORT, "--jobs", "1",
               "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out


def test_trace_writes_the_event_log_and_the_timeline(worst):
    for name in ("events.parquet", "events.csv", "series.parquet", "manifest.json",
                 "scenario.toml", "replications.parquet", "figures/timeline.png"):
        assert (worst / name).stat().st_size > 0, name
    assert not (worst / "parts").exists()
    log = pd.read_parquet(worst / "events.parquet")
    assert list(log.columns) == ["time_h", "end_h", "start", "end", "entity", "activity",
                                 "resource", "tonnes", "period"]
    assert pd.api.types.is_datetime64_any_dtype(log["start"])
    assert log["start"].iloc[0] == pd.Timestamp("2025-01-01")  # nominal calendar: hour 0
    assert {"loading", "sailing_laden", "unloading", "sailing_ballast", INJECTED} <= set(
        log["activity"])
    csv = pd.read_csv(worst / "events.csv")
    assert len(csv) == len(log)
    assert csv["tonnes"].sum() == pytest.approx(log["tonnes"].sum())
    manifest = json.loads((worst / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["study"] == "trace"
    assert manifest["chosen_by"] == "the worst year of 8 replications"


def test_pick_worst_traces_the_replication_with_the_lowest_trans_caspian_volume(worst):
    overrides = ["run.replications=8", "run.horizon_days=90", "run.warmup_days=15"]
    from sim.scenario.loader import load_scenario

    table = run_replications(load_scenario(ROOT / "scenarios/base.toml", overrides), jobs=1)
    volumes = table.set_index("replication")["transcaspian_mt_per_year"]
    assert volumes.nunique() > 1
    manifest = json.loads((worst / "manifest.json").read_text())
    assert manifest["replication"] == volumes.idxmin()
    assert manifest["transcaspian_mt_per_year"] == volumes.min()


def test_the_logged_tonnes_into_btc_sum_to_the_replications_trans_caspian_volume(worst):
    manifest = json.loads((worst / "manifest.json").read_text())
    log = pd.read_parquet(worst / "events.parquet")
    injected = log[(log["activity"] == INJECTED) & (log["period"] == "measured")]
    hours = manifest["end_hours"] - manifest["warmup_hours"]
    tonnes = manifest["transcaspian_mt_per_year"] * TONNES_PER_MT * hours / HOURS_PER_YEAR
    assert injected["tonnes"].sum() == pytest.approx(tonnes, abs=1.0)


def test_a_replication_out_of_range_is_one_line_and_exit_2(tmp_path):
    out = tmp_path / "never"
    done = sim("trace", "scenarios/base.toml", "--replication", "100", "--out", str(out))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
    assert "--replication = 100" in done.stderr
    assert "0 to 99" in done.stderr
    assert not out.exists()


def test_trace_refuses_a_directory_that_holds_something_else_before_running(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    done = sim("trace", "scenarios/base.toml", "--pick", "worst", "--out", str(tmp_path))
    assert done.returncode == 2
    assert "not empty" in done.stderr
    assert done.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_replication_and_pick_are_one_or_the_other():
    done = sim("trace", "scenarios/base.toml", "--replication", "1", "--pick", "worst")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    done = sim("trace", "scenarios/base.toml")
    assert done.returncode == 2
    assert "--replication" in done.stderr


@pytest.mark.parametrize(("pick", "expected"), [("worst", 0), ("p5", 8), ("median", 17)])
def test_picks_rank_replications_by_trans_caspian_volume(pick, expected):
    """21 replications with volumes 0..20 Mt/yr (replication k has 8k mod 21): the worst is
    rank 1, P5 the nearest rank ceil(0.05 x 21) = 2 (volume 1), the median rank 11 (volume 10)."""
    from sim.experiments.trace import pick_replication

    table = pd.DataFrame({"replication": range(21),
                          "transcaspian_mt_per_year": [float(8 * k % 21) for k in range(21)]})
    assert pick_replication(table.sample(frac=1, random_state=1), pick) == expected


def test_a_tie_for_the_worst_year_goes_to_the_lower_replication():
    from sim.experiments.trace import pick_replication

    table = pd.DataFrame({"replication": [5, 2, 9], "transcaspian_mt_per_year": [1.0, 1.0, 3.0]})
    assert pick_replication(table, "worst") == 2


def test_the_timeline_draws_every_panel_the_planner_asked_for():
    from sim.experiments.trace import trace
    from sim.report.event_log import event_log
    from sim.report.timeline import timeline_figure
    from sim.scenario.loader import load_scenario

    scenario = load_scenario(ROOT / "scenarios/base.toml",
                             ["run.horizon_days=60", "run.warmup_days=10"]).scenario
    traced = trace(scenario, replication=1)
    fig = timeline_figure(traced, event_log(traced.recorder))
    labels = [ax.get_ylabel() for ax in fig.axes]
    assert labels == ["tankers", "outages and\nclosures", "tank level (kt)", "Aktau\nberths",
                      "Baku\nberths", "cumulative\nTrans-Caspian (Mt)"]
    gantt, outages = fig.axes[0], fig.axes[1]
    assert [t.get_text() for t in gantt.get_yticklabels()] == [
        f"tanker {i:02d}" for i in range(scenario.fleet.tankers)]
    assert {t.get_text() for t in outages.get_yticklabels()} >= {
        "Russian route: major disruption", "BTC intake stop", "Aktau closed by weather",
        "Baku closed by weather"}
    paces = [line.get_label() for line in fig.axes[-1].get_lines()]
    assert "pace of 6.0 Mt/yr" in paces
    assert "pace of 6.5 Mt/yr" in paces


def test_the_manifests_rerun_command_traces_the_same_replication_event_for_event(tmp_path):
    first = tmp_path / "first"
    done = sim("trace", "scenarios/base.toml", "--replication", "1", *SHORT, "--no-figures",
               "--out", str(first))
    assert done.returncode == 0, done.stderr
    rerun = json.loads((first / "manifest.json").read_text())["rerun"].split()
    assert rerun[:4] == ["python", "-m", "sim", "trace"]
    again = sim(*rerun[3:], "--no-figures", "--out", str(tmp_path / "again"))
    assert again.returncode == 0, again.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(first / "events.parquet"),
                                  pd.read_parquet(tmp_path / "again" / "events.parquet"))


def test_a_trace_that_fails_leaves_no_directory_behind(tmp_path, monkeypatch, capsys):
    import sim.experiments.trace
    from sim.cli import main
    from sim.errors import SimulationInvariantError

    def broken(*args, **kwargs):
        raise SimulationInvariantError("replication 0 (seed 1): mass balance off by 2.000 t")

    monkeypatch.setattr(sim.experiments.trace, "run_replication", broken)
    out = tmp_path / "new" / "trace"
    code = main(["trace", str(ROOT / "scenarios/base.toml"), "--replication", "0",
                 "--out", str(out)])
    assert code == 1
    assert "mass balance off by 2.000 t" in capsys.readouterr().err
    assert not (tmp_path / "new").exists()



def test_a_plan_over_time_is_traced_on_its_own_calendar_with_the_ships_it_adds(tmp_path):
    scenario = tmp_path / "plan.toml"
    scenario.write_text(f"""extends = "{(ROOT / 'scenarios' / 'base.toml').as_posix()}"
name = "plan"
[run]
start_date = 2026-01-01
horizon_days = 120
warmup_days = 10
replications = 1
[[events]]
kind = "change"
path = "fleet.tankers"
value = 8
date = 2026-02-01
""")
    sc = load_scenario(scenario, allow_outside_tree=True).scenario
    traced = trace(sc, replication=0)
    assert traced.start.date() == date(2025, 12, 22)  # 10 days of warm-up before 1 January
    log = event_log(traced.recorder, traced.start)
    tankers = sorted(e for e in log["entity"].unique() if e.startswith("tanker"))
    assert len(tankers) == 8
    assert log[log["entity"] == tankers[-1]]["start"].min().date() == date(2026, 2, 1)
