"""Worker processes on this machine: how many it offers, whether one is alive.

Kept light: the command line imports it.
"""

from __future__ import annotations

import os


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this host and (on Linux) is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:  # not Linux, or it ended just now
        return True
    return stat[stat.rindex(b")") + 2:][:1] != b"Z"
