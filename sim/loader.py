"""Read scenario files: TOML, ``extends`` inheritance, ``--set`` overrides, clear errors.

A scenario file is data: it is parsed with :mod:`tomllib` (never evaluated or
unpickled), merged over the file it ``extends`` (resolved relative to the file
and kept inside the scenario's directory tree unless explicitly allowed),
overridden by ``--set PATH=VALUE`` and validated by :class:`sim.scenario.Scenario`
in strict mode (no ``"6"`` for 6, no ``1`` for ``true``). Every failure raises
:class:`ScenarioError` naming the file, the dotted path, the value and what is
allowed. Inputs that could exhaust memory or the stack (huge files, very long
dotted keys, deep nesting) are refused before they are parsed or walked.
"""

from __future__ import annotations

import difflib
import itertools
import json
import stat
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.errors import NO_VALUE, FieldRuleError, ScenarioError, show_value
from sim.scenario import Scenario

MAX_FILE_BYTES = 1_000_000
MAX_EXTENDS_DEPTH = 16
#: Parts of one dotted key (``a.b.c`` has 3). The schema needs 3; tomllib's memory
#: grows with the square of this, so a 200 kB key of 100,000 parts would need ~40 GB.
MAX_KEY_PARTS = 16
#: Tables and arrays nested deeper than this are refused (the schema needs 4).
MAX_NESTING = 16
#: Most grid points a sweep (or a scenario's [sweep] table) may have.
MAX_GRID_POINTS = 10_000
#: Keys that say the same thing two ways: a layer that sets one drops the other from below.
ALTERNATIVES = {"probability": "rate_per_year", "rate_per_year": "probability"}
_BARE_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
#: Fields a sweep may not vary, and why.
_NOT_SWEEPABLE = {"run.seed": "use --seed", "run.replications": "use --replications"}


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario, the file it came from and the overrides applied."""

    scenario: Scenario
    path: Path | None
    overrides: tuple[str, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)


def load_scenario(path: str | Path, overrides: Sequence[str] = (),
                  allow_outside_tree: bool = False,
                  options: Sequence[tuple[str, str]] = ()) -> LoadedScenario:
    """Load, merge, override and validate a scenario file.

    ``overrides`` are ``PATH=VALUE`` strings (``--set``); ``options`` are
    ``(option, "PATH=VALUE")`` pairs for command-line options that set a field
    (e.g. ``("--seed", "run.seed=5")``), so that errors name the option.
    """
    top = Path(path)
    root = _resolved(top, str(top), "").parent
    data, sources = _read_with_extends(top, root, allow_outside_tree, chain=())
    labelled = [*(("--set", item) for item in overrides), *options]
    for where, item in labelled:
        dotted, value = parse_override(item, where)
        _set_path(data, dotted, value, where=where)
        sources[dotted] = where
    scenario = validate(data, sources, default_where=str(top))
    check_sweep_table(scenario, _where_for("sweep.parameters", sources, str(top)))
    return LoadedScenario(scenario, top, tuple(item for _, item in labelled), sources)


def scenario_from_dict(data: dict[str, Any], where: str = "<dict>") -> Scenario:
    """Validate a plain mapping (e.g. built in a notebook) as a scenario."""
    return validate(data, {}, default_where=where)


def with_overrides(scenario: Scenario, overrides: Mapping[str, Any], where: str = "--param"
                   ) -> Scenario:
    """Return a copy of ``scenario`` with fields replaced by dotted path, validated again."""
    data = _drop_none(scenario.model_dump())
    sources = {}
    for dotted, value in overrides.items():
        _set_path(data, dotted, _plain(value), where=where)
        sources[dotted] = where
    return validate(data, sources, default_where=where)


def parse_override(item: str, where: str = "--set") -> tuple[str, Any]:
    """Split ``PATH=VALUE`` and parse VALUE as a TOML value (bare words stay strings)."""
    if "=" not in item:
        raise ScenarioError(where, _short_path(item), NO_VALUE, "expected PATH=VALUE, e.g. "
                            "fleet.tankers=8")
    dotted, raw = (part.strip() for part in item.split("=", 1))
    if not dotted or any(not part.strip() for part in dotted.split(".")):
        raise ScenarioError(where, _short_path(dotted) or "(no path)", raw,
                            "the path must be dotted field names, e.g. aktau.berths")
    return dotted, parse_value(raw)


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


def known_paths(model: type[BaseModel] = Scenario, prefix: str = "") -> list[str]:
    """Every dotted field path of the schema (sections and leaves)."""
    paths = []
    for name, info in model.model_fields.items():
        dotted = f"{prefix}{name}"
        paths.append(dotted)
        sub = _section(info.annotation)
        if sub is not None:
            paths.extend(known_paths(sub, dotted + "."))
    return paths


def validate(data: dict[str, Any], sources: dict[str, str], default_where: str) -> Scenario:
    """Check keys against the schema, then validate values; raise ScenarioError on failure."""
    _check_nesting(data, default_where)
    _check_keys(data, Scenario, "", sources, default_where)
    complete = _defaults()
    _merge(complete, data)
    try:
        return Scenario.model_validate(_frozen(complete), strict=True)
    except ValidationError as exc:
        raise _first_error(exc, sources, default_where) from None


def sweep_path_problem(dotted: str) -> str | None:
    """Why ``dotted`` cannot be swept (unknown, a section, the seed ...), or None if it can."""
    try:
        annotation = _walk(dotted, "", NO_VALUE)
    except ScenarioError as exc:
        return exc.allowed
    if _section(annotation) is not None or _section_items(annotation) is not None:
        first = next(iter(_fields_of(annotation)))
        return f"is a section, not a field; sweep one of its fields, e.g. {dotted}.{first}"
    if dotted.startswith("sweep."):
        return "the [sweep] settings cannot be swept"
    if dotted in _NOT_SWEEPABLE:
        return f"cannot be swept ({_NOT_SWEEPABLE[dotted]})"
    return None


def sweep_grid(base: Scenario, parameters: Sequence[tuple[str, Sequence[Any]]], where: str,
               in_table: bool = False) -> list[tuple[dict[str, Any], Scenario]]:
    """Every grid point of a sweep as (values, validated scenario), in row-major order.

    Errors name ``where`` and, for a scenario's [sweep] table (``in_table``), the
    entry ``sweep.parameters.I.values.J``; otherwise the swept field itself.
    """
    for i, (path, values) in enumerate(parameters):
        problem = sweep_path_problem(path)
        if problem is not None:
            raise ScenarioError(where, f"sweep.parameters.{i}.path" if in_table
                                else _short_path(path), path if in_table else NO_VALUE, problem)
        if len(values) == 0:
            raise ScenarioError(where, _short_path(path), NO_VALUE, "no values given")
    count = 1
    for _, values in parameters:
        count *= len(values)
    if count > MAX_GRID_POINTS:
        sizes = " x ".join(str(len(v)) for _, v in parameters)
        raise ScenarioError(where, "grid", NO_VALUE, f"{sizes} = {count:,} points; a sweep "
                            f"may have at most {MAX_GRID_POINTS:,} points")
    points: list[tuple[dict[str, Any], Scenario]] = []
    for combo in itertools.product(*(list(enumerate(v)) for _, v in parameters)):
        point = {path: value for (path, _), (_, value) in zip(parameters, combo, strict=True)}
        try:
            points.append((point, with_overrides(base, point, where)))
        except ScenarioError as exc:
            raise _grid_error(exc, parameters, combo, where, in_table) from None
    return points


def check_sweep_table(scenario: Scenario, where: str) -> None:
    """Refuse a [sweep] table whose fields or values (in any combination) are invalid."""
    parameters = [(p.path, p.values) for p in scenario.sweep.parameters]
    if parameters:
        sweep_grid(scenario, parameters, where, in_table=True)


def dump_toml(scenario: Scenario) -> str:
    """Write the scenario as a TOML document that :func:`load_scenario` reads back unchanged."""
    lines: list[str] = []
    _emit_table(lines, _drop_none(scenario.model_dump(mode="json")), ())
    return "\n".join(lines).lstrip("\n") + "\n"


def _defaults() -> dict[str, Any]:
    """Return the default scenario as nested dicts, without unset alternatives (None values)."""
    return _drop_none(Scenario().model_dump())


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    """``d`` without None values, recursively (unset alternatives such as rate_per_year)."""
    return {k: _drop_none(v) if isinstance(v, dict) else v for k, v in d.items()
            if v is not None}


def _frozen(value: Any) -> Any:
    """Turn lists into tuples, recursively, so that strict validation accepts TOML arrays."""
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


def _plain(value: Any) -> Any:
    """Return a NumPy scalar as the Python number it holds; other values unchanged."""
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":
        return item()
    return value


# --- reading files -----------------------------------------------------------------------


def _read_with_extends(path: Path, root: Path, allow_outside_tree: bool,
                       chain: tuple[Path, ...]) -> tuple[dict[str, Any], dict[str, str]]:
    """Read ``path`` and, first, the files it extends; return merged data and value sources."""
    where = str(path)
    data = _read_toml(path)
    parent_ref = data.pop("extends", None)
    _check_keys(data, Scenario, "", {}, where)
    if parent_ref is None:
        return data, {p: where for p in _leaf_paths(data)}
    parent = _parent_file(path, parent_ref, root, allow_outside_tree)
    resolved_chain = (*chain, _resolved(path, where, ""))
    if parent in resolved_chain:
        cycle = " -> ".join(p.name for p in (*resolved_chain, parent))
        raise ScenarioError(where, "extends", parent_ref, f"circular extends ({cycle})")
    if len(resolved_chain) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(where, "extends", parent_ref,
                            f"extends chains may be at most {MAX_EXTENDS_DEPTH} files deep")
    base, sources = _read_with_extends(parent, root, allow_outside_tree, resolved_chain)
    _merge(base, data)
    sources.update({p: where for p in _leaf_paths(data)})
    return base, sources


def _parent_file(path: Path, ref: Any, root: Path, allow_outside_tree: bool) -> Path:
    """Return the file ``path`` extends, resolved and checked (a string, in the tree, a file)."""
    where = str(path)
    if not isinstance(ref, str) or not ref.strip():
        raise ScenarioError(where, "extends", ref, "must be a file name (string) relative to "
                            "this file")
    parent = _resolved(path.parent / ref, where, ref)
    if not allow_outside_tree and not parent.is_relative_to(root):
        raise ScenarioError(where, "extends", ref, "must stay inside the scenario's directory "
                            f"({root.name}/); pass --allow-outside-extends to permit")
    problem = _file_problem(parent)
    if problem is not None:
        raise ScenarioError(where, "extends", ref, problem)
    return parent


def _resolved(path: Path, where: str, ref: str) -> Path:
    """``path`` made absolute with symlinks followed; an unusable name is a ScenarioError."""
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # symlink loop, NUL byte, too long
        reason = getattr(exc, "strerror", None) or str(exc)
        if ref:
            raise ScenarioError(where, "extends", ref, f"not a usable file name ({reason})"
                                ) from None
        raise ScenarioError(where, "", NO_VALUE, f"not a usable file name ({reason})") from None


def _file_problem(path: Path) -> str | None:
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


def _read_toml(path: Path) -> dict[str, Any]:
    """Parse one scenario file, refusing anything that is not small UTF-8 TOML text."""
    where = str(path)
    problem = _file_problem(path)
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
    _check_nesting(data, where)
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


def _check_nesting(data: Any, where: str) -> None:
    """Refuse tables or arrays nested deeper than MAX_NESTING (walked without recursion)."""
    stack: list[tuple[Any, int, str]] = [(data, 0, "")]
    while stack:
        value, depth, dotted = stack.pop()
        if depth > MAX_NESTING:
            raise ScenarioError(where, _short_path(dotted), NO_VALUE, "nested more than "
                                f"{MAX_NESTING} levels deep; the schema needs at most 4")
        if isinstance(value, dict):
            stack.extend((v, depth + 1, f"{dotted}.{k}" if dotted else str(k))
                         for k, v in value.items())
        elif isinstance(value, list | tuple):
            stack.extend((v, depth + 1, f"{dotted}.{i}") for i, v in enumerate(value))


def _merge(base: dict[str, Any], override: dict[str, Any]) -> None:
    """Merge ``override`` into ``base`` in place; tables merge, other values replace.

    Setting one of two alternative keys (``probability`` / ``rate_per_year``)
    removes the other from ``base``, so a child can switch parameterisation.
    """
    for key in override:
        other = ALTERNATIVES.get(key)
        if other is not None and other not in override:
            base.pop(other, None)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value


def _leaf_paths(data: dict[str, Any], prefix: str = "") -> list[str]:
    """Dotted paths of every non-table value in ``data``."""
    out = []
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        out.extend(_leaf_paths(value, dotted + ".") if isinstance(value, dict) else [dotted])
    return out


# --- the schema as a tree of dotted paths ------------------------------------------------


def _section(annotation: Any) -> type[BaseModel] | None:
    """Return the model class if ``annotation`` is a section (a nested table), else None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _section_items(annotation: Any) -> type[BaseModel] | None:
    """Return the model class if ``annotation`` is ``tuple[Section, ...]`` (array of tables)."""
    args = getattr(annotation, "__args__", ())
    if getattr(annotation, "__origin__", None) is tuple and args:
        return _section(args[0])
    return None


