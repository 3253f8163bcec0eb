"""A scenario's uncertain inputs and levers, resolved against its fields and checked.

An ``[uncertainty]`` entry becomes an :class:`UncertainInput`: the field it
varies, its ends, its distribution as a quantile function on [0, 1] (so one
unit-cube sample serves Latin hypercube, Morris and Sobol designs), and the
field value each sampled value stands for (a factor times the scenario's value
when the range is relative). A ``[levers]`` entry becomes a :class:`LeverField`.

Checks are as strict as the rest of the schema: the path must name a field that
can carry a range (a number; a list of numbers only as a relative range), integer
fields take whole-number ends, a field is either uncertain or a lever, and every
end, choice and mode is checked by validating the scenario with it applied. Each
failure is one :class:`~sim.errors.ScenarioError` naming the file, the entry
(``uncertainty."aktau.storage_t".high``), the value and what is allowed.
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from sim.errors import NO_VALUE, ScenarioError, show_value
from sim.scenario.build import with_overrides
from sim.scenario.paths import section_items, section_model, walk, where_for
from sim.scenario.ranges import Lever, Uncertainty
from sim.scenario.schema import Scenario

#: Top-level parts of a scenario that describe how it is run or studied, not the chain.
_NOT_THE_CHAIN = {"name": "is a label", "description": "is a label",
                  "run": "run settings (horizon, warm-up, replications, seed) are not uncertain",
                  "sweep": "the [sweep] settings are not part of the chain",
                  "uncertainty": "is not a field of the chain", "levers": "is not a field of "
                  "the chain"}


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain field: its range, its distribution and the scenario's own value."""

    path: str
    spec: Uncertainty
    nominal: Any  # the scenario's value of the field (None: not set, e.g. rate vs probability)
    integer: bool
    where: str = "scenario"  # the file (or option) that set the range

    @property
    def column(self) -> str:
        """Name of the input in tables: the path, or ``PATH (factor)`` for a relative range."""
        return f"{self.path} (factor)" if self.spec.relative else self.path

    @property
    def distribution(self) -> str:
        """The distribution, defaults resolved (``choices`` for counts, else ``uniform``)."""
        if self.spec.distribution is not None:
            return self.spec.distribution
        return "choices" if self.integer or self.spec.choices is not None else "uniform"

    @property
    def choices(self) -> tuple[int | float, ...]:
        """The values of a choices range (every whole number from low to high for counts)."""
        if self.spec.choices is not None:
            return tuple(self._typed(v) for v in self.spec.choices)
        return tuple(range(int(self.spec.low), int(self.spec.high) + 1))

    @property
    def ends(self) -> tuple[int | float, int | float]:
        """The low and high ends, as values of the input."""
        return self._typed(self.spec.low), self._typed(self.spec.high)

    def mode(self) -> float:
        """Peak of a triangular range: as given, else the scenario's value (factor 1)."""
        if self.spec.mode is not None:
            return float(self.spec.mode)
        if self.spec.relative:
            return 1.0
        low, high = self.ends
        if self.nominal is None or not low <= self.nominal <= high:
            raise ScenarioError(self.where, f'uncertainty."{self.path}".mode', NO_VALUE,
                                f"the mode defaults to the scenario's value "
                                f"({show_value(self.nominal)}), which is outside [{low}, "
                                f"{high}]: give mode = ... or widen the range")
        return float(self.nominal)

    def at(self, u: float) -> int | float:
        """The input's value at quantile ``u`` of its distribution (0 <= u <= 1)."""
        u = min(max(float(u), 0.0), 1.0)
        low, high = (float(v) for v in self.ends)
        if self.distribution == "choices":
            values = self.choices
            return values[min(int(u * len(values)), len(values) - 1)]
        if self.distribution == "triangular":
            mode = self.mode()
            split = (mode - low) / (high - low)
            if u < split:
                return low + math.sqrt(u * (high - low) * (mode - low))
            return high - math.sqrt((1.0 - u) * (high - low) * (high - mode))
        return low + u * (high - low)

    def field_value(self, value: int | float) -> Any:
        """The value of the field that the input's ``value`` stands for."""
        if not self.spec.relative:
            return self._typed(value)
        if isinstance(self.nominal, tuple):
            return tuple(float(v) * float(value) for v in self.nominal)
        return float(self.nominal) * float(value)

    def _typed(self, value: int | float) -> int | float:
        return int(value) if self.integer else float(value)


