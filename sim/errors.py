"""Errors the user can act on, and failures of the model that must be reported, not hidden.

The CLI prints a :class:`UserError` as one line, ``error: WHERE: PATH = VALUE: RULE``,
and exits with code 2. A :class:`RunFailure` (such as a :class:`ReplicationError`)
or a :class:`SimulationInvariantError` exits with code 1 and names what to rerun.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys


class UserError(Exception):
    """An error caused by the user's input or environment, reported without a traceback."""


class ScenarioError(UserError):
    """A scenario file, override or option that cannot be used.

    ``where`` is the file (or ``--set``, ``--values`` ...), ``path`` the dotted
    field path, ``value`` the offending value and ``allowed`` what would be
    accepted. The message reads ``WHERE: PATH = VALUE: ALLOWED``.
    """

    def __init__(self, where: str, path: str, value: object, allowed: str) -> None:
        self.where, self.path, self.value, self.allowed = where, path, value, allowed
        location = f"{where}: {path}" if path else where
        value_part = f" = {show_value(value)}" if value is not _NO_VALUE else ""
        super().__init__(one_line(f"{location}{value_part}: {allowed}"))


class OutputError(UserError):
    """The results directory cannot be written (read-only, disk full, locked)."""


class StdoutError(OutputError):
    """Standard output cannot be written: a closed pipe (``| head``) or a full device."""

    def __init__(self, exc: OSError) -> None:
        self.broken_pipe = isinstance(exc, BrokenPipeError)
        reason = ("it was closed before everything was written (broken pipe)"
                  if self.broken_pipe else exc.strerror or str(exc))
        super().__init__(f"cannot write to standard output: {reason}")


class Interrupted(KeyboardInterrupt):
    """The process was asked to stop (Ctrl-C, SIGTERM, SIGHUP); ``signum`` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class SimulationInvariantError(RuntimeError):
    """A physical invariant (mass balance, tank bounds, berth count) was violated.

    This is a defect in the model, never a user error; it carries the replication
    index and seed so that the replication can be rerun alone.
    """


class RunFailure(RuntimeError):
    """A run or sweep stopped for a reason other than bad input; stored results are kept."""


class WorkerDied(RunFailure):
    """A worker process died (killed, out of memory) while running replications."""


class ReplicationError(RunFailure):
    """A replication of a sweep raised; names its point, replication and seed.

    ``rerun`` is a shell command that runs exactly that replication again.
    """

    def __init__(self, point: int, values: dict[str, object], replication: int, seed: int,
                 error: str, rerun: str) -> None:
        self.point, self.values, self.replication = point, values, replication
        self.seed, self.error, self.rerun = seed, error, rerun
        shown = ", ".join(f"{path} = {show_value(v)}" for path, v in values.items())
        where = f"point {point} ({shown}), " if values else ""
        super().__init__(f"{where}replication {replication}, seed {seed}: {error}; rerun it "
                         f"alone with: {rerun}")


class FieldRuleError(ValueError):
    """Raised by a schema validator to blame one field (relative dotted path) for a rule.

    The loader turns it into a :class:`ScenarioError` naming that field and value,
    instead of the section that holds it.
    """

    def __init__(self, path: str, value: object, rule: str) -> None:
        super().__init__(rule)
        self.path, self.value, self.rule = path, value, rule


class _NoValue:
    def __repr__(self) -> str:
        return "<no value>"


_NO_VALUE = _NoValue()
NO_VALUE: object = _NO_VALUE


def notice(text: str) -> None:
    """Tell the user something on stderr, in one line (``notice: ...``), and go on."""
    if sys.stderr is None:  # started with stderr closed: nobody to tell
        return
    with contextlib.suppress(OSError, ValueError):  # closed or full meanwhile: the same
        sys.stderr.write(f"notice: {one_line(text)}\n")
        sys.stderr.flush()


def one_line(text: str) -> str:
    r"""Escape line breaks and other unprintable characters in ``text`` (as ``\n``)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def show_value(value: object, limit: int = 80) -> str:
    """Render a user value shortly and safely for an error message (never raises).

    Booleans, dates and arrays read as in TOML (``true``, ``2025-01-01``,
    ``[1, 2]``); strings keep their quotes; anything long is cut to ``limit``.
    """
    try:
        text = _render(value)
    except (ValueError, RecursionError):  # an integer of > 4,300 digits, deep nesting
        text = f"<{type(value).__name__} too large to show>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _render(value: object) -> str:
    """``value`` in TOML-like notation (may raise for absurd values)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_render(v) for v in value[:20]) + (", ...]" if len(value) > 20
                                                                  else "]")
    return repr(value)


def short_path(dotted: str, limit: int = 120) -> str:
    """Cut a dotted path to ``limit`` characters for messages."""
    return dotted if len(dotted) <= limit else dotted[: limit - 3] + "..."
