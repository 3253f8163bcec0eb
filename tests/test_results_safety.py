"""Results are safe before figures are drawn, and what is read back is checked (issue 15, item 5).

The tables and the finished manifest are stored before the first figure; a figure
that cannot be drawn is one line on stderr while the others are drawn; ``plot``
and ``--resume`` check the files they read and refuse a bad one in one line.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

import sim.report.figure_plumbing
import sim.report.figures
from sim.cli import main
from sim.report.figures import draw_figures
from tests.sweeps import BASE_FILE

TINY = ["--replications", "2", "--set", "run.horizon_days=5", "--set", "run.warmup_days=1",
        "--jobs", "1"]
FIGURES = ["binding", "capacity_curve", "p_reach", "volumes"]


def sweep(out: Path, *args: str) -> int:
    return main(["sweep", BASE_FILE, *TINY, *args, "--out", str(out)])


def figures_in(out: Path) -> list[str]:
    return sorted({p.stem for p in (out / "figures").glob("*.png")})


def rendered_once(fig, ext):
    """Render a figure once, as a tiny PNG: its text layout (and mathtext) still runs."""
    if ext == "png":
        return lambda handle: fig.savefig(handle, format="png", dpi=10)
    return lambda handle: handle.write(b"<svg/>")


@pytest.fixture(autouse=True)
def quick_figures(monkeypatch):
    """Figures are built but not rendered (rendering is what costs); tests that need the
    text laid out ask for ``render``."""
    monkeypatch.setattr(sim.report.figure_plumbing, "_saver",
                        lambda fig, ext: lambda handle: handle.write(b"figure"))


@pytest.fixture
def render(monkeypatch):
    monkeypatch.setattr(sim.report.figure_plumbing, "_saver", rendered_once)


@pytest.fixture
def study(tiny_sweep, tmp_path) -> Path:
    """A copy of a finished two-point sweep without figures (plot cases damage it)."""
    copy = tmp_path / "study"
    shutil.copytree(tiny_sweep, copy)
    return copy


def plot(directory: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["plot", str(directory)])
    out, err = capsys.readouterr()
    return code, out, err


# --- tables first, figures after, each figure on its own ----------------------------------

def test_the_tables_and_the_finished_manifest_exist_before_the_first_figure(
        tmp_path, monkeypatch, capsys):
    out = tmp_path / "study"
    seen = {}
    real = sim.report.figures.draw_figures

    def spy(summary, paths, name, folder, own=None):
        seen["files"] = sorted(p.name for p in out.iterdir())
        seen["status"] = json.loads((out / "manifest.json").read_text())["status"]
        return real(summary, paths, name, folder, own)

    monkeypatch.setattr(sim.report.figures, "draw_figures", spy)
    assert sweep(out, "--param", "fleet.tankers", "--values", "6") == 0
    assert {"summary.csv", "replications.parquet", "manifest.json"} <= set(seen["files"])
    assert seen["status"] == "complete"
    assert figures_in(out) == FIGURES


def test_a_figure_that_fails_is_one_line_and_the_others_are_still_drawn(
        tmp_path, monkeypatch, capsys):
    def broken(summary, paths, name, own=None):
        raise ValueError("cannot draw this")

    monkeypatch.setattr(sim.report.figures, "p_reach", broken)
    out = tmp_path / "study"
    assert sweep(out, "--param", "fleet.tankers", "--values", "6") == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("notice: figure p_reach not drawn: ValueError: cannot draw this; "
                          "the tables are complete")
    assert figures_in(out) == ["binding", "capacity_curve", "volumes"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["figure_errors"] == {"p_reach": "ValueError: cannot draw this"}


HOSTILE = {
    "a grid over a string field": ["--param", "name", "--values", '"a","b"'],
    "a two-field grid over a string field": ["--param", "fleet.tankers", "--values", "6,7",
                                             "--param", "name", "--values", '"a","b"'],
    "a scenario name with dollar signs (mathtext)":
        ["--param", "fleet.tankers", "--values", "6", "--set", 'name="$x$ costs $$ \\$"'],
    "a two-field grid over booleans": ["--param", "aktau.weather.enabled", "--values",
                                       "true,false", "--param", "aktau.berths", "--values", "3,4"],
}


def assert_every_figure_drawn(out: Path, args: list[str], capsys) -> None:
    assert capsys.readouterr().err == ""
    expected = FIGURES + (["heatmap"] if args.count("--param") == 2 else [])
    assert figures_in(out) == sorted(expected)


def test_strings_and_dollar_signs_in_a_grid_and_a_name_draw_every_figure(
        tmp_path, capsys, render):
    """The issue's cases at once: a two-field grid over a string field whose values, like
    the scenario's name (in every title), hold mathtext dollar signs."""
    args = ["--param", "fleet.tankers", "--values", "6,7", "--param", "description",
            "--values", '"a$x$","b$"', "--set", 'name="$x$ costs $$ \\$"']
    out = tmp_path / "study"
    assert sweep(out, *args) == 0
    assert_every_figure_drawn(out, args, capsys)


