"""The scenario reference (``docs/scenarios.md``), generated from the pydantic schema.

Every field of :class:`sim.scenario.Scenario`, walked section by section, with
its type, its unit (read off the field name's suffix), its default, the range
the schema allows, its meaning and the source of its default. A section that
appears under several paths (the three disruption processes, the two weather
sections) is listed under each, because the defaults differ. Cross-field rules
that no single field shows come from the model validators (their docstrings, or
:data:`CROSS_FIELD_RULES`); a validator with neither stops generation, so the
document cannot silently miss a rule.

Rendering reads nothing but the schema (and a base scenario, if given);
``python tools/docs.py`` writes ``docs/scenarios.md`` and ``--check`` tells
whether it is stale.
"""

from __future__ import annotations

import datetime
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.scenario.schema import Scenario

#: The command that regenerates the document.
COMMAND = "python tools/docs.py"

#: Unit by field-name suffix; the first rule that matches wins, so longer suffixes come first.
UNIT_RULES: tuple[tuple[str, str], ...] = (
    ("_t_per_hour", "t/h"),
    ("_t_per_day", "t/day"),
    ("_mt_per_year", "Mt/yr"),
    ("_days_per_year", "days/yr"),
    ("_per_year", "per year"),
    ("_days_per_month", "days in each calendar month"),
    ("rate_per_year", "onsets/yr of up-time"),
    ("_t", "t"),
    ("_days", "days"),
    ("_hours", "h"),
    ("_knots", "kn"),
    ("_nm", "nmi"),
    ("_fraction", "fraction"),
    ("_share_at_berths", "share (0-1)"),
    ("loss_sd", "fraction"),
    ("probability", "probability (0-1)"),
    ("probabilities", "probabilities (0-1)"),
    ("_sigma_log", "dimensionless (log space)"),
    ("_cv", "dimensionless"),
    ("date", "ISO date"),
    ("_service", "ISO date"),
    ("_years", "years"),
)

#: Fields whose names carry no unit because they have none.
UNITLESS = frozenset({"name", "description", "seed", "enabled", "diversion", "path", "values",
                      "compare_without_diversion", "berth_priority", "changes", "source",
                      "uncertainty", "levers", "distribution", "relative", "reason",
                      "events", "classes", "kind", "note", "resource", "value",
                      "results_by_month"})

#: Fields of a range whose unit is that of the field the range describes.
UNIT_OF_THE_FIELD = frozenset({"low", "high", "mode", "choices"})

#: How a table keyed by dotted field path appears in section headings.
KEYED_PATH = '"PATH"'

#: Plain-language statement of each model validator without a docstring, by "Class.validator".
CROSS_FIELD_RULES: dict[str, str] = {
    "RunSettings._run_size_is_sane": (
        "`run.replications` x (`run.warmup_days` + `run.horizon_days`) / 365 must stay within "
        "the most simulated years one run may ask for (a guard against a mistyped count)."),
    "Disruption._probability_or_rate": (
        "Every disruption section gives exactly one of `probability` and `rate_per_year`; "
        "the other follows from rate = p / (mean_duration_days x (1 - p)) (per day). "
        "`capacity_loss_sd` must be below sqrt(m x (1 - m)) for the mean loss m, or the "
        "Beta distribution of losses does not exist."),
    "Weather._days_fit_months": (
        "Each of the 12 `closure_days_per_month` values lies between 0 and 28 days."),
    "Supply._nomination_within_export": (
        "`supply.transcaspian_nomination_mt_per_year` must not exceed "
        "`supply.export_mt_per_year`."),
    "SweepSettings._bounds": (
        "`sweep.min_replications` must not exceed `sweep.max_replications`."),
    "Scenario._chain_can_carry_nomination": (
        "A positive nomination needs at least one tanker; `fleet.cargo_t` must fit in both "
        "`aktau.storage_t` and `baku.storage_t`, and in Aktau's reserve of oil capacity "
        "(`aktau.oil_capacity_burst_days` of `aktau.oil_capacity_mt_per_year`). Other ships "
        "(Makhachkala cargoes at Aktau, third-party crude at Baku) may take at most 70% of a "
        "port's berth time in service, or their queue never clears. With tanker classes "
        "the largest class cargo must fit."),
    "Scenario._events_fit_the_calendar": (
        "Dated events and tanker-class dates need `run.start_date` and must fall inside the "
        "measured period (an outage must also end inside it); two outages of one resource "
        "may not overlap, a path may not change twice on one date, and a change's value must "
        "be valid for its field (`fleet.tankers` may only grow)."),
    "RunSettings._horizon_from_years": (
        "`run.horizon_years`, when given, sets `run.horizon_days`: the calendar days from "
        "`run.start_date` to the same day that many years later (365 a year without a "
        "start date)."),
    "Fleet._shorthand_from_classes": (
        "With `[[fleet.classes]]`, `fleet.tankers` is the classes' total and `fleet.cargo_t` "
        "and `fleet.speed_knots` their ship-weighted means (values written for them are "
        "replaced); tankers, berth and cycle times follow each class."),
}


