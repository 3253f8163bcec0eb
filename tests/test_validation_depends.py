"""The validation report restates which estimates the answer depends on (docs/sensitivity.md)."""

from __future__ import annotations

from sim.validation.depends import TOP, depends_on_lines, digest
from tests.conftest import ROOT

SENSITIVITY = (ROOT / "docs" / "sensitivity.md").read_text(encoding="utf-8")


def test_every_scenario_of_the_sensitivity_document_is_digested_with_its_leading_inputs():
    scenarios = digest(SENSITIVITY)
    assert [s.name for s in scenarios] == ["base", "expanded_fleet"]
    for scenario in scenarios:
        assert scenario.as_it_is.startswith("Trans-Caspian ")
        assert len(scenario.leading) == TOP
        assert scenario.verdict.endswith(".")
        assert "inputs change the Trans-Caspian volume" in scenario.verdict


def test_the_leading_inputs_are_the_documents_first_ranks_in_order():
    first_rows = [line.split("`")[1] for line in SENSITIVITY.splitlines()
                  if line.startswith("| 1 | `")]
    assert [s.leading[0].split("`")[1] for s in digest(SENSITIVITY)] == first_rows


def test_without_a_sensitivity_document_the_section_says_how_to_make_one():
    lines = depends_on_lines(None)
    assert lines[0] == "## What the answer depends on"
    assert "python tools/sensitivity_report.py" in lines[2]
