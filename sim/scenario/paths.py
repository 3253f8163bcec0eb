"""The schema as a tree of dotted paths, and scenario data as nested tables.

Dotted paths (``aktau.weather.enabled``) name fields in ``--set``, ``--param``,
``[sweep]`` tables and error messages. This module walks the schema by path,
checks keys against it (with a "did you mean" hint), sets values by path, and
merges one layer of tables over another as ``extends`` and ``--set`` do.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel

from sim.errors import NO_VALUE, ScenarioError, short_path
from sim.scenario.schema import Scenario

#: Keys that say the same thing two ways: a layer that sets one drops the other from below.
ALTERNATIVES = {"probability": "rate_per_year", "rate_per_year": "probability"}

#: Keys earlier versions accepted, with what became of them.
REMOVED_KEYS = {
    "run.batch_interval_hours": "was removed: pipeline flows are now continuous and exact "
    "(rates change only at events, with no batch interval; see docs/model.md); delete it",
}


def known_paths(model: type[BaseModel] = Scenario, prefix: str = "") -> list[str]:
    """Every dotted field path of the schema (sections and leaves)."""
    paths = []
    for name, info in model.model_fields.items():
        dotted = f"{prefix}{name}"
        paths.append(dotted)
        sub = section_model(info.annotation)
        if sub is not None:
            paths.extend(known_paths(sub, dotted + "."))
    return paths

def section_model(annotation: Any) -> type[BaseModel] | None:
    """Return the model class if ``annotation`` is a section (a nested table), else None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None

def section_items(annotation: Any) -> type[BaseModel] | None:
    """Return the model class if ``annotation`` is ``tuple[Section, ...]`` (array of tables)."""
    args = getattr(annotation, "__args__", ())
    if getattr(annotation, "__origin__", None) is tuple and args:
        return section_model(args[0])
    return None

def keyed_model(annotation: Any) -> type[BaseModel] | None:
    """Return the entry class if ``annotation`` is ``dict[str, Section]`` (keyed by field path)."""
    args: tuple[Any, ...] = getattr(annotation, "__args__", ())
    if getattr(annotation, "__origin__", None) is dict and len(args) == 2:
        return section_model(args[1])
    return None

def fields_of(annotation: Any) -> dict[str, Any]:
    """Field names of a section or of the items of an array of tables."""
    model = section_model(annotation) or section_items(annotation)
    return dict(model.model_fields) if model is not None else {}

def walk(dotted: str, where: str, value: Any) -> Any:
    """Return the annotation of the field at ``dotted``; unknown paths raise ScenarioError."""
    model: type[BaseModel] = Scenario
    parts = dotted.split(".")
    annotation: Any = Scenario
    items: type[BaseModel] | None = None  # the item model after an array of tables
    for depth, part in enumerate(parts):
        so_far = ".".join(parts[: depth + 1])
        if items is not None:  # an array of tables: the next part is an item's index
            if not part.isdigit():
                raise ScenarioError(where, so_far, value, "an array of tables is indexed by "
                                    f"number, e.g. {'.'.join(parts[:depth])}.0")
            if depth == len(parts) - 1:
                return items
            model, annotation, items = items, items, None
            continue
        if part not in model.model_fields:
            raise ScenarioError(where, short_path(so_far), value,
                                _unknown_key_hint(part, model, so_far, dotted))
        annotation = model.model_fields[part].annotation
        if depth < len(parts) - 1:
            sub = section_model(annotation)
            if sub is None:
                items = section_items(annotation)
                if items is not None:  # e.g. events.2.date: one item of an array of tables
                    continue
                raise ScenarioError(where, so_far, value, "is a value, not a section; use "
                                    f"{so_far}=VALUE")
            model = sub
    return annotation

def set_path(data: dict[str, Any], dotted: str, value: Any, where: str) -> None:
    """Set ``data[dotted]`` (creating tables on the way) after checking the path.

    A table set on a section (``--set 'run={horizon_days=5}'``) merges into what is
    already there, as ``extends`` does: the section's other fields keep their values.
    """
    annotation = walk(dotted, where, value)
    sub = section_model(annotation)
    if sub is not None and not isinstance(value, dict):
        raise ScenarioError(where, dotted, value, "is a section; set one of its fields, "
                            f"e.g. {dotted}.{next(iter(sub.model_fields))}")
    *parents, last = dotted.split(".")
    node: Any = data
    for depth, part in enumerate(parents):
        if isinstance(node, list):  # an item of an array of tables, by index
            if int(part) >= len(node):
                raise ScenarioError(where, ".".join(parents[: depth + 1]), value,
                                    f"there are only {len(node)} entries")
            node = node[int(part)]
            continue
        child = node.setdefault(part, {})
        if isinstance(child, list | tuple):  # copied, so the caller's data stays as it was
            node[part] = [dict(item) for item in child]
            node = node[part]
            continue
        if not isinstance(child, dict):
            raise ScenarioError(where, ".".join(parents[: depth + 1]), child,
                                "must be a table (a [section]), not a value")
        node = child
    if sub is not None and isinstance(node.get(last), dict):
        merge(node[last], value)
        return
    node[last] = value
    node.pop(ALTERNATIVES.get(last, ""), None)

