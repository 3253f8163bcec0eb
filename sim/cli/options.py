"""Shared command-line pieces: a parser whose errors are one line, argument types, loading."""

from __future__ import annotations

import argparse
import errno
import math
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from sim.errors import ScenarioError, StdoutError, UserError
from sim.experiments.jobs import default_jobs

if TYPE_CHECKING:
    from sim.scenario.loader import LoadedScenario

#: Worker processes per core beyond which more workers only cost memory.
JOBS_PER_CORE = 4


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one ``error: ...`` line (exit code 2)."""

    def error(self, message: str) -> NoReturn:
        """Raise the problem as a UserError instead of printing usage and exiting."""
        raise UserError(f"{_option_message(message)} (see: {self.prog} --help)")

def _option_message(message: str) -> str:
    """Rewrite argparse's "argument --x: 'v': rule" as "--x = 'v': rule"."""
    match = re.fullmatch(r"argument ([^:]+?): ('.*'): (.*)", message, flags=re.DOTALL)
    if match:
        option = match.group(1).split("/")[-1]
        return f"{option} = {match.group(2)}: {match.group(3)}"
    return message.removeprefix("argument ")

def emit(text: str = "") -> None:
    """Print a line of a command's answer; a closed pipe or a full device is a StdoutError."""
    if sys.stdout is None:  # started with stdout closed
        raise StdoutError(OSError(errno.EBADF, "standard output is closed"))
    try:
        print(text)
    except OSError as exc:
        raise StdoutError(exc) from None
    except ValueError:  # stdout closed by the caller
        raise StdoutError(OSError(errno.EBADF, "standard output is closed")) from None

def flush_stdout() -> None:
    """Flush what the command printed, so a failure to write shows while it can be reported."""
    if sys.stdout is None:  # started with stdout closed: nothing was printed
        return
    try:
        sys.stdout.flush()
    except OSError as exc:
        raise StdoutError(exc) from None
    except ValueError:  # stdout closed by the caller: nothing left to flush
        pass

def json_safe(value: Any) -> Any:
    """Replace NaN and infinities (undefined statistics) by None so the JSON is valid."""
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value

def scenario_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", help="scenario TOML file")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="PATH=VALUE", help="override a field by its dotted path "
                        "(repeatable), e.g. --set fleet.tankers=8")
    parser.add_argument("--allow-outside-extends", action="store_true",
                        help="let 'extends' reach files outside the scenario's directory")

def positive_int(text: str) -> int:
    value = non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: must be at least 1")
    return value

def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: must be a number") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r}: must be a positive finite number")
    return value

def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: must be a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: must not be negative")
    return value

def load(args: argparse.Namespace, options: Sequence[tuple[str, str]] = ()
          ) -> LoadedScenario:
    from sim.scenario.loader import load_scenario

    return load_scenario(args.scenario, args.overrides,
                         allow_outside_tree=args.allow_outside_extends, options=options)

def check_jobs(args: argparse.Namespace) -> None:
    """Refuse more local worker processes than can help (each costs ~100 MB)."""
    limit = JOBS_PER_CORE * default_jobs()
    if args.jobs is not None and args.jobs > limit and not getattr(args, "scheduler", None):
        raise ScenarioError("--jobs", "", args.jobs, f"at most {limit} ({JOBS_PER_CORE} per "
                            "core); more worker processes only add memory, not speed")
