"""How many worker processes this machine offers (kept light: the command line imports it)."""

from __future__ import annotations

import os


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1