def _fields_of(annotation: Any) -> dict[str, Any]:
    """Field names of a section or of the items of an array of tables."""
    model = _section(annotation) or _section_items(annotation)
    return dict(model.model_fields) if model is not None else {}


def _walk(dotted: str, where: str, value: Any) -> Any:
    """Return the annotation of the field at ``dotted``; unknown paths raise ScenarioError."""
    model: type[BaseModel] = Scenario
    parts = dotted.split(".")
    annotation: Any = Scenario
    for depth, part in enumerate(parts):
        so_far = ".".join(parts[: depth + 1])
        if part not in model.model_fields:
            raise ScenarioError(where, _short_path(so_far), value,
                                _unknown_key_hint(part, model, so_far))
        annotation = model.model_fields[part].annotation
        if depth < len(parts) - 1:
            sub = _section(annotation)
            if sub is None:
                raise ScenarioError(where, so_far, value, "is a value, not a section; use "
                                    f"{so_far}=VALUE")
            model = sub
    return annotation


def _set_path(data: dict[str, Any], dotted: str, value: Any, where: str) -> None:
    """Set ``data[dotted]`` (creating tables on the way) after checking the path."""
    annotation = _walk(dotted, where, value)
    sub = _section(annotation)
    if sub is not None and not isinstance(value, dict):
        raise ScenarioError(where, dotted, value, "is a section; set one of its fields, "
                            f"e.g. {dotted}.{next(iter(sub.model_fields))}")
    *parents, last = dotted.split(".")
    node = data
    for depth, part in enumerate(parents):
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ScenarioError(where, ".".join(parents[: depth + 1]), child,
                                "must be a table (a [section]), not a value")
        node = child
    node[last] = value
    node.pop(ALTERNATIVES.get(last, ""), None)


