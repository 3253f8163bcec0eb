"""What a scenario does not know, and what a planner decides: uncertainty ranges and levers.

Both are tables keyed by the dotted path of the field they describe, so a child
scenario inherits them through ``extends``, may change one entry, and adding a
range is one line::

    [uncertainty]
    "aktau.loading_rate_t_per_hour" = { low = 300, high = 600, reason = "sources §7: ..." }
    "baku.berths" = { low = 1, high = 3, reason = "..." }   # a count: 1, 2 or 3, equally likely
    "aktau.weather.closure_days_per_month" = { low = 0.5, high = 2, relative = true,
                                               reason = "..." }

    [levers]
    "fleet.tankers" = { values = [6, 8, 10, 12], reason = "..." }

This module holds the two entry types; :mod:`sim.scenario.inputs` resolves them
against a scenario (checking every end by validating the scenario with it applied).
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from sim.errors import FieldRuleError
from sim.scenario.base import F, Section

#: How a range is sampled: evenly, peaked at a mode, or over a few discrete values.
Distribution = Literal["uniform", "triangular", "choices"]

#: Most entries in one [uncertainty] or [levers] table.
MAX_ENTRIES = 200

#: Most characters in a reason (one line).
MAX_REASON = 300


def _one_line(reason: str) -> None:
    if "\n" in reason or "\r" in reason:
        raise FieldRuleError("reason", reason, "must be one line")


class Uncertainty(Section):
    """The plausible range of an estimate, how to sample it, and why."""

    low: int | float = F(..., "Low end of the plausible range: a value of the field, or a "
                         "factor of the scenario's value when `relative`.", "Convention.")
    high: int | float = F(..., "High end of the plausible range (same terms as `low`).",
                          "Convention.")
    distribution: Distribution | None = F(
        None, "`uniform`, `triangular` (peaked at `mode`) or `choices` (each of `choices` "
        "equally likely). Unset: `choices` for counts (every whole number from low to high), "
        "`uniform` otherwise.", "Convention.")
    mode: int | float | None = F(None, "Most likely value of a triangular range; unset: the "
                                 "scenario's value (factor 1 when `relative`).", "Convention.")
    choices: tuple[int | float, ...] | None = F(
        None, "The values of a `choices` range, in increasing order, from `low` to `high`.",
        "Convention.", min_length=2, max_length=100)
    relative: bool = F(False, "Whether `low`, `high`, `mode` and `choices` are factors of the "
                       "scenario's value (the way to scale the 12 monthly weather values).",
                       "Convention.")
    reason: str = F(..., "One line: why this range (cite `docs/sources.md`).", "Convention.",
                    min_length=1, max_length=MAX_REASON)

    @model_validator(mode="after")
    def _consistent(self) -> Uncertainty:
        """`low` below `high`; a triangular `mode` and increasing `choices` within them."""
        if not self.low < self.high:
            raise FieldRuleError("low", self.low, f"must be below high ({self.high}); a range "
                                 "of one value is not uncertain")
        if self.mode is not None:
            if self.distribution != "triangular":
                raise FieldRuleError("mode", self.mode, 'only a distribution = "triangular" '
                                     "has a mode")
            if not self.low <= self.mode <= self.high:
                raise FieldRuleError("mode", self.mode, f"must lie in the range [{self.low}, "
                                     f"{self.high}]")
        if self.choices is not None:
            if self.distribution not in (None, "choices"):
                raise FieldRuleError("choices", self.choices, 'only a distribution = "choices" '
                                     "has choices")
            if any(b <= a for a, b in zip(self.choices, self.choices[1:], strict=False)):
                raise FieldRuleError("choices", self.choices, "must be increasing, each once")
            if (self.choices[0], self.choices[-1]) != (self.low, self.high):
                raise FieldRuleError("choices", self.choices, f"must run from low ({self.low}) "
                                     f"to high ({self.high})")
        _one_line(self.reason)
        return self


LeverValue = bool | int | float | str


class Lever(Section):
    """A field a planner decides (an investment or a policy), with the settings to explore."""

    values: tuple[LeverValue, ...] = F(..., "Settings of the field to explore (include the "
                                       "scenario's own value to keep it as an option).",
                                       "Convention.", min_length=1, max_length=100)
    reason: str = F(..., "One line: what the investment or policy is.", "Convention.",
                    min_length=1, max_length=MAX_REASON)

    @model_validator(mode="after")
    def _distinct(self) -> Lever:
        """Each setting of a lever is listed once; the reason is one line."""
        seen: list[LeverValue] = []
        for value in self.values:
            if any(type(value) is type(v) and value == v for v in seen):
                raise FieldRuleError("values", self.values, f"lists {value!r} twice")
            seen.append(value)
        _one_line(self.reason)
        return self
