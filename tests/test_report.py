"""``report.html``: one self-contained page that opens in a real browser with every figure.

A tiny two-field sweep (two replications of a few simulated days per point) writes
its report by default; headless Chromium opens it, every image must have loaded
(natural width above zero) and the console must hold no error; the screenshot is
kept in ``tests/artifacts/``. The browser test skips where Chromium is missing,
except under ``SIM_REQUIRE_BROWSER=1`` (set by ``.ci/run``), where it fails.
"""

from __future__ import annotations

import html
import json
import re
import shlex
from pathlib import Path

import pytest

import sim.report.page
from sim.cli import main
from sim.report.page import REPORT_FILE, render_report
from tests.browser import browser_missing_reason, browser_required, open_page

ROOT = Path(__file__).resolve().parent.parent
BASE_FILE = str(ROOT / "scenarios" / "base.toml")
ARTIFACTS = ROOT / "tests" / "artifacts"
SHORT = ["--set", "run.horizon_days=8", "--set", "run.warmup_days=1", "--jobs", "1"]
GRID = ["--param", "fleet.tankers", "--values", "6,9", "--param",
        "russian_route.disruption.probability", "--values", "0,0.18"]


@pytest.fixture(scope="module")
def grid_study(tmp_path_factory) -> Path:
    """A finished two-field sweep of base.toml, with its figures and report."""
    out = tmp_path_factory.mktemp("report") / "grid"
    assert main(["sweep", BASE_FILE, *GRID, *SHORT, "--replications", "2",
                 "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def headline_study(tmp_path_factory) -> Path:
    """A finished headline study of base.toml (the README's main job, shrunk)."""
    out = tmp_path_factory.mktemp("report") / "headline"
    assert main(["headline", BASE_FILE, "--capacity-replications", "2", "--surge-replications",
                 "2", *SHORT, "--out", str(out)]) == 0
    return out


def _browser_or_skip() -> None:
    reason = browser_missing_reason()
    if reason is None:
        return
    if browser_required():
        pytest.fail(f"SIM_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def test_a_sweep_writes_its_report_by_default_after_its_figures(grid_study):
    report = grid_study / REPORT_FILE
    assert report.is_file()
    text = report.read_text(encoding="utf-8")
    pictures = sorted((grid_study / "figures").glob("*.png"))
    assert len(pictures) == 5  # capacity curve, p_reach, volumes, binding, heatmap
    assert text.count('<img src="data:image/png;base64,') == len(pictures)


def test_the_page_needs_no_network_and_no_script(grid_study):
    text = (grid_study / REPORT_FILE).read_text(encoding="utf-8")
    assert "<script" not in text.lower()
    assert not re.search(r"""(src|href)\s*=\s*["'](https?:)?//""", text, re.IGNORECASE)
    assert "<link rel=\"stylesheet\"" not in text


def test_the_page_states_question_answer_binding_assumptions_and_provenance(grid_study):
    manifest = json.loads((grid_study / "manifest.json").read_text())
    text = (grid_study / REPORT_FILE).read_text(encoding="utf-8")
    for heading in ("Question", "Answer", "What binds", "Figures", "Tables",
                    "Assumptions and sources", "Provenance"):
        assert f"<h2>{heading}</h2>" in text
    assert "Tankers in the fleet" in text
    # the scenario's own values (6 tankers, p = 0.18) are a point of the grid: stated with CIs
    assert re.search(r"At the scenario&#x27;s own values \(tankers = 6, p = 0\.18\) the chain "
                     r"carries \d+\.\d\d \[\d+(\.\d+)?, \d+\.\d\d\] Mt/yr", text)  # CI cut at 0
    assert "binds: the tanker fleet" in text
    assert manifest["scenario_sha256"] in text
    assert str(manifest["seed"]) in text
    for point in manifest["points"]:
        assert str(point["seed"]) in text
    for library, version in manifest["library_versions"].items():
        assert f"{library} {version}" in text
    for line in manifest["command_lines"]:
        assert html.escape(shlex.join(line)) in text
    # values cite docs/sources.md by section number, from the scenario file's comments
    row = re.search(r"<td>russian_route\.disruption\.mean_duration_days</td><td>56\.4</td>"
                    r"<td>days</td><td>([^<]*)</td>", text)
    assert row is not None
    assert "sources §1.3" in row.group(1)
    assert "§1.3 Major disruptions 2022-2025" in text


@pytest.mark.parametrize(("study", "title", "figures"), [
    ("grid_study", "base: sweep report", 5), ("headline_study", "base: headline report", 1)])
def test_report_opens_in_headless_chromium_with_every_figure_and_no_console_error(
        study, title, figures, request, tmp_path):
    _browser_or_skip()
    folder = request.getfixturevalue(study)
    screenshot = ARTIFACTS / f"report_{study}.png"
    view = open_page(folder / REPORT_FILE, tmp_path / "profile", screenshot)
    print(f"screenshot: {screenshot}")
    assert view.title == title
    assert len(view.image_widths) == figures
    assert all(width > 0 for width in view.image_widths), view.image_widths
    assert view.errors == []
    assert screenshot.stat().st_size > 10_000


def test_the_browser_check_sees_a_broken_image_and_a_console_error(tmp_path):
    """The check above can fail: a page with a broken image and a script error fails it."""
    _browser_or_skip()
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body>'
                    '<img src="data:image/png;base64,AAAA"><script>console.error("boom")'
                    "</script></body></html>", encoding="utf-8")
    view = open_page(page, tmp_path / "profile", tmp_path / "broken.png")
    assert view.image_widths == [0]
    assert any("boom" in error for error in view.errors)


def test_report_command_rewrites_the_page_and_says_where(grid_study, tmp_path, capsys):
    target = tmp_path / "copy.html"
    assert main(["report", str(grid_study), "--output", str(target)]) == 0
    assert capsys.readouterr().out.strip() == str(target)
    assert target.read_text(encoding="utf-8") == render_report(grid_study)


@pytest.mark.parametrize("make", [lambda p: None, lambda p: p.mkdir()],
                         ids=["missing", "not a results directory"])
def test_report_of_a_directory_that_is_not_a_study_is_one_line_and_exit_2(make, tmp_path,
                                                                            capsys):
    folder = tmp_path / "nothing"
    make(folder)
    assert main(["report", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("error: ")
    assert not (folder / REPORT_FILE).exists()


def test_a_report_that_fails_costs_nothing_but_a_notice(tmp_path, monkeypatch, capsys):
    def broken(folder):
        raise ValueError("cannot lay out this page")

    monkeypatch.setattr(sim.report.page, "render_report", broken)
    out = tmp_path / "study"
    assert main(["sweep", BASE_FILE, "--param", "fleet.tankers", "--values", "6", *SHORT,
                 "--replications", "2", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("notice: report not written: cannot lay out this page; the tables "
                          "are complete")
    assert (out / "summary.csv").is_file()
    assert (out / "figures" / "capacity_curve.png").is_file()
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"
    assert not (out / REPORT_FILE).exists()


def test_headline_and_compare_results_have_reports_with_their_answers(headline_study,
                                                                       tmp_path):
    text = (headline_study / REPORT_FILE).read_text(encoding="utf-8")
    for answer in (headline_study / "headline.md").read_text(encoding="utf-8").split("\n\n"):
        assert html.escape(answer.strip()) in text
    compare = tmp_path / "compare"
    assert main(["compare", BASE_FILE, str(ROOT / "scenarios" / "btc_cap_2_2.toml"),
                 "--replications", "2", *SHORT, "--out", str(compare)]) == 0
    text = (compare / REPORT_FILE).read_text(encoding="utf-8")
    assert "How do btc_cap_2_2 differ from base" in text
    assert "transcaspian_mt_per_year: btc_cap_2_2" in text