# --- errors ------------------------------------------------------------------------------


def _check_keys(data: Any, model: type[BaseModel], prefix: str, sources: dict[str, str],
                default_where: str) -> None:
    """Refuse unknown keys, and values where a table belongs, at every level."""
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        where = _where_for(dotted, sources, default_where)
        if key not in model.model_fields:
            raise ScenarioError(where, _short_path(dotted),
                                value if not isinstance(value, dict) else NO_VALUE,
                                _unknown_key_hint(str(key), model, dotted))
        annotation = model.model_fields[key].annotation
        sub, items = _section(annotation), _section_items(annotation)
        if sub is not None:
            if not isinstance(value, dict):
                raise ScenarioError(where, dotted, value, f"is a section: write [{dotted}] "
                                    "and its fields on the lines below it")
            _check_keys(value, sub, dotted + ".", sources, default_where)
        elif items is not None and isinstance(value, list | tuple):
            for i, item in enumerate(value):
                if not isinstance(item, dict):
                    raise ScenarioError(where, f"{dotted}.{i}", item, "must be a table: write "
                                        f"[[{dotted}]] and its fields below it")
                _check_keys(item, items, f"{dotted}.{i}.", sources, default_where)


def _unknown_key_hint(key: str, model: type[BaseModel], dotted: str) -> str:
    """'unknown key' with the closest known key, or the keys allowed at that level."""
    names = list(model.model_fields)
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.5)
    if not close:
        everywhere = known_paths()
        close = difflib.get_close_matches(dotted, everywhere, n=1, cutoff=0.6)
        if close:
            return f"unknown key; did you mean '{close[0]}'?"
        return "unknown key; allowed here: " + ", ".join(names)
    section = dotted.rsplit(".", 1)[0] + "." if "." in dotted else ""
    return f"unknown key; did you mean '{section}{close[0]}'?"