def check_keys(data: Any, model: type[BaseModel], prefix: str, sources: dict[str, str],
                default_where: str) -> None:
    """Refuse unknown keys, and values where a table belongs, at every level."""
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        where = where_for(dotted, sources, default_where)
        if key not in model.model_fields:
            raise ScenarioError(where, short_path(dotted),
                                value if not isinstance(value, dict) else NO_VALUE,
                                _unknown_key_hint(str(key), model, dotted))
        annotation = model.model_fields[key].annotation
        sub, items = section_model(annotation), section_items(annotation)
        keyed = keyed_model(annotation)
        if keyed is not None and isinstance(value, dict):
            for name, entry in value.items():
                if not isinstance(entry, dict):
                    raise ScenarioError(where, f'{dotted}."{short_path(str(name))}"', entry,
                                        "must be a table, e.g. { low = 1, high = 2, reason = "
                                        '"..." }' if dotted == "uncertainty" else
                                        'must be a table, e.g. { values = [1, 2], reason = '
                                        '"..." }')
                _check_entry_keys(entry, keyed, dotted, str(name), where)
        elif sub is not None:
            if not isinstance(value, dict):
                raise ScenarioError(where, dotted, value, f"is a section: write [{dotted}] "
                                    "and its fields on the lines below it")
            check_keys(value, sub, dotted + ".", sources, default_where)
        elif items is not None and isinstance(value, list | tuple):
            for i, item in enumerate(value):
                if not isinstance(item, dict):
                    raise ScenarioError(where, f"{dotted}.{i}", item, "must be a table: write "
                                        f"[[{dotted}]] and its fields below it")
                check_keys(item, items, f"{dotted}.{i}.", sources, default_where)

def _check_entry_keys(entry: dict[str, Any], model: type[BaseModel], table: str, name: str,
                      where: str) -> None:
    """Refuse an unknown key in an entry of a table keyed by field path."""
    for key, value in entry.items():
        if key not in model.model_fields:
            close = difflib.get_close_matches(str(key), list(model.model_fields), n=1,
                                              cutoff=0.5)
            hint = (f"unknown key; did you mean '{close[0]}'?" if close else
                    "unknown key; allowed here: " + ", ".join(model.model_fields))
            raise ScenarioError(where, f'{table}."{short_path(name)}".{short_path(str(key))}',
                                value if not isinstance(value, dict) else NO_VALUE, hint)

def _unknown_key_hint(key: str, model: type[BaseModel], dotted: str, given: str = "") -> str:
    """'unknown key' with the closest known key, or the keys allowed at that level.

    ``given`` is the whole path as written (``dotted`` is the part up to the unknown
    key). Paths of which it is the tail come first: ``disruption.probability`` is
    ``russian_route.disruption.probability`` or ``btc.disruption.probability``.
    """
    if dotted in REMOVED_KEYS:
        return REMOVED_KEYS[dotted]
    tails = paths_ending_with(given or dotted)
    if tails:
        return "unknown key; did you mean " + " or ".join(f"'{p}'" for p in tails) + "?"
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

def paths_ending_with(tail: str, most: int = 4) -> list[str]:
    """Known field paths that end with the dotted ``tail`` (at most ``most`` of them)."""
    return [p for p in known_paths() if p.endswith("." + tail)][:most]

def flatten_keyed_tables(data: dict[str, Any], where: str) -> None:
    """Key the entries of tables keyed by field path (``[uncertainty]``) by their dotted path.

    ``"aktau.storage_t" = {...}`` (a quoted key), ``aktau.storage_t = {...}`` and
    ``[uncertainty.aktau.storage_t]`` all name the same entry; written two ways in
    one file, it is refused as given twice.
    """
    for name, info in Scenario.model_fields.items():
        entry = keyed_model(info.annotation)
        table = data.get(name)
        if entry is not None and isinstance(table, dict):
            flat: dict[str, Any] = {}
            _flatten(table, "", set(entry.model_fields), flat, name, where)
            data[name] = flat

def _flatten(table: dict[str, Any], prefix: str, entry_keys: set[str], flat: dict[str, Any],
             name: str, where: str) -> None:
    """Collect the entries below ``table``: a table with no entry key is a level of a path."""
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and value and not entry_keys & set(value):
            _flatten(value, dotted + ".", entry_keys, flat, name, where)
            continue
        if dotted in flat:
            raise ScenarioError(where, f'{name}."{short_path(dotted)}"', NO_VALUE,
                                "given twice (as a quoted path and as nested tables); give "
                                "it once")
        flat[dotted] = value

def merge(base: dict[str, Any], override: dict[str, Any]) -> None:
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
            merge(base[key], value)
        else:
            base[key] = value

def leaf_paths(data: dict[str, Any], prefix: str = "") -> list[str]:
    """Dotted paths of every non-table value in ``data``."""
    out = []
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        out.extend(leaf_paths(value, dotted + ".") if isinstance(value, dict) else [dotted])
    return out

def where_for(dotted: str, sources: dict[str, str], default_where: str) -> str:
    """Return the file or option that set ``dotted`` (or a value below it), else the default."""
    if dotted in sources:
        return sources[dotted]
    matches = [src for path, src in sources.items() if path.startswith(dotted + ".")]
    if matches:
        return matches[-1]
    parents = [src for path, src in sources.items() if dotted.startswith(path + ".")]
    return parents[-1] if parents else default_where
