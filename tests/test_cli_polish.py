"""The command line fits a planner's hands: quick answers, units, named values, honest CIs.

Start-up: ``--help``, ``--version`` and bad input are answered without importing the
heavy libraries (``benchmarks/startup.py`` times them). Messages name the value at
fault and suggest whole dotted paths. A scenario's own fields win over an inherited
``[sweep]`` table, and an unnamed scenario is named after its file. Tables carry
units, name the route and what binds; intervals stay inside what a field can take
and are marked when they rest on too few replications. Without a terminal, progress
is a log line now and then.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pandas as pd
import pytest

import sim
from benchmarks.startup import COMMANDS, heavy_imports
from sim.analysis.stats import MIN_REPLICATIONS_FOR_CI, summarize
from sim.cli import main
from sim.errors import ScenarioError
from sim.experiments.assemble import groups_in_memory
from sim.experiments.plan import plan_headline
from sim.experiments.progress import LOG_EVERY_SECONDS, Progress
from sim.model.results import output_fields
from sim.report.headline import summarize_headline
from sim.report.summary import run_summary
from sim.report.tables import run_table, sweep_table
from sim.scenario.grid import parse_values
from sim.scenario.loader import load_scenario
from tests.sweeps import sweep_argv

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "scenarios" / "base.toml"
P_PATH = "russian_route.disruption.probability"


# --- start-up ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(COMMANDS))
def test_help_version_and_bad_input_are_answered_without_the_heavy_libraries(name):
    heavy = heavy_imports(COMMANDS[name])
    if "aktau.storage_t" in name:  # planning the grid counts each point's events (SimPy)
        assert set(heavy) <= {"numpy", "simpy"}, heavy
    elif name.startswith("sweep"):  # a START:STOP:COUNT range is spaced by NumPy
        assert set(heavy) <= {"numpy"}, heavy
    else:
        assert heavy == (), heavy


# --- messages that name the real value --------------------------------------------------------

def test_a_range_on_a_count_names_the_value_that_is_not_whole():
    with pytest.raises(ScenarioError) as info:
        parse_values("6:12:5", "fleet.tankers")
    assert info.value.value == 7.5
    assert "fleet.tankers = 7.5" in str(info.value)
    assert "e.g. 6:12:7" in str(info.value)


def test_a_range_on_a_count_with_whole_steps_gives_integers_however_written():
    assert parse_values("6.0:12.0:7", "fleet.tankers") == [6, 7, 8, 9, 10, 11, 12]
    assert parse_values("0:0.5:3", P_PATH) == [0.0, 0.25, 0.5]


def test_the_cli_refuses_a_fractional_count_in_one_line_naming_it(capsys):
    assert main(["sweep", str(BASE), "--param", "fleet.tankers", "--values", "6:12:5"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --values: fleet.tankers = 7.5: is not a whole number")
    assert err.count("\n") == 1


def test_a_path_given_by_its_tail_suggests_every_full_path_it_ends(capsys):
    assert main(["sweep", str(BASE), "--param", "disruption.probability", "--values",
                 "0,0.1"]) == 2
    err = capsys.readouterr().err
    assert "'russian_route.disruption.probability' or 'btc.disruption.probability'" in err
    assert "description" not in err
    assert main(["run", str(BASE), "--set", "tankers=8"]) == 2
    assert "did you mean 'fleet.tankers'?" in capsys.readouterr().err


def test_a_typo_inside_a_section_still_suggests_the_close_key(capsys):
    assert main(["run", str(BASE), "--set", "fleet.tanker=8"]) == 2
    assert "did you mean 'fleet.tankers'?" in capsys.readouterr().err


# --- extends: a scenario's own fields win -----------------------------------------------------

def child(tmp_path: Path, body: str, name: str = "child.toml", parent: str = "parent.toml"
          ) -> Path:
    """A scenario file extending ``parent`` (copied from base.toml next to it)."""
    (tmp_path / "base.toml").write_text(BASE.read_text())
    if parent != "base.toml" and not (tmp_path / parent).exists():
        (tmp_path / parent).write_text('extends = "base.toml"\nname = "parent"\n\n'
                                       '[[sweep.parameters]]\npath = "fleet.tankers"\n'
                                       'values = [6, 8]\n\n[[sweep.parameters]]\n'
                                       f'path = "{P_PATH}"\nvalues = [0.0, 0.3]\n')
    path = tmp_path / name
    path.write_text(f'extends = "{parent}"\n{body}')
    return path


def swept(path: Path, *overrides: str) -> tuple[list[str], tuple[str, ...]]:
    loaded = load_scenario(path, overrides)
    return [p.path for p in loaded.scenario.sweep.parameters], loaded.warnings


def test_a_child_that_sets_a_swept_field_keeps_its_value_and_drops_that_parameter(tmp_path):
    path = child(tmp_path, "[russian_route.disruption]\nprobability = 0.4\n")
    paths, warnings = swept(path)
    assert paths == ["fleet.tankers"]  # the other parameter is still swept
    assert load_scenario(path).scenario.russian_route.disruption.probability == 0.4
    [warning] = warnings
    assert f"child.toml sets {P_PATH} itself" in warning
    assert "parent.toml" in warning
    assert f"--param {P_PATH}" in warning


def test_setting_the_same_field_the_other_way_counts_as_setting_it(tmp_path):
    path = child(tmp_path, "[russian_route.disruption]\nrate_per_year = 2.0\n")
    assert swept(path)[0] == ["fleet.tankers"]


def test_a_set_option_on_a_swept_field_drops_the_parameter_too(tmp_path):
    path = child(tmp_path, "")
    paths, warnings = swept(path, "fleet.tankers=9")
    assert paths == [P_PATH]
    assert warnings[0].startswith("--set fleet.tankers=9 sets fleet.tankers itself")


def test_a_child_with_its_own_sweep_table_sweeps_its_own_fields_without_warning(tmp_path):
    path = child(tmp_path, f'[russian_route.disruption]\nprobability = 0.4\n\n'
                 f'[[sweep.parameters]]\npath = "{P_PATH}"\nvalues = [0.3, 0.5]\n')
    assert swept(path) == ([P_PATH], ())


def test_a_file_sweeping_its_own_field_is_not_warned_about():
    assert swept(BASE) == ([P_PATH], ())


def test_sweeping_the_crisis_scenario_says_why_it_has_nothing_to_sweep(capsys):
    code = main(["sweep", str(ROOT / "scenarios" / "cpc_crisis.toml"), "--jobs", "1"])
    err = capsys.readouterr().err.splitlines()
    assert code == 2
    assert err[0].startswith("notice: ")
    assert "cpc_crisis.toml sets " + P_PATH in err[0]
    assert err[1].startswith("error: ")


def test_inherited_ranges_and_levers_stay_and_vary_around_the_childs_own_value(tmp_path):
    path = child(tmp_path, "[fleet]\ntankers = 8\n[russian_route.disruption]\n"
                 "clustering_cv = 1.5\n", parent="base.toml")
    sc = load_scenario(path).scenario
    assert "russian_route.disruption.clustering_cv" in sc.uncertainty
    assert "fleet.tankers" in sc.levers
    assert (sc.fleet.tankers, sc.russian_route.disruption.clustering_cv) == (8, 1.5)


def test_a_scenario_without_a_name_is_named_after_its_file(tmp_path):
    assert load_scenario(child(tmp_path, "", name="crisis_2026.toml")).scenario.name == \
        "crisis_2026"
    named = child(tmp_path, 'name = "my crisis"\n', name="other.toml")
    assert load_scenario(named).scenario.name == "my crisis"
    assert load_scenario(named, ["name=given"]).scenario.name == "given"
    assert load_scenario(ROOT / "scenarios" / "cpc_crisis.toml").scenario.name == "cpc_crisis"


# --- the Python API ---------------------------------------------------------------------------

def test_run_replications_accepts_what_load_scenario_returns():
    loaded = sim.load_scenario(BASE, ["run.replications=2", "run.horizon_days=10",
                                      "run.warmup_days=0"])
    frame = sim.run_replications(loaded, jobs=1)
    assert list(frame["replication"]) == [0, 1]
    assert (frame["seed"] == loaded.scenario.run.seed).all()


# --- tables and intervals ---------------------------------------------------------------------

def golden_frame(n: int) -> pd.DataFrame:
    """``n`` real replication records (the stored golden results, repeated if need be)."""
    records = json.loads((ROOT / "tests" / "golden" / "base.json").read_text())
    return pd.DataFrame([records[i % len(records)] for i in range(n)])


def test_a_confidence_interval_stays_inside_what_the_field_can_take():
    values = [0.0, 0.0, 0.0, 9.0]  # a t interval of this reaches below zero
    assert summarize(values)["ci95_low"] < 0
    assert summarize(values, low=0.0)["ci95_low"] == 0.0
    assert summarize([0.9, 1.0], low=0.0, high=1.0)["ci95_high"] == 1.0
    report = run_summary(golden_frame(2))
    for output in output_fields():
        if output.kind == "continuous":
            s = report[output.group][output.name]
            assert output.low <= s["ci95_low"] <= s["mean"] <= s["ci95_high"] <= output.high, \
                output.name
    assert report["kpis"]["reaches_6_0"]["ci95_high"] <= 1.0  # Wilson, a binomial interval


def test_the_headline_cuts_its_intervals_the_same_way():
    plan = plan_headline(load_scenario(BASE).scenario, capacity_replications=2,
                         surge_replications=2)
    frame = golden_frame(2).assign(point=0)
    frame["transcaspian_mt_per_year"] = [0.5, 6.0]  # a t interval reaching below zero
    row = summarize_headline(plan, groups_in_memory(frame)).iloc[0]
    assert row["transcaspian_mt_per_year_ci95_low"] == 0.0
    assert row["transcaspian_mt_per_year_ci95_high"] > 6.0


def test_differences_keep_their_sign_and_volumes_never_go_negative():
    fields = {f.name: f for f in output_fields()}
    assert fields["extra_transcaspian_mt_per_year"].low == -math.inf
    assert fields["transcaspian_mt_per_year"].low == 0.0
    assert fields["fleet_share_sailing"].high == 1.0
    assert fields["btc_allowance_use"].high == math.inf  # carried-over allowance


def run_report(n: int) -> dict:
    frame = golden_frame(n)
    return {"scenario": "base", "scenario_file": "scenarios/base.toml", "replications": n,
            "seed": 1, "horizon_days": 365, "russian_route_disruption": {
                "given_as": "probability", "probability": 0.054, "onsets_per_calendar_year": 0.3,
                "rate_per_year": 0.33, "mean_duration_days": 63, "capacity_loss_fraction": 1.0},
            **run_summary(frame), "notes": {}, "chain_bound": sim.chain_bound(
                load_scenario(BASE).scenario).as_dict(), "wall_time_s": 1.0}


def row_of(table: str, name: str) -> str:
    return next(line for line in table.splitlines() if line.strip().startswith(name + " "))


def test_run_prints_percentiles_only_for_continuous_fields_and_marks_too_few():
    table = run_table(run_report(2))
    assert len(row_of(table, "reaches_6_0").split()) == 5  # name, unit, mean, [low, high]
    assert len(row_of(table, "transcaspian_mt_per_year").split()) == 8  # + P5, P50, P95
    assert "]*" in row_of(table, "transcaspian_mt_per_year")
    assert table.splitlines()[-1].startswith("* from 2 replications, fewer than 10")
    assert "(the tanker fleet binds)" in table


def test_run_does_not_mark_intervals_from_enough_replications():
    table = run_table(run_report(MIN_REPLICATIONS_FOR_CI))
    assert "]*" not in table
    assert "fewer than" not in table


def sweep_summary(replications: int) -> pd.DataFrame:
    return pd.DataFrame({
        P_PATH: [0.0, 0.3], "replications": [replications] * 2,
        "transcaspian_mt_per_year_mean": [4.1, 3.9],
        "transcaspian_mt_per_year_ci95_low": [4.0, 3.7],
        "transcaspian_mt_per_year_ci95_high": [4.2, 4.1], "reaches_6_0_mean": [0.0, 0.0],
        "reaches_6_0_ci95_low": [0.0, 0.0], "reaches_6_0_ci95_high": [0.3, 0.3],
        "reaches_6_5_mean": [0.0, 0.0], "reaches_6_5_ci95_low": [0.0, 0.0],
        "reaches_6_5_ci95_high": [0.3, 0.3], "shut_in_mt_per_year_mean": [0.8, 5.7],
        "capacity_mt_per_year": [4.55, 4.55], "deliverable_binding": ["fleet", "BTC allowance"]})


def test_the_sweep_table_names_the_field_the_route_the_units_and_what_binds():
    table = sweep_table(sweep_summary(20), [P_PATH])
    group, header, first, second = table.splitlines()
    assert "Trans-Caspian volume into BTC" in group
    for title in [P_PATH, "Mt/yr [95% CI]", "P(>= 6.0 Mt/yr)", "P(>= 6.5 Mt/yr)",
                  "shut-in Mt/yr", "capacity Mt/yr", "binds"]:
        assert title in header
    assert first.endswith("the tanker fleet")
    assert second.endswith("BTC allowance")
    assert "0.00 [0.00, 0.30]" in first  # a probability with its interval
    assert "*" not in table


def test_the_sweep_table_marks_points_with_too_few_replications():
    table = sweep_table(sweep_summary(3), [P_PATH])
    assert "4.10 [4.00, 4.20]*" in table
    assert table.splitlines()[-1].startswith("* from 3 replications, fewer than 10")


# --- progress without a terminal --------------------------------------------------------------

class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_without_a_terminal_progress_is_a_log_line_every_tenth_or_every_ten_seconds():
    stream, clock = io.StringIO(), Clock()
    progress = Progress("11 points", True, stream, clock)
    progress.add(100)

    def at(seconds: float, replications: int, points: int) -> None:
        clock.now = seconds
        progress.advance(replications, f"{points}/11 points done")

    at(5.0, 10, 1)  # a tenth, but within the first ten seconds: quiet
    at(11.0, 2, 1)  # ten seconds without a line
    at(12.0, 10, 2)  # a tenth, but a second after the last line: quiet
    at(14.0, 1, 2)  # a tenth since the last line, two seconds on
    at(15.0, 1, 2)
    at(15.0 + LOG_EVERY_SECONDS, 1, 2)  # ten quiet seconds
    at(30.0, 75, 11)
    progress.close("11/11 points done")
    assert stream.getvalue().splitlines() == [
        "progress: 11 points: 12/100 replications (12%), 1/11 points done, 11 s elapsed, "
        "~81 s left",
        "progress: 11 points: 23/100 replications (23%), 2/11 points done, 14 s elapsed, "
        "~47 s left",
        "progress: 11 points: 25/100 replications (25%), 2/11 points done, 25 s elapsed, "
        "~75 s left",
        "progress: 11 points: 100/100 replications (100%), 11/11 points done, 30 s elapsed"]


def one_point_run(finish_seconds: float) -> str:
    """What a 4-replication run that ends at ``finish_seconds`` logs without a terminal."""
    stream, clock = io.StringIO(), Clock()
    progress = Progress("1 point", True, stream, clock)
    progress.add(4)
    clock.now = 2.0
    progress.advance(2, "0/1 points done")
    clock.now = 9.5
    progress.advance(2, "1/1 points done")
    clock.now = finish_seconds  # tables written
    progress.close("1/1 points done")
    return stream.getvalue()


def test_a_quick_run_without_a_terminal_prints_no_progress():
    assert one_point_run(9.8) == ""


def test_a_run_that_ends_after_ten_seconds_says_so_at_the_end():
    assert one_point_run(12.0) == ("progress: 1 point: 4/4 replications (100%), 1/1 points "
                                   "done, 12 s elapsed\n")


def test_on_a_terminal_progress_is_a_bar_not_log_lines():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream, clock = Terminal(), Clock()
    progress = Progress("2 points", True, stream, clock)
    progress.add(10)
    clock.now = 20.0
    progress.advance(10, "2/2 points done")
    progress.close()
    assert "progress:" not in stream.getvalue()
    assert "10/10" in stream.getvalue()


def test_a_sweep_without_a_terminal_logs_its_progress_on_stderr(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("sim.experiments.progress.MIN_GAP_SECONDS", 0.0)  # log every tenth
    monkeypatch.setattr("sim.experiments.progress.LOG_EVERY_SECONDS", 0.0)  # from the start
    assert main(sweep_argv(tmp_path / "study")) == 0
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.startswith("progress: 2 points: ")]
    assert lines[-1].startswith("progress: 2 points: 6/6 replications (100%), 2/2 points done")
    assert "progress" not in out  # the table on stdout stays clean