def _first_error(exc: ValidationError, sources: dict[str, str], default_where: str
                 ) -> ScenarioError:
    """Turn the first pydantic error into a ScenarioError (file, dotted path, value, rule)."""
    err = exc.errors(include_url=False)[0]
    loc = [str(p) for p in err["loc"]]
    message = err["msg"].removeprefix("Value error, ")
    value = err.get("input", NO_VALUE)
    rule = (err.get("ctx") or {}).get("error")
    if isinstance(rule, FieldRuleError):
        loc += rule.path.split(".")
        message = rule.rule
        value = NO_VALUE if rule.value is None else rule.value
    elif isinstance(value, dict):
        value = NO_VALUE
    dotted = ".".join(loc)
    return ScenarioError(_where_for(dotted, sources, default_where), dotted or "(top level)",
                         value, message)


def _grid_error(exc: ScenarioError, parameters: Sequence[tuple[str, Sequence[Any]]],
                combo: tuple[tuple[int, Any], ...], where: str, in_table: bool
                ) -> ScenarioError:
    """Turn a grid point's validation error into one naming the swept value it came from."""
    paths = [path for path, _ in parameters]
    if exc.path in paths:
        i = paths.index(exc.path)
        j, value = combo[i]
        label = f"sweep.parameters.{i}.values.{j}" if in_table else exc.path
        return ScenarioError(where, label, value, exc.allowed)
    point = {path: value for path, (_, value) in zip(paths, combo, strict=True)}
    shown = ", ".join(f"{p} = {show_value(v)}" for p, v in point.items())
    value_part = "" if exc.value is NO_VALUE else f" = {show_value(exc.value)}"
    return ScenarioError(where, "sweep.parameters" if in_table else "grid point", shown,
                         f"gives {exc.path}{value_part}: {exc.allowed}")