@pytest.mark.slow
@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_values_draw_every_figure_in_the_sweep_and_on_resume(case, tmp_path, capsys,
                                                                     render):
    out = tmp_path / "study"
    assert sweep(out, *HOSTILE[case]) == 0
    assert_every_figure_drawn(out, HOSTILE[case], capsys)
    assert sweep(out, *HOSTILE[case], "--resume") == 0
    assert_every_figure_drawn(out, HOSTILE[case], capsys)


def test_a_grid_with_a_repeated_value_is_refused_before_running(tmp_path, capsys):
    assert sweep(tmp_path / "o", "--param", "fleet.tankers", "--values", "6,7,6") == 2
    err = capsys.readouterr().err
    assert err == ("error: --values: fleet.tankers = 6: listed twice; give each value once (a "
                   "repeated point only reruns the same replications)\n")
    assert not (tmp_path / "o").exists()


def test_figures_that_cannot_be_written_are_one_notice_and_the_results_are_complete(
        tmp_path, monkeypatch, capsys):
    def read_only(path, write):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr(sim.report.figure_plumbing, "atomic_write", read_only)
    out = tmp_path / "study"
    assert sweep(out, "--param", "fleet.tankers", "--values", "6") == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "cannot write the figure (Permission denied)" in err
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"


# --- plot checks what it reads -------------------------------------------------------------

def test_plot_redraws_a_finished_sweep(study, capsys):
    code, out, err = plot(study, capsys)
    assert (code, err) == (0, "")
    assert len(out.splitlines()) == 8


def _write(study: Path, name: str, data: bytes | str) -> None:
    path = study / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())


PLOT_CASES = {
    "an empty summary.csv": (lambda s: _write(s, "summary.csv", b""),
                             "summary.csv: unreadable sweep summary"),
    "a truncated summary.csv": (
        lambda s: _write(s, "summary.csv", (s / "summary.csv").read_bytes()[:700]),
        "summary.csv: not a summary of this sweep (no column"),
    "a summary.csv cut after its first row": (
        lambda s: _write(s, "summary.csv", "\n".join(
            (s / "summary.csv").read_text().splitlines()[:2]) + "\n"),
        "holds 1 rows for the 2 points of the sweep"),
    "a garbage summary.csv": (lambda s: _write(s, "summary.csv", bytes(range(256)) * 4),
                              "summary.csv: unreadable sweep summary"),
    "a summary.csv with the wrong columns": (
        lambda s: _write(s, "summary.csv", "a,b\n1,2\n3,4\n"),
        "summary.csv: not a summary of this sweep (no column point"),
    "a summary.csv with text in a number column": (
        lambda s: pd.read_csv(s / "summary.csv").assign(
            transcaspian_mt_per_year_mean="lots").to_csv(s / "summary.csv", index=False),
        "column transcaspian_mt_per_year_mean holds text where numbers belong"),
    "a manifest without its parameters": (
        lambda s: _edit_manifest(s, lambda m: m.pop("parameters")),
        "manifest.json: not a manifest this program can use (no 'parameters')"),
    "a manifest whose parameters are a string": (
        lambda s: _edit_manifest(s, lambda m: m.update(parameters="fleet.tankers")),
        "'parameters' is str, not list"),
    "a manifest that is a list": (lambda s: _write(s, "manifest.json", "[1, 2]"),
                                  "not a JSON object"),
    "a manifest that is not JSON": (lambda s: _write(s, "manifest.json", "{"),
                                    "manifest.json: unreadable manifest"),
    "a figures folder that is a file": (lambda s: _write(s, "figures", "x"),
                                        "figures: exists and is not a directory"),
}


def _edit_manifest(study: Path, change) -> None:
    manifest = json.loads((study / "manifest.json").read_text())
    change(manifest)
    (study / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize("case", PLOT_CASES)
def test_plot_refuses_a_file_it_cannot_use_in_one_line(case, study, capsys):
    damage, fragment = PLOT_CASES[case]
    damage(study)
    code, out, err = plot(study, capsys)
    assert code == 2, err
    assert out == ""
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert fragment in err


def test_plot_of_a_read_only_figures_folder_is_one_line(study, monkeypatch, capsys):
    def read_only(path, write):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr(sim.report.figure_plumbing, "atomic_write", read_only)
    code, _, err = plot(study, capsys)
    assert code == 2
    assert err.count("\n") == 1
    assert "cannot write the figure (Permission denied)" in err


def test_draw_figures_reports_each_failure_and_draws_the_rest(study, tmp_path):
    summary = pd.read_csv(study / "summary.csv").drop(columns=["volumes"], errors="ignore")
    summary = summary.drop(columns=["russian_route_mt_per_year_mean"])
    drawn = draw_figures(summary, ["fleet.tankers"], "base", tmp_path / "figures")
    assert list(drawn.failed) == ["volumes"]
    assert "KeyError" in drawn.failed["volumes"]
    assert sorted({p.stem for p in drawn.written}) == ["binding", "capacity_curve", "p_reach"]
