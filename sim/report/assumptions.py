"""The assumptions of a study: every scenario value it ran with, its unit and its source.

Values come from the manifest (the resolved scenario). The source of a value is,
in order: the comment beside it in the scenario file (and the files it
``extends``), as scenario files cite ``sources §N.M`` there; the source the schema
gives for its default, when the value is the default; else "set by the scenario".
Section numbers refer to ``docs/sources.md``; when that document can be found
(in the checkout that holds the scenario file, or the working directory), the
titles of the cited sections are listed too.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Tables of a scenario file that describe studies, not the simulated chain.
STUDY_TABLES = ("sweep", "headline", "uncertainty", "levers")
#: ``key = value  # comment`` in a scenario file (the comment cites the source).
_COMMENTED = re.compile(r'^\s*([A-Za-z0-9_."-]+)\s*=\s*.*?\s#\s*(.+?)\s*$')
_TABLE = re.compile(r"^\s*\[([^\[\]]+)\]\s*(#.*)?$")
_ARRAY_TABLE = re.compile(r"^\s*\[\[")
#: A section number of docs/sources.md as scenario files and the schema cite it.
SECTION_ID = re.compile(r"§\d+(?:\.\d+)?")
_HEADING = re.compile(r"^#{2,3} (§\d+(?:\.\d+)?) (.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Assumption:
    """One value the study ran with: where it is, the value, its unit and its source."""

    path: str
    value: str
    unit: str
    source: str


def leaves(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted path, value) of every leaf of a nested mapping (lists are leaves)."""
    for key, value in data.items():
        if isinstance(value, Mapping):
            yield from leaves(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def file_citations(path: Path, depth: int = 0) -> dict[str, tuple[Any, str]]:
    """(value, comment) beside each value in a scenario file and the files it extends.

    Keyed by dotted path; the file's own entries win over its parent's. A file that
    cannot be read gives none.
    """
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    parent = data.get("extends")
    found = (file_citations(path.parent / parent, depth + 1)
             if isinstance(parent, str) and depth < 8 else {})
    values = dict(leaves(data))
    table: str | None = ""
    for line in text.splitlines():
        if _ARRAY_TABLE.match(line):
            table = None  # [[headline.levels]] and the like: not scenario values
            continue
        header = _TABLE.match(line)
        if header:
            table = header.group(1).strip()
            continue
        match = _COMMENTED.match(line)
        if match and table is not None and table.split(".")[0] not in STUDY_TABLES:
            key = match.group(1).strip('"')
            dotted = f"{table}.{key}" if table else key
            if dotted in values:
                found[dotted] = (values[dotted], match.group(2))
    return found


def schema_sources() -> dict[str, tuple[str, str, str]]:
    """(unit, default as written, source of the default) of every schema field, by path."""
    from sim.scenario.reference import sections

    return {row.path: (row.unit, row.default, row.source)
            for section in sections() for row in section.rows}


def assumptions(scenario: Mapping[str, Any], scenario_file: Path | None) -> list[Assumption]:
    """Every value of the resolved scenario (study tables left out) with its unit and source."""
    from sim.scenario.reference import format_value

    cited = file_citations(scenario_file) if scenario_file is not None else {}
    schema = schema_sources()
    rows = []
    for path, value in leaves({k: v for k, v in scenario.items() if k not in STUDY_TABLES}):
        shown = format_value(tuple(value) if isinstance(value, list) else value)
        unit, default, default_source = schema.get(path, ("", "", ""))
        in_file = cited.get(path)
        if in_file is not None and _same(in_file[0], value):
            source = in_file[1]
        elif in_file is not None:
            source = (f"changed for this study (the file has {format_value(in_file[0])}: "
                      f"{in_file[1]})")
        elif default_source and shown == default:
            source = f"{default_source} (schema default)"
        else:
            source = "set by the scenario (no comment beside it in the file)"
        rows.append(Assumption(path, shown, unit or "-", source))
    return rows


def _same(in_file: Any, value: Any) -> bool:
    """Whether the file's value is the value the study ran with (TOML ints vs floats alike)."""
    if isinstance(in_file, int | float) and isinstance(value, int | float):
        return float(in_file) == float(value)
    if isinstance(in_file, list | tuple) and isinstance(value, list | tuple):
        return len(in_file) == len(value) and all(map(_same, in_file, value))
    return bool(in_file == value)


def cited_sections(rows: list[Assumption], sources_md: Path | None) -> list[tuple[str, str]]:
    """(section id, its title in docs/sources.md, or "") of every section the values cite."""
    ids = sorted({s for row in rows for s in SECTION_ID.findall(row.source)},
                 key=lambda s: [int(n) for n in s[1:].split(".")])
    titles: dict[str, str] = {}
    if sources_md is not None and sources_md.is_file():
        titles = dict(_HEADING.findall(sources_md.read_text(encoding="utf-8")))
    return [(section, titles.get(section, "")) for section in ids]


def sources_document(near: Path | None) -> Path | None:
    """``docs/sources.md`` of the checkout holding ``near`` or the working directory, if any.

    ``near`` is the scenario file the study was given.
    """
    starts = ([near.resolve().parent] if near is not None else []) + [Path.cwd()]
    for start in starts:
        for folder in (start, *start.parents):
            candidate = folder / "docs" / "sources.md"
            if candidate.is_file():
                return candidate
    return None
