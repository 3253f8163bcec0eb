"""Read scenario files: TOML, ``extends`` inheritance, ``--set`` overrides, clear errors.

A scenario file is data: it is parsed with :mod:`tomllib`, merged over the file
it ``extends`` (resolved relative to the file and kept inside the scenario's
directory tree), overridden by ``--set PATH=VALUE`` and validated by
:class:`sim.scenario.Scenario`. Every failure raises :class:`ScenarioError`
naming the file, the dotted path, the value and what is allowed.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.errors import NO_VALUE, ScenarioError
from sim.scenario import Scenario

MAX_FILE_BYTES = 1_000_000
MAX_EXTENDS_DEPTH = 16
#: Keys that say the same thing two ways: a layer that sets one drops the other from below.
ALTERNATIVES = {"probability": "rate_per_year", "rate_per_year": "probability"}


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario, the file it came from and the overrides applied."""

    scenario: Scenario
    path: Path | None
    overrides: tuple[str, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)


def load_scenario(path: str | Path, overrides: list[str] | tuple[str, ...] = (),
                  allow_outside_tree: bool = False) -> LoadedScenario:
    """Load, merge, override and validate a scenario file."""
    top = Path(path)
    root = top.resolve().parent
    data, sources = _read_with_extends(top, root, allow_outside_tree, chain=())
    for item in overrides:
        dotted, value = parse_override(item)
        _set_path(data, dotted, value, where="--set")
        sources[dotted] = "--set"
    return LoadedScenario(validate(data, sources, default_where=str(top)), top,
                          tuple(overrides), sources)


def scenario_from_dict(data: dict[str, Any], where: str = "<dict>") -> Scenario:
    """Validate a plain mapping (e.g. built in a notebook) as a scenario."""
    return validate(data, {}, default_where=where)


def with_overrides(scenario: Scenario, overrides: dict[str, Any], where: str = "--param"
                   ) -> Scenario:
    """A copy of ``scenario`` with fields replaced by dotted path, validated again."""
    data = _drop_none(scenario.model_dump())
    for dotted, value in overrides.items():
        _set_path(data, dotted, value, where=where)
    return validate(data, {}, default_where=where)


def parse_override(item: str) -> tuple[str, Any]:
    """Split ``PATH=VALUE`` and parse VALUE as a TOML value (bare words stay strings)."""
    if "=" not in item:
        raise ScenarioError("--set", item, NO_VALUE, "expected PATH=VALUE, e.g. "
                            "fleet.tankers=8")
    dotted, raw = (part.strip() for part in item.split("=", 1))
    if not dotted or any(not part for part in dotted.split(".")):
        raise ScenarioError("--set", dotted, raw, "the path must be dotted field names, e.g. "
                            "aktau.berths")
    return dotted, parse_value(raw)