@dataclass(frozen=True)
class LeverField:
    """One lever: the field a planner decides, its settings and the scenario's own value."""

    path: str
    spec: Lever
    nominal: Any
    values: tuple[Any, ...]  # the settings as values of the field (floats for float fields)


def uncertain_inputs(scenario: Scenario, where: str = "scenario",
                     sources: Mapping[str, str] | None = None, apply_ends: bool = True
                     ) -> list[UncertainInput]:
    """Every ``[uncertainty]`` entry of ``scenario``, resolved and checked.

    Every end is applied to the scenario and validated. An end outside what its own
    field allows is always refused; with ``apply_ends`` (a study about to use the
    ranges) so is an end that breaks a rule across fields (e.g. tankage below a
    cargo), which a ``--set`` elsewhere can cause without the run using the ranges.
    """
    sources = sources or {}
    inputs = []
    chain = chain_only(scenario)
    for path, spec in scenario.uncertainty.items():
        here = where_for(f"uncertainty.{path}", dict(sources), where)
        kind = _field_kind(path, "uncertainty", here)
        label = f'uncertainty."{path}"'
        if kind not in ("float", "int", "floats"):
            raise ScenarioError(here, label, NO_VALUE, f"{path} is a {kind} field; a range "
                                "needs a number")
        item = UncertainInput(path, spec, value_at(scenario, path), kind == "int", here)
        _check_uncertainty(chain, item, kind, here, label, apply_ends)
        inputs.append(item)
    return inputs


def levers_of(scenario: Scenario, where: str = "scenario",
              sources: Mapping[str, str] | None = None, apply_ends: bool = True
              ) -> list[LeverField]:
    """Every ``[levers]`` entry of ``scenario``, resolved and checked.

    ``apply_ends`` as for :func:`uncertain_inputs`.
    """
    sources = sources or {}
    levers = []
    chain = chain_only(scenario)
    for path, spec in scenario.levers.items():
        here = where_for(f"levers.{path}", dict(sources), where)
        label = f'levers."{path}"'
        kind = _field_kind(path, "levers", here)
        if kind not in ("float", "int", "bool", "str"):
            raise ScenarioError(here, label, NO_VALUE, f"{path} is a {kind} field; a lever "
                                "takes one value at a time (a number, true/false or a name)")
        if path in scenario.uncertainty:
            raise ScenarioError(here, label, NO_VALUE, "is also in [uncertainty]: a field is "
                                "either decided (a lever) or uncertain, not both")
        values = tuple(float(v) if kind == "float" and isinstance(v, int)
                       and not isinstance(v, bool) else v for v in spec.values)
        for i, value in enumerate(values):
            _applies(chain, path, value, here, f"{label}.values.{i}", value, apply_ends)
        levers.append(LeverField(path, spec, value_at(scenario, path), values))
    return levers


def check_ranges(scenario: Scenario, where: str, sources: Mapping[str, str] | None = None
                 ) -> None:
    """Refuse a scenario whose [uncertainty] or [levers] tables are malformed.

    Whether every end suits the scenario is checked when a study uses them: a
    ``--set`` that makes one end invalid must not stop a plain run.
    """
    uncertain_inputs(scenario, where, sources, apply_ends=False)
    levers_of(scenario, where, sources, apply_ends=False)


def chain_only(scenario: Scenario) -> Scenario:
    """``scenario`` without its [uncertainty] and [levers] tables (quicker to validate again)."""
    return scenario.model_copy(update={"uncertainty": {}, "levers": {}})


def value_at(scenario: Scenario, path: str) -> Any:
    """The value of a dotted field of a scenario."""
    node: Any = scenario
    for part in path.split("."):
        node = getattr(node, part)
    return node


