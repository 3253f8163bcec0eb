"""Generated documents: the scenario and output references match the code, the validation passes.

``docs/scenarios.md`` and ``docs/outputs.md`` are regenerated here and compared with
the committed files, so a schema or result-field change without ``python tools/docs.py``
fails. The validation checks run in quick mode (seconds); they do not rewrite
``docs/validation.md`` but must all pass against theory, and every check they produce
must appear in the committed report.
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path

import pytest

from sim.model.results import output_fields
from sim.scenario import reference
from sim.scenario.paths import known_paths
from sim.scenario.schema import DatedEvent, TankerClass
from sim.validation.checks import QUICK
from sim.validation.report import render
from sim.validation.run import ValidationReport, run_validation
from tools import docs

ROOT = Path(__file__).resolve().parent.parent
HISTORY_FILES = sorted((ROOT / "scenarios").glob("history_*.toml"))


# --- scenario reference ------------------------------------------------------------------

@pytest.mark.parametrize("name", ["scenarios.md", "outputs.md"])
def test_generated_reference_is_current(name):
    render = docs.documents()[ROOT / "docs" / name]
    committed = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert committed == render(), (
        f"docs/{name} is stale: run `python tools/docs.py` and commit the result")


def test_output_reference_documents_every_field_with_unit_and_meaning():
    text = (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8")
    for field in output_fields():
        assert f"| `{field.name}` | {field.group} | {field.unit} |" in text
        assert field.meaning.endswith(".")
        assert field.unit


def test_every_count_and_day_per_year_says_so_in_its_name():
    for field in output_fields():
        if field.unit in ("days/yr", "1/yr", "Mt/yr"):
            assert field.name.endswith("_per_year"), field.name


def test_reference_covers_every_field_with_unit_default_range_and_source():
    rows = {row.path: row for section in reference.sections() for row in section.rows}
    assert set(known_paths()) <= set(rows)
    keyed = {p for p in rows if p.startswith(('uncertainty."PATH".', 'levers."PATH".'))}
    assert {p for p in rows if p not in known_paths()} - keyed == {
        "sweep.parameters[].path", "sweep.parameters[].values", "headline.levels[].name",
        "headline.levels[].changes", "headline.levels[].source",
        *(f"events[].{name}" for name in DatedEvent.model_fields),
        *(f"fleet.classes[].{name}" for name in TankerClass.model_fields)}
    assert {p.rsplit(".", 1)[-1] for p in keyed} >= {"low", "high", "reason", "values"}
    for path, row in rows.items():
        for column in ("unit", "default", "allowed", "source"):
            assert getattr(row, column), f"{path} has no {column}"
        assert row.meaning, f"{path} has no description in sim/scenario/"


def test_reference_uses_the_default_of_the_enclosing_field():
    rows = {row.path: row for section in reference.sections() for row in section.rows}
    btc_duration = rows["btc.disruption.mean_duration_days"]
    assert btc_duration.default == "63"
    assert btc_duration.source.startswith("sources §5.3, §7.8: one stop per ~3 yr")
    assert rows["russian_route.disruption.mean_duration_days"].default == "56.4"


@pytest.mark.parametrize(("name", "unit"), [
    ("storage_t", "t"), ("feeder_capacity_t_per_day", "t/day"),
    ("loading_rate_t_per_hour", "t/h"), ("allowance_mt_per_year", "Mt/yr"),
    ("maintenance_days_per_year", "days/yr"), ("berthing_hours", "h"),
    ("speed_knots", "kn"), ("crossing_distance_nm", "nmi"), ("probability", "probability (0-1)"),
])
def test_units_come_from_name_suffixes(name, unit):
    assert reference.unit_for(name, float) == unit


def test_a_field_without_a_unit_suffix_is_refused():
    with pytest.raises(ValueError, match="no unit can be read"):
        reference.unit_for("throughput", float)


def test_every_cross_field_rule_is_stated():
    keys = [key for key, _ in reference.cross_field_rules()]
    assert "Scenario._chain_can_carry_nomination" in keys
    text = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    for key in keys:
        assert f"`{key}`" in text


# --- validation (quick mode) -------------------------------------------------------------

@pytest.fixture(scope="module")
def quick_report() -> ValidationReport:
    return run_validation(ROOT / "scenarios", QUICK)


def test_quick_theory_and_physics_checks_all_pass(quick_report):
    strict = [c for c in quick_report.checks if c.family != "bookkeeping history"]
    assert {c.family for c in strict} == {"cycle bound", "capacity bounds", "Erlang C",
                                          "availability", "physics history"}
    failed = [(c.family, c.name, c.model_value, c.reference_value, c.tolerance)
              for c in strict if c.verdict != "pass"]
    assert not failed


def test_checks_are_complete_records(quick_report):
    for c in quick_report.checks:
        assert math.isfinite(c.model_value), c.name
        assert math.isfinite(c.reference_value), c.name
        assert c.tolerance >= 0, c.name
        assert c.tolerance_basis, c.name
        assert c.reference_source, c.name
        assert c.verdict in ("pass", "fail", "miss")
        assert c.verdict != "fail" or not c.family.endswith("history")


def test_history_compares_every_year_from_2023(quick_report):
    years = {c.target.year for c in quick_report.history}
    assert years == {2023, 2024, 2025}
    by_key = {(c.target.year, c.target.period, c.target.series): c for c in quick_report.history}
    series_a = by_key[(2023, "year", "A: all Kazakh crude shipped Aktau -> Baku")]
    assert series_a.target.volume_mt == pytest.approx(1.392)
    for c in quick_report.history:  # the historical chain was contract-limited
        assert c.model_mean_mt < c.physical_capacity_mt
        assert c.model_mean_mt == pytest.approx(c.contract_mt, rel=0.05)


def test_committed_report_has_every_check_and_the_command(quick_report):
    text = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    assert "python tools/validation_report.py" in text
    assert "Quick mode" not in text, "docs/validation.md was written in quick mode"
    for check in quick_report.checks:
        assert f"| {check.name} |" in text, f"docs/validation.md lacks {check.name!r}; rerun"
    assert "| **fail** |" not in text, "a check failed in the committed report"
    assert "## What the answer depends on" in text, "the sensitivity digest is missing"


def test_quick_report_renders(quick_report):
    text = render(quick_report)
    assert text.startswith("# Validation report")
    assert "Quick mode" in text
    for section in ("## 5. Physics against history", "## 6. Bookkeeping against history"):
        assert section in text
    assert re.search(r"\| physics against history \| physics history \|", text)


# --- historical scenario files -----------------------------------------------------------

@pytest.mark.parametrize("path", HISTORY_FILES, ids=lambda p: p.stem)
def test_history_scenarios_name_a_source_for_every_value(path):
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert data["extends"] == "base.toml"
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "[")):
            continue
        key = stripped.split("=", 1)[0].strip()
        if key in {"extends", "name", "description"}:
            continue
        assert "#" in stripped, f"{path.name}: {key} names no source"
