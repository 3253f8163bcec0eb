"""Turn scenario data (nested tables) into a validated :class:`~sim.scenario.schema.Scenario`.

Keys are checked against the schema first (unknown keys name the closest known
one), then values are validated in strict mode (no ``"6"`` for 6, no ``1`` for
``true``). The first failure becomes a :class:`~sim.errors.ScenarioError` naming
the file or option that set the value, its dotted path, the value and the rule.
A scenario that passes is then checked by consequence
(:mod:`sim.scenario.consequences`): what the model would compute from it must
be finite, and its expected events per simulated day within the budget.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from sim.errors import NO_VALUE, FieldRuleError, ScenarioError
from sim.scenario.consequences import check_consequences
from sim.scenario.paths import check_keys, keyed_model, merge, set_path, where_for
from sim.scenario.schema import Scenario
from sim.scenario.toml_io import check_nesting, drop_none


def validate(data: dict[str, Any], sources: dict[str, str], default_where: str) -> Scenario:
    """Check keys against the schema, then validate values; raise ScenarioError on failure."""
    check_nesting(data, default_where)
    check_keys(data, Scenario, "", sources, default_where)
    complete = _defaults()
    merge(complete, data)
    return _model(complete, sources, default_where)

def scenario_from_dict(data: dict[str, Any], where: str = "<dict>") -> Scenario:
    """Validate a plain mapping (e.g. built in a notebook) as a scenario."""
    return validate(data, {}, default_where=where)

def with_overrides(scenario: Scenario, overrides: Mapping[str, Any], where: str = "--param"
                   ) -> Scenario:
    """Return a copy of ``scenario`` with fields replaced by dotted path, validated again.

    The scenario's own data is complete, so only the overrides are checked against the
    schema before the whole is validated (a fraction of a millisecond).
    """
    data = drop_none(scenario.model_dump())
    sources = {}
    for dotted, value in overrides.items():
        set_path(data, dotted, _plain(value), where=where)
        sources[dotted] = where
    if any(isinstance(value, dict) for value in overrides.values()):  # tables: check keys
        check_keys(data, Scenario, "", sources, where)
    return _model(data, sources, where)

def _model(data: dict[str, Any], sources: dict[str, str], where: str) -> Scenario:
    """Validate complete scenario data strictly, then by its consequences.

    Consequences: :mod:`sim.scenario.consequences`. The first problem is a ScenarioError.
    """
    try:
        scenario = Scenario.model_validate(_frozen(data), strict=True)
    except ValidationError as exc:
        raise _first_error(exc, sources, where) from None
    _check_shorthand_not_overridden(scenario, sources)
    try:
        check_consequences(scenario)
    except FieldRuleError as rule:
        raise ScenarioError(where_for(rule.path, sources, where), rule.path,
                            NO_VALUE if rule.value is None else rule.value, rule.rule) from None
    return scenario

#: One-class fleet fields that tanker classes set (sim.scenario.fleet).
FLEET_SHORTHAND = ("fleet.tankers", "fleet.cargo_t", "fleet.speed_knots")


def _check_shorthand_not_overridden(scenario: Scenario, sources: dict[str, str]) -> None:
    """With tanker classes, an override may not set a one-class field: it would do nothing.

    Values written in scenario files (inherited through ``extends``) are replaced by the
    classes' totals, as documented; an option, sweep, headline level or range is refused.
    """
    if not scenario.fleet.classes:
        return
    for path in FLEET_SHORTHAND:
        where = sources.get(path, "")
        if where and not where.endswith(".toml"):
            raise ScenarioError(where, path, NO_VALUE, "this scenario has fleet.classes, which "
                                "set the fleet's size, cargo and speed: change a class, e.g. "
                                "fleet.classes.0.tankers, or add a dated fleet.tankers event")


def _defaults() -> dict[str, Any]:
    """Return the default scenario as nested dicts, without unset alternatives (None values)."""
    return drop_none(Scenario().model_dump())

def _frozen(value: Any) -> Any:
    """Turn lists into tuples, recursively, so that strict validation accepts TOML arrays."""
    if isinstance(value, dict):
        return {k: _frozen(v) if isinstance(v, _NESTED) else v for k, v in value.items()}
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) if isinstance(v, _NESTED) else v for v in value)
    return value

_NESTED = (dict, list, tuple)

def _plain(value: Any) -> Any:
    """Return a NumPy scalar as the Python number it holds; other values unchanged."""
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":
        return item()
    return value

#: Tags pydantic appends to the location of an error in one member of a union.
_UNION_MEMBERS = frozenset({"bool", "int", "float", "str"})


def _first_error(exc: ValidationError, sources: dict[str, str], default_where: str
                 ) -> ScenarioError:
    """Turn the first pydantic error into a ScenarioError (file, dotted path, value, rule).

    A value that fits no member of a union (a sweep value) is reported by the member
    of its own type: NaN is "not a finite number", not "not a valid boolean".
    """
    errors = exc.errors(include_url=False)
    err: dict[str, Any] = dict(errors[0])
    if err["loc"] and err["loc"][-1] in _UNION_MEMBERS:
        prefix = err["loc"][:-1]
        own = type(err.get("input")).__name__
        err = next((dict(e) for e in errors if e["loc"] == (*prefix, own)),
                   {**err, "msg": "must be a boolean, an integer, a number or a string"})
        err = {**err, "loc": prefix}
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
    shown = dotted
    if len(loc) > 1 and keyed_model(Scenario.model_fields[loc[0]].annotation
                                    if loc[0] in Scenario.model_fields else None):
        shown = ".".join([loc[0], f'"{loc[1]}"', *loc[2:]])  # uncertainty."aktau.storage_t"
    return ScenarioError(where_for(dotted, sources, default_where), shown or "(top level)",
                         value, message)