def _where_for(dotted: str, sources: dict[str, str], default_where: str) -> str:
    """Return the file or option that set ``dotted`` (or a value below it), else the default."""
    if dotted in sources:
        return sources[dotted]
    matches = [src for path, src in sources.items() if path.startswith(dotted + ".")]
    if matches:
        return matches[-1]
    parents = [src for path, src in sources.items() if dotted.startswith(path + ".")]
    return parents[-1] if parents else default_where


def _short_path(dotted: str, limit: int = 120) -> str:
    """Cut a dotted path to ``limit`` characters for messages."""
    return dotted if len(dotted) <= limit else dotted[: limit - 3] + "..."


# --- writing TOML ------------------------------------------------------------------------


def _emit_table(lines: list[str], table: dict[str, Any], prefix: tuple[str, ...]) -> None:
    """Append ``table``'s values, then its sub-tables and arrays of tables, as TOML."""
    tables = {k: v for k, v in table.items() if isinstance(v, dict)}
    arrays = {k: v for k, v in table.items()
              if isinstance(v, list) and v and all(isinstance(i, dict) for i in v)}
    for key, value in table.items():
        if key not in tables and key not in arrays:
            lines.append(f"{key} = {toml_value(value)}")
    for key, value in tables.items():
        lines += ["", f"[{'.'.join((*prefix, key))}]"]
        _emit_table(lines, value, (*prefix, key))
    for key, items in arrays.items():
        for item in items:
            lines += ["", f"[[{'.'.join((*prefix, key))}]]"]
            _emit_table(lines, item, (*prefix, key))


def toml_value(value: Any) -> str:
    """One scalar or array of scalars as TOML (floats round-trip exactly)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
