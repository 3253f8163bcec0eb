"""The hostile-input and fault campaign, grown by cases of our own (issue 15).

The issue's own cases are tests in ``test_results_dir_safety.py`` (class 1),
``test_kill_resume.py`` (2), ``test_event_budget.py`` (3, 4),
``test_results_safety.py`` (5), ``test_one_line_errors.py`` (6) and
``test_silent_surprises.py`` (7). This file holds further cases of the same seven
classes, one table per class; each case states the input and what must follow:

1. a refused ``--out`` leaves every file of the user's tree as it was;
2. a sweep stopped in any way resumes to the identical table and leaves no lock behind;
3. an accepted extreme value gives the number a closed form predicts, or is refused;
4. an input that would never finish is refused before it runs, naming the field;
5. nothing after the replications (figures, ``plot``) turns a finished sweep into a crash;
6. every failure is one line with the documented exit code, never a traceback;
7. nothing is silently merged, replaced, mixed in or printed raw.

Cases that run a sweep or draw figures are marked slow (the full suite runs them);
the fast loop keeps at least the cheap ones of every class.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import sim.experiments.executors
import sim.report.figure_plumbing
import sim.report.figures
from sim.cli import EXIT_BROKEN_PIPE, main
from sim.errors import ScenarioError
from sim.experiments.lock import LOCK
from sim.experiments.parts import part_table, read_part
from sim.report.figures import draw_figures
from sim.scenario.build import with_overrides
from sim.scenario.loader import load_scenario
from sim.study import run_replications
from tests.sweeps import BASE_FILE, interrupted_copy, same_tables, sweep_argv
from tests.test_one_line_errors import FailingStdout
from tests.test_results_dir_safety import snapshot

BASE = load_scenario(BASE_FILE).scenario
SHORT = with_overrides(BASE, {"run.horizon_days": 20.0, "run.warmup_days": 2.0})


def one_line(capsys: pytest.CaptureFixture[str], prefix: str = "error: ") -> str:
    """The only line on stderr (it must start with ``prefix``); nothing on stdout."""
    out, err = capsys.readouterr()
    assert err.startswith(prefix), err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


# === 1. a refused --out deletes nothing ===================================================

@pytest.fixture
def tree(tmp_path, monkeypatch, tiny_sweep) -> Path:
    """A user's folder: a thesis, a file, a symlink, a loop, an empty folder, a finished sweep."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "victim").mkdir()
    (tmp_path / "victim" / "thesis.txt").write_text("precious")
    (tmp_path / "victim" / "parts").mkdir()
    (tmp_path / "a-file").write_text("data")
    (tmp_path / "link").symlink_to(tmp_path / "victim")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "bare").mkdir()
    (tmp_path / "bare" / "parts").mkdir()
    (tmp_path / "bare" / "notes.md").write_text("mine")
    shutil.copytree(tiny_sweep, tmp_path / "study")
    return tmp_path


REFUSED_OUT = {
    "the parent of a file (a-file/..)": ("a-file/..", [], "holds no sweep"),
    "a folder written with a trailing dot": ("victim/.", [], "holds no sweep"),
    "a folder written with trailing slashes": ("victim///", [], "holds no sweep"),
    "a folder reached by a detour": ("./victim/../victim", [], "holds no sweep"),
    "a symlink to a user folder": ("link", [], "holds no sweep"),
    "the parent of a symlink (link/..)": ("link/..", [], "holds no sweep"),
    "a folder below a file": ("a-file/sub", [], "cannot create the results directory"),
    "a symlink loop": ("loop/x", [], "cannot create the results directory"),
    "a folder holding only an empty parts folder and a note": ("bare", [], "holds no sweep"),
    "the parts folder of a finished sweep": ("study/parts", [], "holds no sweep"),
    "a finished sweep, another scenario, with --resume": (
        "study", ["--set", "fleet.cargo_t=8000", "--resume"], "holds another sweep"),
    "a user folder with --resume": ("victim", ["--resume"], "holds no sweep"),
    "a missing folder with --resume": ("new/deep/dir", ["--resume"], "nothing to resume"),
    "a folder whose name is 4,100 bytes long": ("d/" * 2050, [], "paths may be at most 4096"),
}