def parse_value(raw: str) -> Any:
    """Parse a command-line value as TOML (numbers, booleans, arrays); else a string."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def known_paths(model: type[BaseModel] = Scenario, prefix: str = "") -> list[str]:
    """Every dotted field path of the schema (sections and leaves)."""
    paths = []
    for name, info in model.model_fields.items():
        dotted = f"{prefix}{name}"
        paths.append(dotted)
        sub = info.annotation
        if isinstance(sub, type) and issubclass(sub, BaseModel):
            paths.extend(known_paths(sub, dotted + "."))
    return paths


def validate(data: dict[str, Any], sources: dict[str, str], default_where: str) -> Scenario:
    """Check keys against the schema, then validate values; raise ScenarioError on failure."""
    _check_keys(data, Scenario, "", sources, default_where)
    complete = _defaults()
    _merge(complete, data)
    try:
        return Scenario.model_validate(complete)
    except ValidationError as exc:
        raise _first_error(exc, data, sources, default_where) from None


def _defaults() -> dict[str, Any]:
    """The default scenario as nested dicts, without unset alternatives (None values)."""
    return _drop_none(Scenario().model_dump())


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: _drop_none(v) if isinstance(v, dict) else v for k, v in d.items()
            if v is not None}


# --- reading files -----------------------------------------------------------------------


def _read_with_extends(path: Path, root: Path, allow_outside_tree: bool,
                       chain: tuple[Path, ...]) -> tuple[dict[str, Any], dict[str, str]]:
    data = _read_toml(path)
    parent_ref = data.pop("extends", None)
    if parent_ref is None:
        return data, {p: str(path) for p in _leaf_paths(data)}
    if not isinstance(parent_ref, str) or not parent_ref:
        raise ScenarioError(str(path), "extends", parent_ref, "must be a file name (string) "
                            "relative to this file")
    parent = (path.parent / parent_ref).resolve()
    if not allow_outside_tree and not parent.is_relative_to(root):
        raise ScenarioError(str(path), "extends", parent_ref, "must stay inside the scenario's "
                            f"directory ({root.name}/); pass --allow-outside-extends to permit")
    resolved_chain = (*chain, path.resolve())
    if parent in resolved_chain:
        cycle = " -> ".join(p.name for p in (*resolved_chain, parent))
        raise ScenarioError(str(path), "extends", parent_ref, f"circular extends ({cycle})")
    if len(resolved_chain) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(str(path), "extends", parent_ref,
                            f"extends chains may be at most {MAX_EXTENDS_DEPTH} files deep")
    if not parent.is_file():
        raise ScenarioError(str(path), "extends", parent_ref, "no such scenario file")
    base, sources = _read_with_extends(parent, root, allow_outside_tree, resolved_chain)
    _merge(base, data)
    sources.update({p: str(path) for p in _leaf_paths(data)})
    return base, sources


def _read_toml(path: Path) -> dict[str, Any]:
    where = str(path)
    if not path.is_file():
        raise ScenarioError(where, "", NO_VALUE, "no such scenario file")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(where, "", NO_VALUE, f"file is {size:,} bytes; scenario files "
                                f"may be at most {MAX_FILE_BYTES:,} bytes")
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(where, "", NO_VALUE, f"cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(where, "", NO_VALUE, f"is not UTF-8 text (byte {exc.start}); save "
                            "it as UTF-8 TOML") from None
    if "\x00" in text:
        raise ScenarioError(where, "", NO_VALUE, "is a binary file, not TOML text")
    if not text.strip():
        raise ScenarioError(where, "", NO_VALUE, "is empty; a scenario needs at least "
                            "a name or an extends line")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(where, "", NO_VALUE, f"is not valid TOML: {exc}") from None


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
    out = []
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        out.extend(_leaf_paths(value, dotted + ".") if isinstance(value, dict) else [dotted])
    return out


def _set_path(data: dict[str, Any], dotted: str, value: Any, where: str) -> None:
    parts = dotted.split(".")
    model: type[BaseModel] = Scenario
    node = data
    for depth, part in enumerate(parts):
        path_so_far = ".".join(parts[: depth + 1])
        if part not in model.model_fields:
            raise ScenarioError(where, path_so_far, value, _unknown_key_hint(part, model,
                                                                              path_so_far))
        annotation = model.model_fields[part].annotation
        is_section = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        if depth == len(parts) - 1:
            if is_section and not isinstance(value, dict):
                raise ScenarioError(where, dotted, value, "is a section; set one of its fields, "
                                    f"e.g. {dotted}.{next(iter(annotation.model_fields))}")
            node[part] = value
            node.pop(ALTERNATIVES.get(part, ""), None)
            return
        if not is_section:
            raise ScenarioError(where, path_so_far, value, "is a value, not a section; "
                                f"use --set {path_so_far}=VALUE")
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ScenarioError(where, path_so_far, child, "must be a table")
        node, model = child, annotation


# --- errors ------------------------------------------------------------------------------


def _check_keys(data: Any, model: type[BaseModel], prefix: str, sources: dict[str, str],
                default_where: str) -> None:
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if key not in model.model_fields:
            where = _where_for(dotted, sources, default_where)
            raise ScenarioError(where, dotted, value if not isinstance(value, dict) else NO_VALUE,
                                _unknown_key_hint(key, model, dotted))
        annotation = model.model_fields[key].annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            _check_keys(value, annotation, dotted + ".", sources, default_where)


def _unknown_key_hint(key: str, model: type[BaseModel], dotted: str) -> str:
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


def _first_error(exc: ValidationError, data: dict[str, Any], sources: dict[str, str],
                 default_where: str) -> ScenarioError:
    err = exc.errors(include_url=False)[0]
    loc = [str(p) for p in err["loc"]]
    # Index into tuples shows as e.g. closure_days_per_month.3; keep it readable.
    dotted = ".".join(loc)
    message = err["msg"].removeprefix("Value error, ")
    value = err.get("input", NO_VALUE)
    if err["type"] in {"model_type", "value_error"} and isinstance(value, dict):
        value = NO_VALUE
    where = _where_for(dotted, sources, default_where)
    return ScenarioError(where, dotted or "(top level)", value, message)


def _where_for(dotted: str, sources: dict[str, str], default_where: str) -> str:
    if dotted in sources:
        return sources[dotted]
    matches = [src for path, src in sources.items() if path.startswith(dotted + ".")]
    return matches[-1] if matches else default_where
