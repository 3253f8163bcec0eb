"""TOML in and out: read a scenario file safely, write a scenario back as TOML.

A scenario file is data: it is parsed with :mod:`tomllib` (never evaluated or
unpickled). Inputs that could exhaust memory or the stack (huge files, very long
dotted keys, deep nesting) are refused before they are parsed or walked, with a
:class:`~sim.errors.ScenarioError` naming the file.
"""

from __future__ import annotations

import datetime as dt
import json
import stat
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.errors import NO_VALUE, ScenarioError, short_path

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario

MAX_FILE_BYTES = 1_000_000

#: Parts of one dotted key (``a.b.c`` has 3). The schema needs 3; tomllib's memory
#: grows with the square of this, so a 200 kB key of 100,000 parts would need ~40 GB.
MAX_KEY_PARTS = 16

#: Tables and arrays nested deeper than this are refused (the schema needs 4).
MAX_NESTING = 16

_BARE_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read as a scenario file, or None if it is a regular file."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "no such scenario file"
    except (OSError, ValueError) as exc:
        return f"cannot be read ({getattr(exc, 'strerror', None) or exc})"
    if stat.S_ISDIR(mode):
        return "is a directory, not a scenario file"
    if not stat.S_ISREG(mode):
        return "is not a regular file (a device, pipe or socket), not a scenario file"
    return None

def read_toml(path: Path) -> dict[str, Any]:
    """Parse one scenario file, refusing anything that is not small UTF-8 TOML text."""
    where = str(path)
    problem = file_problem(path)
    if problem is not None:
        raise ScenarioError(where, "", NO_VALUE, problem)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(where, "", NO_VALUE, f"cannot be read ({exc.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(where, "", NO_VALUE, f"file is over {MAX_FILE_BYTES:,} bytes; "
                            f"scenario files may be at most {MAX_FILE_BYTES:,} bytes")
    text = _decode(raw, where)
    _check_key_lengths(text, where)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(where, "", NO_VALUE, f"is not valid TOML: {exc}") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise ScenarioError(where, "", NO_VALUE, f"is not valid TOML: {exc}") from None
    except RecursionError:
        raise ScenarioError(where, "", NO_VALUE, "is not valid TOML: arrays or tables nested "
                            f"too deeply (at most {MAX_NESTING} levels)") from None
    if not data:
        raise ScenarioError(where, "", NO_VALUE, "has no settings; a scenario needs at least "
                            "a name or an extends line")
    check_nesting(data, where)
    return data

def _decode(raw: bytes, where: str) -> str:
    """Decode the file's text: UTF-8 (a byte-order mark is allowed), not binary, not empty."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(where, "", NO_VALUE, f"is not UTF-8 text (byte {exc.start}); save "
                            "it as UTF-8 TOML") from None
    if "\x00" in text:
        raise ScenarioError(where, "", NO_VALUE, "is a binary file, not TOML text")
    if not text.strip():
        raise ScenarioError(where, "", NO_VALUE, "is empty; a scenario needs at least "
                            "a name or an extends line")
    return text

def _check_key_lengths(text: str, where: str) -> None:
    """Refuse a dotted key of more than MAX_KEY_PARTS parts before tomllib sees it."""
    for number, line in enumerate(text.splitlines(), start=1):
        parts = _key_parts(line)
        if parts > MAX_KEY_PARTS:
            raise ScenarioError(where, f"line {number}", NO_VALUE,
                                f"a dotted key of {parts:,} parts; keys may have at most "
                                f"{MAX_KEY_PARTS} (the schema needs 3)")

def _key_parts(line: str) -> int:
    """Parts of the dotted key (or table header) a line starts with; 0 if it starts with none."""
    i, n, parts = 0, len(line), 0
    while i < n and line[i] in " \t[":
        i += 1
    start = i
    while i < n:
        char = line[i]
        if char in _BARE_KEY_CHARS or char in " \t":
            i += 1
        elif char in "\"'":
            end = line.find(char, i + 1)
            if end < 0:
                break
            i = end + 1
        elif char == ".":
            parts += 1
            i += 1
        else:
            break
    return parts + 1 if i > start else 0

def check_nesting(data: Any, where: str) -> None:
    """Refuse tables or arrays nested deeper than MAX_NESTING (walked without recursion)."""
    stack: list[tuple[Any, int, str]] = [(data, 0, "")]
    while stack:
        value, depth, dotted = stack.pop()
        if depth > MAX_NESTING:
            raise ScenarioError(where, short_path(dotted), NO_VALUE, "nested more than "
                                f"{MAX_NESTING} levels deep; the schema needs at most 4")
        if isinstance(value, dict):
            stack.extend((v, depth + 1, f"{dotted}.{k}" if dotted else str(k))
                         for k, v in value.items())
        elif isinstance(value, list | tuple):
            stack.extend((v, depth + 1, f"{dotted}.{i}") for i, v in enumerate(value))

def drop_none(d: dict[str, Any]) -> dict[str, Any]:
    """``d`` without None values, recursively (unset alternatives such as rate_per_year)."""
    return {k: drop_none(v) if isinstance(v, dict) else _drop_none_items(v)
            for k, v in d.items() if v is not None}


def _drop_none_items(value: Any) -> Any:
    """An array of tables without its tables' None values; any other value unchanged."""
    if isinstance(value, list | tuple) and any(isinstance(item, dict) for item in value):
        return [drop_none(item) if isinstance(item, dict) else item for item in value]
    return value

def parse_value(raw: str) -> Any:
    r"""Parse a command-line value as one TOML value (numbers, booleans, arrays); else a string.

    Anything that is not exactly one TOML value on one line (e.g. ``3\nx = 4``)
    stays the literal string, which validation then refuses with a clear message.
    """
    if "\n" in raw or "\r" in raw:
        return raw
    try:
        document = tomllib.loads(f"v = {raw}")
    except (ValueError, RecursionError):  # TOMLDecodeError, or an over-long integer
        return raw
    return document["v"] if list(document) == ["v"] else raw


def dump_toml(scenario: Scenario) -> str:
    """Write the scenario as a TOML document that :func:`load_scenario` reads back unchanged."""
    lines: list[str] = []
    _emit_table(lines, drop_none(scenario.model_dump(mode="json")), ())
    return "\n".join(lines).lstrip("\n") + "\n"

def _emit_table(lines: list[str], table: dict[str, Any], prefix: tuple[str, ...]) -> None:
    """Append ``table``'s values, then its sub-tables and arrays of tables, as TOML."""
    tables = {k: v for k, v in table.items() if isinstance(v, dict)}
    arrays = {k: v for k, v in table.items()
              if isinstance(v, list) and v and all(isinstance(i, dict) for i in v)}
    for key, value in table.items():
        if key not in tables and key not in arrays:
            lines.append(f"{toml_key(key)} = {toml_value(value)}")
    for key, value in tables.items():
        lines += ["", f"[{'.'.join(map(toml_key, (*prefix, key)))}]"]
        _emit_table(lines, value, (*prefix, key))
    for key, items in arrays.items():
        for item in items:
            lines += ["", f"[[{'.'.join(map(toml_key, (*prefix, key)))}]]"]
            _emit_table(lines, item, (*prefix, key))

def toml_key(key: str) -> str:
    """A key as TOML: bare when it can be, else quoted (``"aktau.storage_t"`` is one key)."""
    return key if key and set(key) <= _BARE_KEY_CHARS else toml_value(key)

def toml_value(value: Any) -> str:
    """One scalar or array of scalars as TOML (floats round-trip exactly)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()  # a TOML local date
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