@pytest.mark.parametrize("case", REFUSED_OUT)
def test_class_1_a_refused_out_leaves_the_users_tree_unchanged(case, tree, capsys):
    out, extra, reason = REFUSED_OUT[case]
    before = snapshot(tree)
    assert main(sweep_argv(Path(out), *extra)) == 2
    assert reason in one_line(capsys)
    assert snapshot(tree) == before


# === 2. a stopped sweep resumes to the same table =========================================

REAL_RUN = sim.experiments.executors.run_replication


def _stop_at(signum: int, replication: int) -> Callable[..., Any]:
    """A replication runner that sends ``signum`` to this process at ``replication`` of
    the 5-tanker point, which runs last (costliest chunks go first), so the 7-tanker
    point's parts are stored by then."""
    def run(scenario, k, seed=None):
        if scenario.fleet.tankers == 5 and k == replication:
            os.kill(os.getpid(), signum)
        return REAL_RUN(scenario, k, seed)
    return run


@pytest.mark.slow
def test_class_2_ctrl_c_to_the_main_process_alone_stops_cleanly_and_resumes(
        tmp_path, tiny_sweep, monkeypatch, capsys):
    out = tmp_path / "study"
    monkeypatch.setattr(sim.experiments.executors, "run_replication", _stop_at(signal.SIGINT, 2))
    assert main(sweep_argv(out)) == 130
    assert one_line(capsys, "interrupted") == "interrupted (SIGINT)\n"
    monkeypatch.undo()
    assert main(sweep_argv(out, "--resume")) == 0
    same_tables(tiny_sweep, out)


@pytest.mark.slow
def test_class_2_a_resume_that_is_itself_stopped_resumes_again(tmp_path, tiny_sweep,
                                                               monkeypatch, capsys):
    out = tmp_path / "study"
    monkeypatch.setattr(sim.experiments.executors, "run_replication", _stop_at(signal.SIGTERM, 0))
    assert main(sweep_argv(out)) == 143
    monkeypatch.setattr(sim.experiments.executors, "run_replication", _stop_at(signal.SIGHUP, 2))
    assert main(sweep_argv(out, "--resume")) == 129
    monkeypatch.undo()
    assert main(sweep_argv(out, "--resume")) == 0
    same_tables(tiny_sweep, out)
    assert (out / LOCK).read_text() == ""