@dataclass(frozen=True)
class FieldRow:
    """One field of the reference: where it is and everything a scenario author needs."""

    path: str
    type_name: str
    unit: str
    default: str
    allowed: str
    meaning: str
    source: str


@dataclass(frozen=True)
class SectionDoc:
    """A section (a TOML table) and its fields."""

    path: str
    summary: str
    rows: tuple[FieldRow, ...]


def unit_for(name: str, annotation: Any) -> str:
    """Return the unit of a field, read off its name's suffix ("count" for plain integers).

    Raises ``ValueError`` for a field whose unit cannot be told from its name, so a
    new field must either follow the naming convention or be added here.
    """
    for suffix, unit in UNIT_RULES:
        if name.endswith(suffix):
            return unit
    if name in UNITLESS:
        return "-"
    if name in UNIT_OF_THE_FIELD:
        return "the field's (a factor if relative)"
    if _plain(annotation) is int:
        return "count"
    raise ValueError(f"field {name!r}: no unit can be read from its name; add a unit "
                     "suffix or a rule to sim.scenario.reference.UNIT_RULES")


def type_name(annotation: Any) -> str:
    """Short TOML-facing type of an annotation ("number", "list of 12 numbers" ...)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        parts = list(dict.fromkeys(type_name(a) for a in typing.get_args(annotation)
                                   if a is not type(None)))
        optional = type(None) in typing.get_args(annotation)
        joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]
        return joined + (" (optional)" if optional else "")
    if origin is typing.Annotated:
        return type_name(typing.get_args(annotation)[0])
    if origin is dict:
        return "tables keyed by dotted field path"
    if origin is typing.Literal:
        return "one of " + ", ".join(f'"{v}"' for v in typing.get_args(annotation))
    if origin is tuple:
        item = typing.get_args(annotation)[0]
        if isinstance(item, type) and issubclass(item, BaseModel):
            return "list of tables"
        return f"list of {type_name(item)}" + ("s" if typing.get_origin(item) is None else
                                                 " values")
    if origin is typing.Literal:
        return "one of " + ", ".join(f'"{a}"' for a in typing.get_args(annotation))
    names = {bool: "boolean", int: "integer", float: "number", str: "text",
             datetime.date: "date"}
    if annotation in names:
        return names[annotation]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "table"
    return str(annotation)


def allowed_range(info: FieldInfo) -> str:
    """Describe the constraints pydantic enforces on a field ("0 <= x < 1", "12 values")."""
    lower: tuple[Any, str] | None = None
    upper: tuple[Any, str] | None = None
    min_len = max_len = None
    for item in info.metadata:
        if isinstance(item, annotated_types.Ge):
            lower = (item.ge, "<=")
        elif isinstance(item, annotated_types.Gt):
            lower = (item.gt, "<")
        elif isinstance(item, annotated_types.Le):
            upper = (item.le, "<=")
        elif isinstance(item, annotated_types.Lt):
            upper = (item.lt, "<")
        elif isinstance(item, annotated_types.MinLen):
            min_len = item.min_length
        elif isinstance(item, annotated_types.MaxLen):
            max_len = item.max_length
    if lower and upper:
        return f"{format_value(lower[0])} {lower[1]} x {upper[1]} {format_value(upper[0])}"
    if lower:
        return f"x {lower[1].replace('<', '>')} {format_value(lower[0])}"
    if upper:
        return f"x {upper[1]} {format_value(upper[0])}"
    return _length_range(info.annotation, min_len, max_len)


def _length_range(annotation: Any, min_len: int | None, max_len: int | None) -> str:
    """Length constraints in words: characters for text, values for lists."""
    noun = "characters" if _plain(annotation) is str else "values"
    if annotation is bool:
        return "true or false"
    if min_len is None and max_len is None:
        return "any" if noun == "values" else "any text"
    if min_len == max_len:
        return f"exactly {min_len} {noun}"
    if max_len is None:
        return "not empty" if min_len == 1 else f"at least {min_len} {noun}"
    return f"{min_len or 0} to {max_len} {noun}"


def format_value(value: Any) -> str:
    """Write a default or bound as a scenario author would in TOML."""
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:_}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        if abs(value) >= 1e7:
            mantissa, exponent = f"{value:.3g}".split("e")
            return f"{mantissa}e{int(exponent)}"
        if value.is_integer():
            return format_value(int(value))
        return repr(value)
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, tuple):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, BaseModel):
        items = (f"{k} = {format_value(v)}" for k, v in value)
        return "{" + ", ".join(items) + "}"
    return str(value)


def _plain(annotation: Any) -> Any:
    """Strip ``| None`` from an annotation."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    return args[0] if origin in (typing.Union, types.UnionType) and len(args) == 1 \
        else annotation


