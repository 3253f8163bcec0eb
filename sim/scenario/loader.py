"""Read scenario files: TOML, ``extends`` inheritance and ``--set`` overrides.

A scenario file is merged over the file it ``extends`` (resolved relative to the
file and kept inside the scenario's directory tree unless explicitly allowed),
overridden by ``--set PATH=VALUE`` and validated by
:class:`~sim.scenario.schema.Scenario`. Every failure raises
:class:`~sim.errors.ScenarioError` naming the file, the dotted path, the value
and what is allowed.

What a layer (a file, or ``--set``) sets itself wins over what it inherits:

- a ``[sweep]`` parameter inherited from a file below varies its field over that
  file's values; a layer above that sets the field itself (``cpc_crisis.toml``'s
  ``russian_route.disruption.probability = 0.35``) keeps its value and the inherited
  parameter is dropped, with a warning in :attr:`LoadedScenario.warnings` (the
  ``sweep`` command prints it). A layer that writes its own ``[[sweep.parameters]]``
  replaces the inherited ones and may sweep its own fields.
- ``[uncertainty]`` and ``[levers]`` entries are inherited as they are: they vary a
  field around the scenario's own value, which stays the reference ("the scenario
  as it is") of ``sensitivity`` and ``explore``, so nothing a child sets is
  replaced unseen; a child changes an entry by writing its own.
- ``name`` is the file's stem (``cpc_crisis``) unless the file itself sets one,
  never the name of the file it extends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import NO_VALUE, ScenarioError, short_path
from sim.scenario.build import validate
from sim.scenario.grid import check_sweep_table
from sim.scenario.inputs import check_ranges
from sim.scenario.paths import (
    ALTERNATIVES,
    check_keys,
    flatten_keyed_tables,
    leaf_paths,
    merge,
    set_path,
    where_for,
)
from sim.scenario.schema import Scenario
from sim.scenario.toml_io import file_problem, parse_value, read_toml

MAX_EXTENDS_DEPTH = 16
#: Longest scenario name (the schema's limit), for a name taken from a file's stem.
MAX_NAME_CHARACTERS = 200


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario, the file it came from and the overrides applied."""

    scenario: Scenario
    path: Path | None
    overrides: tuple[str, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)
    #: What loading changed that a user should hear of (inherited sweep parameters dropped).
    warnings: tuple[str, ...] = ()

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
    warnings: list[str] = []
    data, sources = _read_with_extends(top, root, allow_outside_tree, (), warnings)
    if sources.get("name") != str(top):  # not set by this file: not its parent's name
        data["name"] = top.stem[:MAX_NAME_CHARACTERS] or "unnamed"
    labelled = [*(("--set", item) for item in overrides), *options]
    for where, item in labelled:
        dotted, value = parse_override(item, where)
        set_path(data, dotted, value, where=where)
        layer = [f"{dotted}.{p}" for p in leaf_paths(value)] if isinstance(value, dict) \
            else [dotted]
        warnings += _drop_swept_fields(data, sources, layer, f"{where} {item}")
        sources[dotted] = where
    scenario = validate(data, sources, default_where=str(top))
    check_sweep_table(scenario, where_for("sweep.parameters", sources, str(top)))
    check_ranges(scenario, str(top), sources)
    return LoadedScenario(scenario, top, tuple(item for _, item in labelled), sources,
                          tuple(warnings))

def parse_override(item: str, where: str = "--set") -> tuple[str, Any]:
    """Split ``PATH=VALUE`` and parse VALUE as a TOML value (bare words stay strings)."""
    if "=" not in item:
        raise ScenarioError(where, short_path(item), NO_VALUE, "expected PATH=VALUE, e.g. "
                            "fleet.tankers=8")
    dotted, raw = (part.strip() for part in item.split("=", 1))
    if not dotted or any(not part.strip() for part in dotted.split(".")):
        raise ScenarioError(where, short_path(dotted) or "(no path)", raw,
                            "the path must be dotted field names, e.g. aktau.berths")
    return dotted, parse_value(raw)

def _read_with_extends(path: Path, root: Path, allow_outside_tree: bool,
                       chain: tuple[Path, ...], warnings: list[str]
                       ) -> tuple[dict[str, Any], dict[str, str]]:
    """Read ``path`` and, first, the files it extends; return merged data and value sources.

    What loading drops on the way (inherited sweep parameters) is added to ``warnings``.
    """
    where = str(path)
    data = read_toml(path)
    parent_ref = data.pop("extends", None)
    flatten_keyed_tables(data, where)
    check_keys(data, Scenario, "", {}, where)
    if parent_ref is None:
        return data, {p: where for p in leaf_paths(data)}
    parent = _parent_file(path, parent_ref, root, allow_outside_tree)
    resolved_chain = (*chain, _resolved(path, where, ""))
    if parent in resolved_chain:
        cycle = " -> ".join(p.name for p in (*resolved_chain, parent))
        raise ScenarioError(where, "extends", parent_ref, f"circular extends ({cycle})")
    if len(resolved_chain) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(where, "extends", parent_ref,
                            f"extends chains may be at most {MAX_EXTENDS_DEPTH} files deep")
    base, sources = _read_with_extends(parent, root, allow_outside_tree, resolved_chain,
                                       warnings)
    _switch_roles(base, data)
    layer = leaf_paths(data)
    if "sweep.parameters" not in layer:
        warnings += _drop_swept_fields(base, sources, layer, where)
    merge(base, data)
    sources.update({p: where for p in leaf_paths(data)})
    return base, sources

def _drop_swept_fields(data: dict[str, Any], sources: dict[str, str], layer: list[str],
                       where: str) -> list[str]:
    """Drop the inherited ``[sweep]`` parameters whose field ``layer`` sets; say so.

    ``layer`` holds the dotted paths a file (or ``--set``) sets itself; a field given
    the other way (``rate_per_year`` for a swept ``probability``) counts as set.
    """
    sweep = data.get("sweep")
    owner = sources.get("sweep.parameters")
    if not isinstance(sweep, dict) or owner is None or owner == where:
        return []
    parameters = sweep.get("parameters")
    if not isinstance(parameters, list):
        return []
    kept, warnings = [], []
    for parameter in parameters:
        path = parameter.get("path") if isinstance(parameter, dict) else None
        if isinstance(path, str) and _set_by(path, layer):
            warnings.append(f"{where} sets {path} itself, so the [sweep] parameter over it "
                            f"from {Path(owner).name} is dropped (the value set stands; "
                            f"sweep it with --param {path})")
        else:
            kept.append(parameter)
    sweep["parameters"] = kept
    return warnings

def _set_by(path: str, layer: list[str]) -> bool:
    """Whether a layer setting the dotted paths ``layer`` sets the field ``path``."""
    section, _, key = path.rpartition(".")
    alternative = f"{section}.{ALTERNATIVES[key]}" if key in ALTERNATIVES else None
    return path in layer or (alternative is not None and alternative in layer)

def _switch_roles(base: dict[str, Any], layer: dict[str, Any]) -> None:
    """A layer that makes a field a lever drops its inherited range, and the other way round."""
    for mine, other in (("levers", "uncertainty"), ("uncertainty", "levers")):
        below = base.get(other)
        if isinstance(layer.get(mine), dict) and isinstance(below, dict):
            for path in layer[mine]:
                below.pop(path, None)

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
    problem = file_problem(parent)
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