LOCK_STATES = {
    "a lock note of random bytes": (lambda lock: lock.write_bytes(os.urandom(64)), False),
    "a lock note naming a live process that holds nothing": (
        lambda lock: lock.write_text(f"pid {os.getppid()} on host {socket.gethostname()}, "
                                     "since then"), True),
    "a deleted lock file": (lambda lock: lock.unlink(), False),
    "an empty lock file": (lambda lock: lock.write_text(""), False),
    "a stray temporary of a lock takeover": (
        lambda lock: lock.with_name(".lock.abcd1234.tmp").write_text("x"), False),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", LOCK_STATES)
def test_class_2_whatever_a_dead_sweep_left_in_its_lock_resume_works(case, tmp_path,
                                                                     tiny_sweep, capsys):
    leave, noticed = LOCK_STATES[case]
    out = interrupted_copy(tiny_sweep, tmp_path / "study")
    leave(out / LOCK)
    assert main(sweep_argv(out, "--resume")) == 0
    err = capsys.readouterr().err
    assert ("notice:" in err) == noticed
    same_tables(tiny_sweep, out)
    assert not list(out.glob(".lock.*.tmp"))


def test_class_2_a_lock_that_is_a_directory_is_one_line(tmp_path, tiny_sweep, capsys):
    out = interrupted_copy(tiny_sweep, tmp_path / "study")
    (out / LOCK).unlink()
    (out / LOCK).mkdir()
    assert main(sweep_argv(out, "--resume")) == 2
    assert "cannot write results here" in one_line(capsys)


# === 3. accepted extremes give the closed-form number =====================================

def _russian(scenario) -> pd.Series:
    return run_replications(scenario, replications=2, jobs=1)["russian_route_mt_per_year"]


NO_DISRUPTION = with_overrides(SHORT, {"russian_route.disruption.probability": 0.0})

SAME_AS_NO_DISRUPTION = {
    "p = 1e-300": {"russian_route.disruption.probability": 1e-300},
    "p = 5e-324 (subnormal)": {"russian_route.disruption.probability": 5e-324},
    "a loss of 1e-300 of capacity": {"russian_route.disruption.capacity_loss_fraction": 1e-300,
                                     "russian_route.disruption.capacity_loss_sd": 0.0},
    "1e-310 disruptions a year": {"russian_route.disruption.rate_per_year": 1e-310},
}


@pytest.mark.slow
@pytest.mark.parametrize("case", SAME_AS_NO_DISRUPTION)
def test_class_3_a_vanishing_disruption_gives_the_undisrupted_volume(case):
    scenario = with_overrides(SHORT, SAME_AS_NO_DISRUPTION[case])
    pd.testing.assert_series_equal(_russian(scenario), _russian(NO_DISRUPTION), atol=1e-9)


def test_class_3_vanishing_other_traffic_is_no_other_traffic():
    none = with_overrides(SHORT, {"aktau.other_traffic_mt_per_year": 0.0})
    tiny = with_overrides(SHORT, {"aktau.other_traffic_mt_per_year": 1e-300})
    a, b = (run_replications(s, replications=2, jobs=1) for s in (none, tiny))
    assert a["transcaspian_mt_per_year"].tolist() == b["transcaspian_mt_per_year"].tolist()


def test_class_3_a_loading_rate_of_1e_300_is_refused_naming_the_rate():
    # Other ships would hold the berths for ever: refused, naming the rate, not the traffic.
    with pytest.raises(ScenarioError) as info:
        with_overrides(SHORT, {"aktau.loading_rate_t_per_hour": 1e-300}, "--set")
    assert info.value.path == "aktau.loading_rate_t_per_hour", str(info.value)


@pytest.mark.slow
@pytest.mark.parametrize("overrides", [{"run.horizon_days": 0.25},
                                       {"run.horizon_days": 0.25, "run.warmup_days": 3650.0}],
                         ids=["six hours", "six hours after ten years"])
def test_class_3_the_shortest_horizon_allowed_gives_finite_numbers(overrides):
    table = run_replications(with_overrides(SHORT, overrides), replications=2, jobs=1)
    assert table["mass_balance_error_t"].abs().max() <= 1.0
    assert table.select_dtypes("number").map(pd.notna).all().all()


def test_class_3_a_bimodal_loss_keeps_its_mean_in_the_ceiling(capsys):
    m, p = 0.4, 0.3
    sd = 0.999 * (m * (1 - m)) ** 0.5
    assert main(["bound", BASE_FILE, "--json", "--set",
                 f"russian_route.disruption.capacity_loss_sd={sd!r}", "--set",
                 f"russian_route.disruption.probability={p}"]) == 0
    bound = json.loads(capsys.readouterr().out)
    assert all(v is not None for v in bound.values())


@pytest.mark.parametrize(("overrides", "rule"), [
    ({"russian_route.disruption.capacity_loss_fraction": 1e-305,
      "russian_route.disruption.capacity_loss_sd": 1e-153}, "Beta parameter too small"),
    ({"btc.disruption.capacity_loss_fraction": 0.5, "btc.disruption.capacity_loss_sd": 1e-9},
     "use 0 for a fixed loss"),
    ({"russian_route.minor_halts.capacity_loss_fraction": 0.999999,
      "russian_route.minor_halts.capacity_loss_sd": 1e-200}, "sd*sd underflows to 0"),
], ids=["loss of 1e-300 with a spread", "BTC spread 1e-9", "minor halts spread 1e-200"])
def test_class_3_a_loss_distribution_that_cannot_be_computed_is_refused(overrides, rule):
    with pytest.raises(ScenarioError, match=rule.replace("*", r"\*")):
        with_overrides(SHORT, overrides, "--set")


# === 4. inputs that would never finish are refused before they run =======================

NEVER_FINISH = {
    "Baku storms of a nanosecond": ({"baku.weather.median_closure_days": 1e-9},
                                    "baku.weather.median_closure_days"),
    "BTC stops of a hundredth of a second": ({"btc.disruption.mean_duration_days": 1e-7},
                                             "btc.disruption.mean_duration_days"),
    "minor halts half the time, each a nanosecond": (
        {"russian_route.minor_halts.probability": 0.5,
         "russian_route.minor_halts.mean_duration_days": 1e-9},
        "russian_route.minor_halts.mean_duration_days"),
    "five hundred tankers": ({"fleet.tankers": 500}, "fleet.tankers"),
    "a ferry across a pond": ({"fleet.crossing_distance_nm": 0.001, "fleet.cargo_t": 1.0,
                               "aktau.berthing_hours": 0.0, "baku.berthing_hours": 0.0},
                              "fleet.crossing_distance_nm"),
    "Baku third-party traffic in one-tonne cargoes": ({"baku.other_traffic_cargo_t": 1.0},
                                                      "baku.other_traffic_cargo_t"),
    "storms all month, each six seconds": (
        {"aktau.weather.closure_days_per_month": (28.0,) * 12,
         "aktau.weather.median_closure_days": 1e-4}, "aktau.weather.median_closure_days"),
    "a storm every billion years": (
        {"aktau.weather.closure_days_per_month": (1e-9,) + (0.0,) * 11},
        "aktau.weather.closure_days_per_month"),
    "other traffic in one-tonne cargoes": ({"aktau.other_traffic_cargo_t": 1.0},
                                           "aktau.other_traffic_cargo_t"),
    "a century of other traffic queueing at one berth": (
        {"aktau.other_traffic_mt_per_year": 100.0, "aktau.berths": 1,
         "run.horizon_days": 36500.0}, "aktau.other_traffic_mt_per_year"),
    "twenty thousand replications of a busy decade": (
        {"run.replications": 20000, "run.horizon_days": 3650.0,
         "aktau.other_traffic_cargo_t": 100.0, "aktau.berths": 20}, "run.replications"),
}


@pytest.mark.parametrize("case", NEVER_FINISH)
def test_class_4_an_input_that_would_never_finish_is_refused_naming_its_field(case):
    overrides, field = NEVER_FINISH[case]
    with pytest.raises(ScenarioError) as info:
        with_overrides(SHORT, overrides, "--set")
    assert info.value.path == field, str(info.value)
    assert "\n" not in str(info.value)


def test_class_4_one_point_of_a_grid_over_budget_is_refused_naming_its_value(tmp_path, capsys):
    assert main(["sweep", BASE_FILE, "--param", "aktau.weather.median_closure_days",
                 "--values", "1.5,1e-9", "--out", str(tmp_path / "o")]) == 2
    assert ("aktau.weather.median_closure_days = 1e-09: weather closures at Aktau would make"
            in one_line(capsys))


def test_class_4_a_sweep_table_value_over_budget_is_refused_naming_its_entry(tmp_path, capsys):
    scenario = tmp_path / "s.toml"
    scenario.write_text(f'extends = "{BASE_FILE}"\n[[sweep.parameters]]\n'
                        'path = "aktau.other_traffic_cargo_t"\nvalues = [8000.0, 1e-6]\n')
    assert main(["show", str(scenario), "--allow-outside-extends"]) == 2
    assert ("sweep.parameters.0.values.1 = 1e-06: other ships alone would take"
            in one_line(capsys))


@pytest.mark.parametrize("precision", ["1e-7", "5e-324"])
def test_class_4_a_precision_no_run_can_reach_is_refused(precision, tmp_path, capsys):
    assert main(["sweep", BASE_FILE, "--precision", precision, "--out",
                 str(tmp_path / "o")]) == 2
    assert "finer than the model's own accounting" in one_line(capsys)


# === 5. nothing after the replications crashes a finished sweep ===========================

@pytest.fixture
def summary(tiny_sweep) -> pd.DataFrame:
    return pd.read_csv(tiny_sweep / "summary.csv")


@pytest.fixture
def no_render(monkeypatch):
    monkeypatch.setattr(sim.report.figure_plumbing, "_saver",
                        lambda fig, ext: lambda handle: handle.write(b"figure"))


FIGURE_INPUTS = {
    "a 200-character name": lambda s: (s, "n" * 200),
    "a name with a newline and a NUL": lambda s: (s, "two\nlines\x00"),
    "a name in right-to-left script with a bidi override": lambda s: (s, "\u202eКазах ساحل"),
    "a point with no replications (all statistics empty)":
        lambda s: (s.assign(**{c: float("nan") for c in s.columns if c.endswith("_mean")}),
                   "base"),
    "a single point": lambda s: (s.iloc[:1], "base"),
}


@pytest.mark.parametrize("case", [pytest.param(case, marks=[] if case.startswith("a point")
                                               else [pytest.mark.slow])
                                  for case in FIGURE_INPUTS])
def test_class_5_odd_summaries_and_names_never_raise_from_draw_figures(case, summary, tmp_path,
                                                                       no_render):
    frame, name = FIGURE_INPUTS[case](summary)
    drawn = draw_figures(frame, ["fleet.tankers"], name, tmp_path / "figures")
    assert drawn.written or drawn.failed
    assert all("\n" not in reason for reason in drawn.failed.values())


def test_class_5_a_sweep_whose_every_replication_failed_still_has_a_summary_plot_can_read(
        tmp_path, monkeypatch, capsys, no_render):
    def failing(scenario, k, seed=None):
        raise ArithmeticError("every replication fails")

    monkeypatch.setattr(sim.experiments.executors, "run_replication", failing)
    out = tmp_path / "study"
    assert main(sweep_argv(out, "--on-error", "record")) == 1
    capsys.readouterr()
    assert pd.read_csv(out / "summary.csv")["replications"].tolist() == [0, 0]
    assert main(["plot", str(out)]) in (0, 1)  # drawn, or each failed figure one notice
    _, err = capsys.readouterr()
    assert "Traceback" not in err
    assert all(line.startswith("notice: figure ") for line in err.splitlines())


def _manifest(study: Path, change: Callable[[dict[str, Any]], Any]) -> None:
    manifest = json.loads((study / "manifest.json").read_text())
    change(manifest)
    (study / "manifest.json").write_text(json.dumps(manifest))


PLOT_REFUSALS = {
    "a folder that does not exist": (lambda s: shutil.rmtree(s), "no such results directory"),
    "a summary.csv that is a folder": (
        lambda s: ((s / "summary.csv").unlink(), (s / "summary.csv").mkdir()),
        "unreadable sweep summary"),
    "a manifest.json that is a folder": (
        lambda s: ((s / "manifest.json").unlink(), (s / "manifest.json").mkdir()),
        "unreadable manifest"),
    "a manifest whose points are a number": (lambda s: _manifest(s, lambda m: m.update(points=2)),
                                             "'points' is int, not list"),
    "a manifest sweeping three fields": (
        lambda s: _manifest(s, lambda m: m.update(parameters=[{"path": "a"}] * 3)),
        "'parameters' is not one or two swept fields"),
    "a manifest whose scenario has no name": (
        lambda s: _manifest(s, lambda m: m.update(scenario={})), "'scenario' has no name"),
    "a summary without the swept column": (
        lambda s: pd.read_csv(s / "summary.csv").drop(columns=["fleet.tankers"]).to_csv(
            s / "summary.csv", index=False), "no column fleet.tankers"),
    "a summary with a point twice": (
        lambda s: pd.concat([pd.read_csv(s / "summary.csv")] * 2).to_csv(
            s / "summary.csv", index=False), "holds 4 rows for the 2 points"),
    "a deeply nested manifest": (lambda s: (s / "manifest.json").write_text("[" * 100000),
                                 "unreadable manifest"),
}


@pytest.mark.parametrize("case", PLOT_REFUSALS)
def test_class_5_plot_refuses_what_it_cannot_use_in_one_line(case, tiny_sweep, tmp_path,
                                                             capsys):
    study = tmp_path / "study"
    shutil.copytree(tiny_sweep, study)
    damage, reason = PLOT_REFUSALS[case]
    damage(study)
    assert main(["plot", str(study)]) == 2
    assert reason in one_line(capsys)


@pytest.mark.slow
def test_class_5_a_resume_after_a_failed_figure_draws_it_and_forgets_the_failure(
        tmp_path, monkeypatch, capsys, no_render):
    out = tmp_path / "study"
    argv = [a for a in sweep_argv(out) if a != "--no-figures"]
    real = sim.report.figures.volumes
    monkeypatch.setattr(sim.report.figures, "volumes", lambda *a, **k: 1 / 0)
    assert main(argv) == 0
    assert "figure volumes not drawn: ZeroDivisionError" in one_line(capsys, "notice: ")
    monkeypatch.setattr(sim.report.figures, "volumes", real)
    assert main([*argv, "--resume"]) == 0
    assert (out / "figures" / "volumes.png").exists()
    assert "figure_errors" not in json.loads((out / "manifest.json").read_text())


# === 6. one line, never a traceback =======================================================

@pytest.mark.parametrize(("error", "code"), [
    (BrokenPipeError(errno.EPIPE, "Broken pipe"), EXIT_BROKEN_PIPE),
    (OSError(errno.ENOSPC, "No space left on device"), 2),
    (OSError(errno.EIO, "Input/output error"), 2),
    (ValueError("I/O operation on closed file."), 2),
], ids=["broken pipe", "full device", "I/O error", "closed stdout"])
def test_class_6_run_json_into_a_failing_stdout_is_one_line(error, code, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdout", FailingStdout(error))
    assert main(["run", BASE_FILE, "--json", "--replications", "1", "--set",
                 "run.horizon_days=2", "--jobs", "1"]) == code
    assert "cannot write to standard output" in one_line(capsys)


def test_class_6_a_command_started_with_stdout_closed_is_one_line(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdout", None)  # python -m sim schema >&-
    assert main(["schema"]) == 2
    assert "standard output is closed" in one_line(capsys)


def test_class_6_a_command_started_with_stderr_closed_never_writes_errors_to_stdout(
        monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(sys, "stderr", None)  # python -m sim ... 2>&-
    assert main(["show", BASE_FILE, "--set", "fleet.tanker=3"]) == 2
    assert main(sweep_argv(tmp_path / "study")) == 0  # no progress bar, no crash
    assert "Traceback" not in capsys.readouterr().out


@pytest.mark.slow
def test_class_6_a_sweep_whose_table_cannot_be_printed_keeps_complete_results(
        tmp_path, monkeypatch, capsys, tiny_sweep):
    monkeypatch.setattr(sys, "stdout", FailingStdout(BrokenPipeError(errno.EPIPE, "Broken pipe")))
    out = tmp_path / "study"
    assert main(sweep_argv(out)) == EXIT_BROKEN_PIPE
    assert "broken pipe" in one_line(capsys)
    same_tables(tiny_sweep, out)


def test_class_6_parts_that_is_a_file_is_one_line_on_resume(tmp_path, tiny_sweep, capsys):
    out = interrupted_copy(tiny_sweep, tmp_path / "study")
    shutil.rmtree(out / "parts")
    (out / "parts").write_text("not a folder")
    assert main(sweep_argv(out, "--resume")) == 2
    assert "cannot write results" in one_line(capsys)


@pytest.mark.slow
def test_class_6_a_part_that_is_a_folder_is_set_aside_and_rerun(tmp_path, tiny_sweep, capsys):
    out = interrupted_copy(tiny_sweep, tmp_path / "study")
    part = sorted((out / "parts").glob("*.parquet"))[0]
    part.unlink()
    part.mkdir()
    assert main(sweep_argv(out, "--resume")) == 0
    assert "unreadable" in one_line(capsys, "notice: ")
    same_tables(tiny_sweep, out)


@pytest.mark.parametrize(("argv", "fragment"), [
    (["--executor", "dask", "--scheduler", "tcp://"], "expected SCHEME://HOST:PORT"),
    (["--executor", "dask", "--scheduler", "http://host:80"], "unknown scheme 'http'"),
    (["--param", "fleet.tankers", "--values=1e308:1.7e308:3"], "fleet.tankers = 1e+308"),
    (["--out", "é" * 200], "names may be at most 255 bytes"),
], ids=["empty scheduler host", "http scheduler", "huge integer range", "multibyte name"])
def test_class_6_more_bad_options_are_one_line(argv, fragment, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    base = ["sweep", BASE_FILE, "--replications", "1"]
    if "--out" not in argv:
        base += ["--out", str(tmp_path / "o")]
    assert main([*base, *argv]) == 2
    assert fragment in one_line(capsys)
    assert not (tmp_path / "o").exists()


# === 7. no silent surprises ===============================================================

MERGES = {
    "a nested table keeps its siblings": (["aktau={weather={enabled=false}}"],
                                          lambda s: (s.aktau.berths, s.aktau.weather.enabled,
                                                     s.aktau.weather.median_closure_days),
                                          (3, False, 1.5)),
    "a [sweep] table keeps its parameters": (
        ["sweep={replications=5}"],
        lambda s: (s.sweep.replications, s.sweep.parameters[0].path),
        (5, "russian_route.disruption.probability")),
    "an empty table changes nothing": (["run={}"], lambda s: s.run, BASE.run),
    "later --set wins over an earlier table": (["run={horizon_days=5}", "run.horizon_days=7"],
                                               lambda s: (s.run.horizon_days, s.run.seed),
                                               (7.0, 20231122)),
}


@pytest.mark.parametrize("case", MERGES)
def test_class_7_set_of_a_table_merges(case):
    overrides, read, expected = MERGES[case]
    assert read(load_scenario(BASE_FILE, overrides).scenario) == expected


@pytest.mark.parametrize(("values", "repeated"), [
    ("[6, 7, 6]", "6"), ("[0.1, 0.10]", "0.1"), ('["a", "b", "a"]', "'a'"),
    ("[true, false, true]", "true")])
def test_class_7_a_sweep_table_value_listed_twice_is_refused(values, repeated, tmp_path, capsys):
    field = {"6": "fleet.tankers", "0.1": "russian_route.disruption.probability",
             "'a'": "name", "true": "aktau.weather.enabled"}[repeated]
    scenario = tmp_path / "s.toml"
    scenario.write_text(f'extends = "{BASE_FILE}"\n[[sweep.parameters]]\npath = "{field}"\n'
                        f"values = {values}\n")
    assert main(["show", str(scenario), "--allow-outside-extends"]) == 2
    assert f"= {repeated}: listed twice" in one_line(capsys)


@pytest.mark.parametrize("name", ["\u202egnp.exe", "ok\rerror: forged", "bell\x07", "a\x85b"],
                         ids=["bidi override", "carriage return", "bell", "next line"])
def test_class_7_a_name_with_control_characters_is_printed_escaped(name, capsys):
    escaped = json.dumps(name)
    assert main(["run", BASE_FILE, "--set", f"name={escaped}", "--replications", "1",
                 "--set", "run.horizon_days=2", "--jobs", "1"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.isprintable()
    assert first.startswith("Scenario ")


@pytest.mark.slow
def test_class_7_plot_prints_a_folder_name_with_a_newline_escaped(tiny_sweep, tmp_path,
                                                                  capsys, no_render):
    study = tmp_path / "a\nerror: forged"
    shutil.copytree(tiny_sweep, study)
    assert main(["plot", str(study)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 8
    assert all("a\\nerror: forged" in line for line in lines)


def _part_rows(part: Path, change: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    import pyarrow.parquet as pq

    frame, label = read_part(part)
    assert label is not None
    pq.write_table(part_table(change(frame), label), part)


MIXED_IN = {
    "rows moved to the other point": (lambda f: f.assign(point=1 - f["point"]),
                                      "rows are not of the point"),
    "the rows removed": (lambda f: f.iloc[:0], "rows are not the replications"),
    "a swept value edited": (lambda f: f.assign(**{"fleet.tankers": 99}),
                             "rows are not of the point"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", MIXED_IN)
def test_class_7_an_edited_part_is_never_mixed_in(case, tmp_path, tiny_sweep, capsys):
    change, reason = MIXED_IN[case]
    out = interrupted_copy(tiny_sweep, tmp_path / "study")
    _part_rows(sorted((out / "parts").glob("*.parquet"))[0], change)
    assert main(sweep_argv(out, "--resume")) == 0
    assert reason in one_line(capsys, "notice: ")
    same_tables(tiny_sweep, out)


@pytest.mark.slow
def test_class_7_a_second_foreign_part_of_the_same_name_is_kept_beside_the_first(
        tmp_path, tiny_sweep, capsys):
    out = interrupted_copy(tiny_sweep, tmp_path / "study")
    part = sorted((out / "parts").glob("*.parquet"))[0]
    original = part.read_bytes()
    for _ in range(2):
        part.write_bytes(b"junk")
        assert main(sweep_argv(out, "--resume")) == 0
        capsys.readouterr()
        (out / "summary.csv").unlink()
    assert (part.parent / f"{part.name}.unreadable").read_bytes() == b"junk"
    assert (part.parent / f"{part.name}.unreadable.2").read_bytes() == b"junk"
    assert part.read_bytes() != b"junk"
    assert len(original) > 0
