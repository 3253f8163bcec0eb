"""Dated events in a scenario: outages placed on the calendar, and changes from a date on.

A scenario with ``run.start_date`` may list ``[[events]]``, each one of two kinds:

- ``kind = "outage"``: ``resource`` loses ``capacity_loss_fraction`` of its capacity
  from ``date`` for ``duration_days``, on top of its random outages;
- ``kind = "change"``: from ``date`` on, the scenario field ``path`` takes ``value``.

Only the fields in :data:`CHANGEABLE_PATHS` can change during a run: each has a
handler in :mod:`sim.model.dated` that applies it to the running chain. Checks
that need the whole scenario (dates inside the horizon, outages that overlap,
values valid for their field) are in :func:`check_events`.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ValidationError, model_validator

from sim.errors import FieldRuleError
from sim.scenario.base import F, Section
from sim.scenario.dates import Date

#: Resources a dated outage can take capacity from, and what the loss means.
OUTAGE_RESOURCES: dict[str, str] = {
    "russian_route": "share of the Russian route's capacity (counts as a major disruption "
                     "for the diversion policy)",
    "btc": "share of the BTC intake's physical capacity",
    "feeder": "share of the feeder's capacity into the Aktau tanks",
    "aktau_berths": "share of Aktau's oil berths out of service (rounded to whole berths)",
    "baku_berths": "share of the Baku discharge berths out of service (whole berths)",
}

#: Scenario fields a dated change may set, and what happens at the date.
CHANGEABLE_PATHS: dict[str, str] = {
    "aktau.berths": "berths added at once; removed berths leave when their ship does",
    "baku.berths": "as aktau.berths",
    "aktau.feeder_capacity_t_per_day": "the feeder's capacity from the date",
    "aktau.oil_capacity_mt_per_year": "the port's oil capacity (its reserve of "
                                      "oil_capacity_burst_days scales with it)",
    "btc.allowance_mt_per_year": "the allowance accrues at the new rate from the date",
    "supply.transcaspian_nomination_mt_per_year": "the nomination fed from the date",
    "supply.export_mt_per_year": "the crude the fields offer from the date",
    "russian_route.capacity_mt_per_year": "the Russian route's nominal capacity",
    "fleet.tankers": "more ships of the first tanker class, starting their first voyage at "
                     "Aktau on the date (fewer: give the class an out_of_service date)",
}


class DatedEvent(Section):
    """One dated event: an outage of a resource, or a change of a field from a date on."""

    kind: Literal["outage", "change"] = F("outage", "`outage` (a resource loses capacity for "
                                          "a time) or `change` (a field takes a new value).",
                                          "Convention.")
    date: Date = F(dt.date(2026, 1, 1), "Day the event begins (00:00), inside the measured "
                   "period.", "Convention: each event names its "
                   "source in a comment.")
    note: str = F("", "What the event is and its source.", "Convention.", max_length=500)
    resource: str | None = F(None, "Outage: the resource that loses capacity: "
                             + ", ".join(f"`{r}`" for r in OUTAGE_RESOURCES) + ".",
                             "Convention.")
    duration_days: float | None = F(None, "Outage: its length (days).",
                                    "Convention: each event names its source in a comment.",
                                    gt=0, le=36_500)
    capacity_loss_fraction: float | None = F(None, "Outage: share of the resource's capacity "
                                             "lost (0-1].", "Convention: each event names its "
                   "source in a comment.", gt=0, le=1)
    path: str | None = F(None, "Change: the dotted field path: "
                         + ", ".join(f"`{p}`" for p in CHANGEABLE_PATHS) + ".", "Convention.")
    value: bool | int | float | str | None = F(None, "Change: the field's value from `date` on.",
                                               "Convention: each event names its "
                   "source in a comment.")

    @model_validator(mode="after")
    def _fields_of_its_kind(self) -> DatedEvent:
        """An outage names a resource, a duration and a loss; a change a path and a value."""
        if self.kind == "outage":
            if self.resource not in OUTAGE_RESOURCES:
                raise FieldRuleError("resource", self.resource, "an outage needs a resource: "
                                     + ", ".join(OUTAGE_RESOURCES))
            for name in ("duration_days", "capacity_loss_fraction"):
                if getattr(self, name) is None:
                    raise FieldRuleError(name, None, f"an outage needs {name}")
            for name in ("path", "value"):
                if getattr(self, name) is not None:
                    raise FieldRuleError(name, getattr(self, name),
                                         "belongs to kind = \"change\", not to an outage")
        else:
            if self.path not in CHANGEABLE_PATHS:
                raise FieldRuleError("path", self.path, "a change may set only: "
                                     + ", ".join(CHANGEABLE_PATHS))
            if self.value is None:
                raise FieldRuleError("value", None, "a change needs a value")
            for name in ("resource", "duration_days", "capacity_loss_fraction"):
                if getattr(self, name) is not None:
                    raise FieldRuleError(name, getattr(self, name),
                                         "belongs to kind = \"outage\", not to a change")
        return self

    @property
    def end_date(self) -> dt.date:
        """Day an outage ends (its last day is the day before; changes: the same date)."""
        return self.date + dt.timedelta(days=self.duration_days or 0.0)


def check_events(events: tuple[DatedEvent, ...], start: dt.date | None, end: dt.date,
                 sections: dict[str, BaseModel]) -> None:
    """Refuse events without a calendar, outside the horizon, overlapping, or with bad values.

    ``end`` is the day after the measured period; ``sections`` maps a top-level section
    name to its model (to validate a change's value against its field). Raises
    :class:`~sim.errors.FieldRuleError` blaming ``events.I.FIELD``.
    """
    if not events:
        return
    if start is None:
        raise FieldRuleError("events", None, "dated events need run.start_date (the calendar "
                             "day the measured period begins)")
    for i, event in enumerate(events):
        if not start <= event.date < end:
            raise FieldRuleError(f"events.{i}.date", event.date.isoformat(),
                                 f"outside the measured period {start} to {end} (exclusive)")
        if event.kind == "outage" and event.end_date > end:
            raise FieldRuleError(f"events.{i}.duration_days", event.duration_days,
                                 f"the outage would run past the end of the measured period "
                                 f"({end})")
        if event.kind == "change":
            _check_value(i, event, sections)
    _check_overlaps(events)


def _check_value(i: int, event: DatedEvent, sections: dict[str, BaseModel]) -> None:
    """The change's value must be valid for its field (same rules as in the file)."""
    assert event.path is not None
    section_name, field = event.path.split(".", 1)
    section = sections[section_name]
    data = section.model_dump()
    data[field] = event.value
    before = data.get("tankers")
    if field == "tankers" and isinstance(event.value, int) and isinstance(before, int) and (
            event.value < before):
        raise FieldRuleError(f"events.{i}.value", event.value,
                             f"fleet.tankers may only grow during a run (it is {before} "
                             "before): retire ships with a tanker class's out_of_service date")
    try:
        type(section).model_validate(data, strict=True)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        raise FieldRuleError(f"events.{i}.value", event.value,
                             f"not valid for {event.path}: {message}") from None


def _check_overlaps(events: tuple[DatedEvent, ...]) -> None:
    """Two outages of one resource may not overlap (their losses would be ambiguous)."""
    seen: dict[str, list[tuple[int, DatedEvent]]] = {}
    for i, event in enumerate(events):
        if event.kind != "outage":
            continue
        assert event.resource is not None
        for j, other in seen.get(event.resource, []):
            if event.date < other.end_date and other.date < event.end_date:
                raise FieldRuleError(f"events.{i}.date", event.date.isoformat(),
                                     f"this {event.resource} outage overlaps event {j} "
                                     f"({other.date} to {other.end_date}): merge them or "
                                     "move one")
        seen.setdefault(event.resource, []).append((i, event))
    changes: dict[tuple[str, dt.date], int] = {}
    for i, event in enumerate(events):
        if event.kind == "change":
            assert event.path is not None
            key = (event.path, event.date)
            if key in changes:
                raise FieldRuleError(f"events.{i}.date", event.date.isoformat(),
                                     f"event {changes[key]} already changes {event.path} on "
                                     "that date")
            changes[key] = i
