"""Sweep grids: which fields may be swept, the values they take, and every point validated.

Errors name where the grid came from (``--values`` or the scenario's ``[sweep]``
table, down to ``sweep.parameters.I.values.J``) and the value that broke a rule.
"""

from __future__ import annotations

import itertools
import math
import typing
from collections.abc import Sequence
from typing import Any

from sim.errors import NO_VALUE, ScenarioError, short_path, show_value
from sim.scenario.build import with_overrides
from sim.scenario.paths import fields_of, section_items, section_model, walk
from sim.scenario.schema import Scenario
from sim.scenario.toml_io import parse_value

#: Most grid points a sweep (or a scenario's [sweep] table) may have.
MAX_GRID_POINTS = 10_000

#: Fields a sweep may not vary, and why.
_NOT_SWEEPABLE = {"run.seed": "use --seed", "run.replications": "use --replications"}

#: Most values one --param may take.
MAX_VALUES = 1000

#: Floats up to this size are whole numbers exactly (a count beyond it is refused as such).
EXACT_INTEGERS = 2**53


def sweep_path_problem(dotted: str) -> str | None:
    """Why ``dotted`` cannot be swept (unknown, a section, the seed ...), or None if it can."""
    try:
        annotation = walk(dotted, "", NO_VALUE)
    except ScenarioError as exc:
        return exc.allowed
    if section_model(annotation) is not None or section_items(annotation) is not None:
        first = next(iter(fields_of(annotation)))
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
    paths = [path for path, _ in parameters]
    for i, (path, values) in enumerate(parameters):
        problem = sweep_path_problem(path)
        if problem is None and path in paths[:i]:
            problem = (f"the same field is swept twice (also sweep.parameters.{paths.index(path)}"
                       ".path)" if in_table else "the same field is swept twice")
        if problem is not None:
            raise ScenarioError(where, f"sweep.parameters.{i}.path" if in_table
                                else short_path(path), path if in_table else NO_VALUE, problem)
        if len(values) == 0:
            raise ScenarioError(where, short_path(path), NO_VALUE, "no values given")
        _check_values(values, path, i, where, in_table)
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

def _check_values(values: Sequence[Any], path: str, i: int, where: str, in_table: bool
                  ) -> None:
    """Refuse a non-finite number or a value listed twice among one field's values."""
    seen: list[tuple[bool, Any]] = []  # (is a boolean, value): true is not 1
    for j, value in enumerate(values):
        label = f"sweep.parameters.{i}.values.{j}" if in_table else short_path(path)
        if isinstance(value, float) and not math.isfinite(value):
            raise ScenarioError(where, label, value, "sweep values must be finite numbers")
        key = (isinstance(value, bool), value)
        if key in seen:
            raise ScenarioError(where, label, value, "listed twice; give each value once "
                                "(a repeated point only reruns the same replications)")
        seen.append(key)

def check_sweep_table(scenario: Scenario, where: str) -> None:
    """Refuse a [sweep] table whose fields or values (in any combination) are invalid."""
    parameters = [(p.path, p.values) for p in scenario.sweep.parameters]
    if parameters:
        sweep_grid(scenario, parameters, where, in_table=True)

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


def parse_values(text: str, path: str = "") -> list[Any]:
    """Parse ``--values``: ``a,b,c`` (TOML scalars) or ``start:stop:count`` (inclusive).

    A range whose ends are written as integers and whose values are all whole
    numbers gives integers (``6:12:7`` is 6, 7, ..., 12), so it suits integer fields.
    """
    text = text.strip()
    if text.count(":") == 2 and "," not in text:
        return _parse_range(text, path)
    values = [parse_value(part.strip()) for part in text.split(",") if part.strip()]
    for value in values:
        if isinstance(value, float) and not math.isfinite(value):
            raise ScenarioError("--values", path, value, "sweep values must be finite numbers")
    if not values:
        raise ScenarioError("--values", path, text, "give a comma-separated list or "
                            "START:STOP:COUNT")
    if len(values) > MAX_VALUES:
        raise ScenarioError("--values", path, f"{len(values)} values",
                            f"at most {MAX_VALUES} values per parameter")
    return values

def _parse_range(text: str, path: str) -> list[Any]:
    """``START:STOP:COUNT`` as COUNT evenly spaced values from START to STOP inclusive."""
    start, stop, count = (part.strip() for part in text.split(":"))
    try:
        n = int(count)
        lo, hi = float(start), float(stop)
    except ValueError:
        raise ScenarioError("--values", path, text, "expected START:STOP:COUNT with numbers, "
                            "e.g. 0:0.5:11") from None
    if not 1 <= n <= MAX_VALUES:
        raise ScenarioError("--values", path, text, f"COUNT must be 1..{MAX_VALUES}")
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ScenarioError("--values", path, text, "START and STOP must be finite numbers")
    if not math.isfinite(hi - lo):
        raise ScenarioError("--values", path, text, "START and STOP are too far apart to "
                            "space evenly (their difference overflows)")
    import numpy as np  # here, not at the top: loading a scenario needs no NumPy

    with np.errstate(all="raise"):
        try:
            values = [round(float(v), 12) for v in np.linspace(lo, hi, n)]
        except FloatingPointError:
            raise ScenarioError("--values", path, text, "the range cannot be spaced evenly "
                                "in floating point") from None
    if _is_integer(start) and _is_integer(stop) and all(v.is_integer() for v in values):
        return [int(v) for v in values]
    if _is_count(path):
        broken = next((v for v in values if not v.is_integer()), None)
        if broken is not None:
            unit_steps = abs(hi - lo) + 1  # START:STOP:COUNT in steps of one
            hint = (f", e.g. {lo:g}:{hi:g}:{unit_steps:.0f}" if lo.is_integer()
                    and hi.is_integer() and unit_steps <= MAX_VALUES else "")
            raise ScenarioError("--values", path, broken, f"is not a whole number ({text} "
                                f"gives it); {path} is a count, so choose START:STOP:COUNT "
                                f"with whole-number steps{hint}")
        return [int(v) if abs(v) <= EXACT_INTEGERS else v for v in values]
    return values

def _is_count(path: str) -> bool:
    """Whether the field at ``path`` holds a whole number (``fleet.tankers``)."""
    try:
        annotation = walk(path, "", NO_VALUE)
    except ScenarioError:  # an unknown path is refused, with its hint, where it is checked
        return False
    return annotation is int or (int in typing.get_args(annotation)
                                 and float not in typing.get_args(annotation))

def _is_integer(text: str) -> bool:
    """Whether ``text`` is written as an integer (e.g. ``6`` or ``-2``, not ``6.0``)."""
    return text.lstrip("+-").isdigit()