def _section_model(annotation: Any) -> type[BaseModel] | None:
    """Return the section class behind a field (a table, or a list of tables), if any."""
    plain = _plain(annotation)
    if isinstance(plain, type) and issubclass(plain, BaseModel):
        return plain
    origin = typing.get_origin(plain)
    if origin in (tuple, dict):
        item = typing.get_args(plain)[0 if origin is tuple else 1]
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item
    return None


def _source(info: FieldInfo) -> str:
    extra = info.json_schema_extra
    source = extra.get("source") if isinstance(extra, dict) else None
    if not isinstance(source, str) or not source:
        raise ValueError(f"a field has no source: {info.description!r}")
    return source


def sections() -> Iterator[SectionDoc]:
    """Every section of the scenario schema, top level first, with the schema defaults."""
    return _walk(Scenario, Scenario(), "", "Convention.")


def _walk(model: type[BaseModel], instance: BaseModel | None, path: str,
          section_source: str) -> Iterator[SectionDoc]:
    """Every section under ``model``, depth first, with defaults taken from ``instance``.

    ``instance`` is None for the items of a list of tables, which have only their
    class defaults. A field whose default comes from the enclosing field's default (say
    ``btc.disruption.mean_duration_days = 63`` rather than the class's 57) gets
    the enclosing field's source, which is where that value is justified.
    """
    rows = []
    children = []
    for name, info in model.model_fields.items():
        dotted = f"{path}{name}"
        own_default = "required" if info.is_required() else info.default
        value = own_default if instance is None else getattr(instance, name)
        inherited = instance is not None and (own_default is None or value != own_default)
        source = section_source if inherited else _source(info)
        rows.append(FieldRow(dotted, type_name(info.annotation),
                             "-" if _section_model(info.annotation) else
                             unit_for(name, info.annotation),
                             "(required)" if value == "required" and info.is_required() else
                             format_value(value) if not isinstance(value, BaseModel)
                             else "(table below)",
                             allowed_range(info) if not isinstance(value, BaseModel) else "-",
                             info.description or "", source))
        sub = _section_model(info.annotation)
        if sub is not None:
            child_instance = value if isinstance(value, BaseModel) else None
            keyed = typing.get_origin(_plain(info.annotation)) is dict
            child_path = (f"{dotted}." if child_instance is not None else
                          f"{dotted}.{KEYED_PATH}." if keyed else f"{dotted}[].")
            children.append((sub, child_instance, child_path, _source(info)))
    yield SectionDoc(path.rstrip(".") or "(top level)", _summary(model), tuple(rows))
    for sub, child_instance, child_path, source in children:
        yield from _walk(sub, child_instance, child_path, source)


def _summary(model: type[BaseModel]) -> str:
    doc = (model.__doc__ or "").strip()
    return " ".join(doc.split())


