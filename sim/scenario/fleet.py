"""The tanker fleet in the scenario: one class of identical ships, or several classes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, model_validator

from sim.errors import FieldRuleError
from sim.scenario.base import F, Section
from sim.scenario.dates import Date


class TankerClass(Section):
    """Ships of one design: how many, their cargo and speed, and when they serve."""

    name: str = F("class", "Short name of the class, used in outputs (voyages and tonnes by "
                  "class).", "Convention.", min_length=1, max_length=40,
                  pattern=r"^[A-Za-z0-9_-]+$")
    tankers: int = F(1, "Ships of this class.", "Convention: each class names its "
                   "source in a comment.", ge=0,
                     le=500)
    cargo_t: float = F(8_400.0, "Cargo per voyage (t).", "sources §3.3: 0.8 x dwt.", gt=0,
                       le=200_000)
    speed_knots: float = F(10.0, "Service speed, laden and ballast (kn).",
                           "sources §3.4: 10 kn.", gt=0, le=30)
    in_service: Date | None = F(None, "Day the class's ships start their first voyage at "
                                "Aktau (none: from the start).", "Convention: each class names its "
                   "source in a comment.")
    out_of_service: Date | None = F(None, "Day from which the class's ships leave the shuttle "
                                    "(each after the voyage under way; none: never).",
                                    "Convention: each class names its "
                   "source in a comment.")

    @model_validator(mode="after")
    def _dates_in_order(self) -> TankerClass:
        """A class leaves service after it enters it."""
        if (self.in_service is not None and self.out_of_service is not None
                and self.out_of_service <= self.in_service):
            raise FieldRuleError("out_of_service", self.out_of_service.isoformat(),
                                 f"must be after in_service ({self.in_service})")
        return self


class Fleet(Section):
    """Tankers dedicated to the Aktau-Baku crude shuttle.

    Either one class of identical ships (``tankers``, ``cargo_t``, ``speed_knots``)
    or ``[[fleet.classes]]``. With classes, ``tankers`` is their total number,
    ``cargo_t`` their mean cargo and ``speed_knots`` their mean speed (weighted by
    ships), computed from the classes: values written for them are replaced.
    """

    tankers: int = F(6, "Number of tankers.", "sources §3.1: 3 x 12,400 + 2 x 8,000 dwt "
                     "+ 1 chartered.", ge=0, le=500)
    cargo_t: float = F(8_400.0, "Cargo per voyage (t).", "sources §3.1, §3.3: 0.8 x dwt, "
                       "fleet-weighted mean of the default fleet.", gt=0, le=200_000)
    speed_knots: float = F(10.0, "Service speed, laden and ballast (kn).",
                           "sources §3.4: 10 kn.", gt=0, le=30)
    crossing_distance_nm: float = F(265.0, "Aktau to the Sangachal discharge berth (nm).",
                                    "sources §3.4: 254 nm Baku-Aktau + ~10 nm (ESTIMATE).",
                                    gt=0, le=2_000)
    sea_margin_fraction: float = F(0.05, "Extra sailing time for sea state and pilotage, as a "
                                   "share of the still-water time.", "sources §7.7 (ESTIMATE).",
                                   ge=0, le=2)
    maintenance_days_per_year: float = F(10.0, "Days per year each tanker is out of service "
                                         "for maintenance (one block per year).",
                                         "sources §7.7 (ESTIMATE).", ge=0, le=180)
    classes: tuple[TankerClass, ...] = F((), "Tanker classes (a mixed fleet); empty: one "
                                         "class from `tankers`, `cargo_t`, `speed_knots`.",
                                         "Convention.", max_length=20)

    @model_validator(mode="before")
    @classmethod
    def _shorthand_from_classes(cls, data: Any) -> Any:
        """With classes, derive the one-class fields from them (totals and ship-weighted means)."""
        if not isinstance(data, dict) or not isinstance(data.get("classes"), list | tuple):
            return data  # no classes, or not a list of them: the field's validation says so
        if not data["classes"] or not all(isinstance(c, dict | BaseModel)
                                          for c in data["classes"]):
            return data
        classes = [c if isinstance(c, dict) else c.model_dump() for c in data["classes"]]
        counts = [c.get("tankers", 1) for c in classes]
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in counts):
            return data  # the class's own validation reports it
        total = sum(counts)
        data = dict(data)
        data["tankers"] = total
        for name, default in (("cargo_t", 8_400.0), ("speed_knots", 10.0)):
            values = [c.get(name, default) for c in classes]
            if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
                weights = counts if total else [1] * len(counts)
                data[name] = float(sum(w * v for w, v in zip(weights, values, strict=True))
                                   / sum(weights))
        return data

    @model_validator(mode="after")
    def _class_names_unique(self) -> Fleet:
        """Each tanker class has its own name (outputs are split by class name)."""
        names = [c.name for c in self.classes]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise FieldRuleError(f"classes.{i}.name", name, "two classes have this name")
        return self

    def ship_classes(self) -> tuple[TankerClass, ...]:
        """The classes, or one class built from the one-class fields."""
        if self.classes:
            return self.classes
        return (TankerClass(name="fleet", tankers=self.tankers, cargo_t=self.cargo_t,
                            speed_knots=self.speed_knots),)

    @property
    def largest_cargo_t(self) -> float:
        """The largest cargo of any class (t)."""
        return max(c.cargo_t for c in self.ship_classes())

    def in_service_on(self, day: dt.date) -> int:
        """Ships in service on ``day`` (classes without dates always count)."""
        return sum(c.tankers for c in self.ship_classes()
                   if (c.in_service is None or c.in_service <= day)
                   and (c.out_of_service is None or day < c.out_of_service))
