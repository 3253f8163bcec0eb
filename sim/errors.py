"""Errors the user can act on. The CLI prints them in one line and exits with code 2."""

from __future__ import annotations


class UserError(Exception):
    """An error caused by the user's input, reported without a traceback."""


class ScenarioError(UserError):
    """A scenario file or override that cannot be used.

    ``where`` is the file (or ``--set``), ``path`` the dotted field path,
    ``value`` the offending value and ``allowed`` what would be accepted.
    """

    def __init__(self, where: str, path: str, value: object, allowed: str) -> None:
        self.where, self.path, self.value, self.allowed = where, path, value, allowed
        shown = _short(value)
        location = f"{where}: {path}" if path else where
        value_part = f" = {shown}" if value is not _NO_VALUE else ""
        super().__init__(f"{location}{value_part}: {allowed}")


class SimulationInvariantError(RuntimeError):
    """A physical invariant (mass balance, tank bounds, berth count) was violated.

    This is a defect in the model, never a user error; it carries the replication
    index and seed so that the replication can be rerun alone.
    """


class _NoValue:
    def __repr__(self) -> str:
        return "<no value>"


_NO_VALUE = _NoValue()
NO_VALUE: object = _NO_VALUE


def _short(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
