"""Building blocks of the scenario schema: the section base class and the field declaration."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


def F(default: Any, description: str, source: str, **constraints: Any) -> Any:
    """Declare a scenario field with its description and the source of its default."""
    return Field(default, description=description, json_schema_extra={"source": source},
                 **constraints)


class Section(BaseModel):
    """Base for every scenario section: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False,
                              validate_default=True)
