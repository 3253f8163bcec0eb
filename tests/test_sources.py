"""``docs/sources.md``: every section id other documents cite exists once, as a heading.

Scenario files and code cite the facts document as "sources §2.1"; a renamed, missing or
duplicated section would leave those citations pointing nowhere (or at two places).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "docs" / "sources.md"

#: The section ids other documents cite; they are fixed.
REQUIRED_IDS = (
    "§1", "§1.1", "§1.2", "§1.3", "§1.4", "§1.5",
    "§2", "§2.1", "§2.2", "§2.3", "§2.4", "§2.5", "§2.6", "§2.7",
    "§3", "§3.1", "§3.2", "§3.3", "§3.4", "§3.5",
    "§4", "§4.1", "§4.2",
    "§5", "§5.1", "§5.2", "§5.3",
    "§6", "§6.1", "§6.2", "§6.3", "§6.4", "§6.5",
    "§7", *(f"§7.{n}" for n in range(1, 19)),
)

#: A heading that starts with a section id: "## §1 ..." or "### §2.1 ...".
HEADING_ID = re.compile(r"^#{2,3} (§\d+(?:\.\d+)?) \S", re.MULTILINE)


def _heading_ids() -> list[str]:
    return HEADING_ID.findall(SOURCES.read_text(encoding="utf-8"))


def test_sources_document_exists():
    assert SOURCES.is_file(), "docs/sources.md is missing"


@pytest.mark.parametrize("section_id", REQUIRED_IDS)
def test_every_cited_section_is_a_heading_exactly_once(section_id):
    count = _heading_ids().count(section_id)
    assert count == 1, f"{section_id} appears {count} times as a heading in docs/sources.md"


def test_heading_ids_are_unique():
    duplicates = [i for i, n in Counter(_heading_ids()).items() if n > 1]
    assert not duplicates, f"section ids used by more than one heading: {duplicates}"


def test_parts_and_subsections_use_their_heading_levels():
    text = SOURCES.read_text(encoding="utf-8")
    for section_id in REQUIRED_IDS:
        level = "##" if "." not in section_id else "###"
        assert re.search(rf"^{level} {re.escape(section_id)} \S", text, re.MULTILINE), section_id


def test_no_local_machine_paths():
    text = SOURCES.read_text(encoding="utf-8")
    assert not re.search(r"(?<![\w.])/(?:work|tmp|home|Users|root)/", text)


#: A citation of the facts document: "sources §2.1" and any "§N.M" listed after it.
CITATION = re.compile(r"sources ((?:§\d+(?:\.\d+)?(?:,? (?:and )?)?)+)")


def _citations(text: str) -> list[str]:
    return [ref for match in CITATION.findall(text) for ref in re.findall(r"§\d+(?:\.\d+)?",
                                                                          match)]


def _cited_files() -> list[Path]:
    return [*sorted((ROOT / "scenarios").glob("*.toml")), *sorted((ROOT / "sim").rglob("*.py")),
            *sorted((ROOT / "sim").rglob("*.toml"))]


@pytest.mark.parametrize("path", _cited_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_citation_in_scenarios_and_code_resolves(path):
    known = set(_heading_ids())
    missing = [ref for ref in _citations(path.read_text(encoding="utf-8")) if ref not in known]
    assert not missing, f"{path.relative_to(ROOT)} cites sections docs/sources.md lacks: {missing}"


def test_scenario_files_cite_the_repository_not_the_outside_reference():
    for path in sorted((ROOT / "scenarios").glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        assert "ref §" not in text, path.name
        assert "shared/reference" not in text, path.name


def test_every_schema_default_names_a_source_in_the_repository():
    from sim.scenario import reference

    for section in reference.sections():
        for row in section.rows:
            assert "Reference" not in row.source, f"{row.path}: {row.source}"
            assert row.source.startswith(("sources §", "Convention", "Policy", "Set at",
                                          "Model design")), f"{row.path}: {row.source}"
