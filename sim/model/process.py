"""Types shared by the model's SimPy processes."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, TypeAlias

import simpy

#: A SimPy process body: yields events, is resumed with their values, returns nothing.
ProcessGenerator: TypeAlias = Generator[simpy.Event, Any, None]