def _check_uncertainty(scenario: Scenario, item: UncertainInput, kind: str, where: str,
                       label: str, apply_ends: bool) -> None:
    """Whole-number ends for counts, relative ranges where needed, every end applied."""
    spec = item.spec
    if kind == "int":
        if spec.relative:
            raise ScenarioError(where, f"{label}.relative", True, f"{item.path} is a count; "
                                "give whole-number low and high instead of factors")
        for name in ("low", "high"):
            value = getattr(spec, name)
            if not isinstance(value, int):
                raise ScenarioError(where, f"{label}.{name}", value, f"{item.path} is a count "
                                    "(an integer field): give a whole number")
        if spec.choices is not None and not all(isinstance(v, int) for v in spec.choices):
            raise ScenarioError(where, f"{label}.choices", spec.choices, f"{item.path} is a "
                                "count (an integer field): give whole numbers")
        if item.distribution != "choices":
            raise ScenarioError(where, f"{label}.distribution", item.distribution,
                                f'{item.path} is a count: use distribution = "choices"')
    if kind == "floats" and not spec.relative:
        raise ScenarioError(where, label, NO_VALUE, f"{item.path} is a list of numbers: give "
                            "the range as factors of the scenario's values (relative = true)")
    if spec.relative and item.nominal is None:
        raise ScenarioError(where, f"{label}.relative", True, f"the scenario sets no "
                            f"{item.path} to scale; give low and high as values")
    if item.distribution == "choices" and kind != "int" and spec.choices is None:
        raise ScenarioError(where, f"{label}.choices", NO_VALUE, 'distribution = "choices" '
                            "of a non-integer field needs choices = [...]")
    tried: list[tuple[str, int | float]] = [("low", spec.low), ("high", spec.high)]
    if spec.mode is not None:
        tried.append(("mode", spec.mode))
    if spec.choices is not None:
        tried += [(f"choices.{i}", v) for i, v in enumerate(spec.choices)]
    for name, value in tried:
        _applies(scenario, item.path, item.field_value(value), where, f"{label}.{name}", value,
                 apply_ends)


def _applies(scenario: Scenario, path: str, field_value: Any, where: str, label: str,
             shown: Any, across_fields: bool = True) -> None:
    """Validate ``scenario`` with ``path`` set to ``field_value``; blame ``label`` if it fails.

    Without ``across_fields`` only a problem with the field itself is refused.
    """
    if not across_fields:
        _field_accepts(scenario, path, field_value, where, label, shown)
        return
    try:
        with_overrides(scenario, {path: field_value}, where)
    except ScenarioError as exc:
        if exc.path == path:
            raise ScenarioError(where, label, shown, exc.allowed) from None
        value = "" if exc.value is NO_VALUE else f" = {show_value(exc.value)}"
        raise ScenarioError(where, label, shown, f"gives {exc.path}{value}: {exc.allowed}"
                            ) from None


def _field_accepts(scenario: Scenario, path: str, field_value: Any, where: str, label: str,
                   shown: Any) -> None:
    """Refuse ``field_value`` if the section holding ``path`` does not accept it on its own."""
    *parents, name = path.split(".")
    section: Any = scenario
    for part in parents:
        section = getattr(section, part)
    try:
        type(section).model_validate({**section.model_dump(), name: field_value})
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ScenarioError(where, label, shown, str(first["msg"]).removeprefix("Value error, ")
                            ) from None


def _field_kind(path: str, table: str, where: str) -> str:
    """``float``, ``int``, ``bool``, ``str``, ``floats`` (a list of numbers) or ``section``."""
    label = f'{table}."{path}"'
    top = path.split(".", 1)[0]
    if top in _NOT_THE_CHAIN:
        raise ScenarioError(where, label, NO_VALUE, f"{top} {_NOT_THE_CHAIN[top]}"
                            if top in ("name", "description") else _NOT_THE_CHAIN[top])
    try:
        annotation = walk(path, where, NO_VALUE)
    except ScenarioError as exc:
        raise ScenarioError(where, label, NO_VALUE, exc.allowed) from None
    if section_model(annotation) is not None or section_items(annotation) is not None:
        return "section"
    plain = _without_none(annotation)
    if typing.get_origin(plain) is tuple:
        return "floats"
    return {bool: "bool", int: "int", float: "float", str: "str"}.get(plain, str(plain))


def _without_none(annotation: Any) -> Any:
    """``X`` for ``X | None``; anything else unchanged."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation
