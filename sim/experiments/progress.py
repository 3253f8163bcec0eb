"""Progress of a plan's replications: a bar on a terminal, periodic log lines otherwise.

On a terminal the runner shows a tqdm bar on stderr. When stderr is not a terminal
(``nohup``, CI, a pipe into a log file) a bar would be unreadable, so progress is
written as plain lines instead. A run quicker than :data:`LOG_EVERY_SECONDS` says
nothing; a longer one writes a line whenever another tenth of the replications is
done (but not within :data:`MIN_GAP_SECONDS` of the last line) or that many seconds
have passed since the last line, and a last line at the end::

    progress: 120/1100 replications (11%), 1/11 points done, 14 s elapsed, ~115 s left

Lines are written only as chunks complete (no timer wakes up to print).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from tqdm import tqdm

#: Longest quiet spell between two log lines, if chunks complete in between (s).
LOG_EVERY_SECONDS = 10.0
#: A log line for every this share of the replications done.
LOG_EVERY_FRACTION = 0.1
#: Shortest gap between two log lines (s).
MIN_GAP_SECONDS = 2.0


class Progress:
    """Counts replications done against the total; shows them as a bar or as log lines."""

    def __init__(self, label: str, shown: bool, stream: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.shown = shown and self.stream is not None  # stderr closed: nobody to tell
        self.label, self.clock = label, clock
        self.total = self.done = 0
        self.started = self.last_time = clock()
        self.last_done = 0
        self.bar: tqdm | None = None
        if self.shown and _is_terminal(self.stream):
            self.bar = tqdm(total=0, unit="rep", desc=label, file=self.stream)

    def add(self, replications: int) -> None:
        """More replications to do (the runner plans in rounds)."""
        self.total += replications
        if self.bar is not None:
            self.bar.total = self.total
            self.bar.refresh()

    def advance(self, replications: int, note: str) -> None:
        """``replications`` more are done; ``note`` says how far the plan is (points done)."""
        self.done += replications
        if self.bar is not None:
            self.bar.set_postfix_str(note, refresh=False)
            self.bar.update(replications)
        elif self.shown and self._due():
            self._log(note)

    def close(self, note: str = "") -> None:
        """Close the bar, or write the last line if anything was done since the last one.

        A run quicker than :data:`LOG_EVERY_SECONDS` stays quiet.
        """
        if self.bar is not None:
            self.bar.close()
        elif (self.shown and self.done > self.last_done
              and self.clock() - self.started >= LOG_EVERY_SECONDS):
            self._log(note)

    def _due(self) -> bool:
        """Whether a line is due: the quiet spell is over, or another tenth is done."""
        if self.clock() - self.started < LOG_EVERY_SECONDS:  # a quick run says nothing
            return False
        quiet = self.clock() - self.last_time
        step = max(1, int(self.total * LOG_EVERY_FRACTION))
        return quiet >= LOG_EVERY_SECONDS or (self.done - self.last_done >= step
                                              and quiet >= MIN_GAP_SECONDS)

    def _log(self, note: str) -> None:
        """Write one progress line (and forget a stream that can no longer be written)."""
        now = self.clock()
        elapsed = now - self.started
        share = self.done / self.total if self.total else 1.0
        left = f", ~{elapsed * (1 - share) / share:.0f} s left" if 0 < share < 1 else ""
        line = (f"progress: {self.label}: {self.done}/{self.total} replications "
                f"({share:.0%}){', ' + note if note else ''}, {elapsed:.0f} s elapsed{left}")
        try:
            self.stream.write(line + "\n")
            self.stream.flush()
        except (OSError, ValueError):  # closed or full: progress is not worth failing for
            self.shown = False
        self.last_time, self.last_done = now, self.done


def _is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is an interactive terminal."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or closed
        return False
