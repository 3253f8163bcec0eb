"""Types and helpers shared by the model's SimPy processes."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, TypeAlias

import simpy

#: A SimPy process body: yields events, is resumed with their values, returns nothing.
ProcessGenerator: TypeAlias = Generator[simpy.Event, Any, None]


def mark_done(event: simpy.Event, value: Any = None) -> simpy.Event:
    """Mark ``event`` as already processed with ``value``, without scheduling it.

    A process that yields a processed event continues at once with its value
    (SimPy resumes the generator in the same step), so a resource whose request
    can be met immediately costs no trip through the event queue. Callbacks
    can no longer be added to the event (check ``event.processed`` first).
    ``tests/model/test_process.py`` pins this SimPy behaviour.
    """
    event._ok = True
    event._value = value
    event.callbacks = None  # type: ignore[assignment]
    return event