def cross_field_rules(model: type[BaseModel] = Scenario) -> list[tuple[str, str]]:
    """(Class.validator, rule in words) for every model validator under ``model``.

    The words come from :data:`CROSS_FIELD_RULES`, else from the validator's docstring.
    """
    found: dict[str, str] = {}
    pending = [model]
    while pending:
        current = pending.pop()
        for name, decorator in current.__pydantic_decorators__.model_validators.items():
            key = f"{current.__name__}.{name}"
            text = CROSS_FIELD_RULES.get(key) or " ".join((decorator.func.__doc__ or "").split())
            if not text:
                raise ValueError(f"model validator {key} has neither a docstring nor an entry "
                                 "in sim.scenario.reference.CROSS_FIELD_RULES")
            found[key] = text
        for info in current.model_fields.values():
            sub = _section_model(info.annotation)
            if sub is not None:
                pending.append(sub)
    return sorted(found.items())


def base_differences(base: Scenario) -> list[tuple[str, str, str]]:
    """(path, schema default, value in base.toml) for every leaf where they differ."""
    return [(path, format_value(default), format_value(value))
            for path, default, value in _leaf_pairs(Scenario(), base, "")
            if default != value and path not in ("uncertainty", "levers")]


def _leaf_pairs(default: BaseModel, other: BaseModel, prefix: str
                ) -> Iterator[tuple[str, Any, Any]]:
    for name in type(default).model_fields:
        a, b = getattr(default, name), getattr(other, name)
        if isinstance(a, BaseModel) and isinstance(b, BaseModel):
            yield from _leaf_pairs(a, b, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", a, b


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(base: Scenario | None = None) -> str:
    """Render the whole reference as Markdown (deterministic: no dates, no machine paths)."""
    lines = [
        "# Scenario reference",
        "",
        f"Generated from the pydantic schema in `sim/scenario/` by `{COMMAND}`; do not edit "
        "by hand. `tests/test_docs.py` fails when this file no longer matches the schema. "
        "The same schema is published as JSON Schema by `python -m sim schema`.",
        "",
        "A scenario file (`scenarios/*.toml`) sets any of the fields below; a field it leaves "
        "out takes the default shown. Dotted paths are the `--set PATH=VALUE` and "
        "`--param PATH` names. Units come from the field names: `_t` tonnes, `_t_per_day`, "
        "`_t_per_hour`, `_mt_per_year` million tonnes per year, `_days`, `_hours`, `_knots`, "
        "`_nm` nautical miles, `_fraction` a share (1 = all). Inside the model time is "
        "in hours and a year is 365 days.",
        "",
        "\"sources §N.M\" in a source means that section of `docs/sources.md`, which names "
        "the public source of every fact; ESTIMATE marks engineering judgement where no public "
        "figure was found (`docs/sources.md` §7 gives the reasoning and a plausible range). "
        "Where a section appears under several paths (the three disruption processes, "
        "the two weather sections) its defaults differ, so each path has its own table; a "
        "default set by the enclosing field carries that field's source.",
        "",
    ]
    for section in sections():
        lines += [f"## `{section.path}`", "", section.summary, "",
                  "| field | type | unit | default | allowed | meaning | source of default |",
                  "|---|---|---|---|---|---|---|"]
        for row in section.rows:
            name = row.path.rsplit(".", 1)[-1]
            lines.append(f"| `{name}` | {row.type_name} | {_cell(row.unit)} | "
                         f"{_cell(row.default)} | {_cell(row.allowed)} | {_cell(row.meaning)} | "
                         f"{_cell(row.source)} |")
        lines.append("")
    lines += ["## Rules across fields", "",
              "Checked when a scenario is loaded; a violation names the file and field.", ""]
    lines += [f"- {rule} (`{key}`)" for key, rule in cross_field_rules()]
    lines.append("")
    lines += _plans_over_time()
    if base is not None:
        lines += ["## Where `scenarios/base.toml` differs from these defaults", "",
                  "| field | schema default | base.toml |", "|---|---|---|"]
        lines += [f"| `{path}` | {_cell(default)} | {_cell(value)} |"
                  for path, default, value in base_differences(base)]
        lines.append("")
        lines += _ranges_and_levers(base)
    return "\n".join(lines)


def _plans_over_time() -> list[str]:
    """The calendar, dated events and tanker classes: how to write them, what each does."""
    from sim.scenario.events import CHANGEABLE_PATHS, OUTAGE_RESOURCES

    lines = ["## Plans over time", "",
             "`run.start_date` puts a run on the calendar: the measured period begins at 00:00 "
             "of that day (the warm-up runs the days before it), weather follows the real "
             "months, and every run also writes one row per replication and calendar year "
             "(`years.parquet`, `years_summary.csv` with means, 95% intervals and the "
             "replication count; by calendar month with `run.results_by_month`). "
             "`run.horizon_years` gives the horizon in calendar years. "
             "Without a start date nothing changes: simulated time 0 is 1 January of a "
             "365-day model year.", "",
             "Dated events (`[[events]]`, each with `kind`, `date` and a `note` naming its "
             "source) come in two kinds. An outage takes `capacity_loss_fraction` of a "
             "resource's capacity from `date` for `duration_days`, multiplying whatever the "
             "random outages leave; two outages of one resource may not overlap:", ""]
    lines += [f"- `{name}`: {meaning}" for name, meaning in OUTAGE_RESOURCES.items()]
    lines += ["", "A change sets a field from `date` on; only these fields can change during a "
              "run, each applied by its own handler in `sim/model/dated.py` (the value is "
              "checked against the field's own rules):", ""]
    lines += [f"- `{path}`: {meaning}" for path, meaning in CHANGEABLE_PATHS.items()]
    lines += ["", "An event's fields are paths like any other, numbered from 0 in file order: "
              "`--set events.2.date=2029-01-01` moves the third event a year, and `sweep "
              "--param events.2.date --values 2028-01-01,2029-01-01` compares the two plans "
              "with common random numbers (\"what if berths 9-10 come a year late?\"); its "
              "`years_summary.csv` has a row per point and year.", "",
              "A mixed fleet is a list of `[[fleet.classes]]`, each with its `name`, "
              "`tankers`, `cargo_t`, `speed_knots` and optional `in_service` / "
              "`out_of_service` dates; berth and cycle times follow each ship, and the years "
              "table splits voyages and tonnes discharged by class. Example:", "",
              "```toml", "[run]", "start_date = 2026-01-01", "horizon_years = 5", "",
              "[[fleet.classes]]", 'name = "today"', "tankers = 6", "cargo_t = 8400", "",
              "[[fleet.classes]]", 'name = "new_12k"', "tankers = 2", "cargo_t = 9600",
              "in_service = 2027-07-01", "", "[[events]]", 'kind = "outage"',
              'resource = "btc"', "date = 2026-08-01", "duration_days = 43",
              "capacity_loss_fraction = 1.0", 'note = "quality stop (sources §5.3)"', "",
              "[[events]]", 'kind = "change"', 'path = "aktau.berths"', "value = 5",
              "date = 2028-01-01", 'note = "berths 9 and 10 restored (ESTIMATE)"', "```", ""]
    return lines


def _ranges_and_levers(base: Scenario) -> list[str]:
    """The ranges and levers ``scenarios/base.toml`` declares, as two tables."""
    lines = ["## Uncertainty ranges and levers in `scenarios/base.toml`", "",
             "Every estimate's plausible range (`python -m sim sensitivity`, `explore`); counts "
             "take each whole number from low to high, other ranges are uniform unless a "
             "distribution is given; a factor range scales the scenario's value.", "",
             "| field | value in base | low | high | distribution | reason |",
             "|---|---|---|---|---|---|"]
    for path, spec in base.uncertainty.items():
        node: Any = base
        for part in path.split("."):
            node = getattr(node, part)
        factor = " (factor)" if spec.relative else ""
        distribution = spec.distribution or ("choices" if isinstance(node, int) else "uniform")
        lines.append(f"| `{path}` | {_cell(format_value(node))} | {format_value(spec.low)}"
                     f"{factor} | {format_value(spec.high)}{factor} | {distribution} | "
                     f"{_cell(spec.reason)} |")
    lines += ["", "Levers (what a planner decides; `python -m sim explore` tries these "
              "settings):", "", "| field | settings | reason |", "|---|---|---|"]
    lines += [f"| `{path}` | {_cell(format_value(lever.values))} | {_cell(lever.reason)} |"
              for path, lever in base.levers.items()]
    lines.append("")
    return lines
