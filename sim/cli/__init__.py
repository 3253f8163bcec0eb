"""Command line: ``python -m sim COMMAND``: headline, run, sweep, sensitivity, compare, explore, ...

Each command lives in its own module with ``add_parser(sub)`` and a handler;
heavy libraries (pandas, scipy, matplotlib) are imported only by the handler
that needs them, so ``--help`` and input errors answer at once. User errors
(bad scenario, bad option, unusable results directory) print one line,
``error: WHERE: PATH = VALUE: RULE``, to stderr and exit with code 2, without a
traceback and before anything is written. Failed replications and model
invariant violations exit with code 1 and name the replication and seed to rerun.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from types import FrameType

from sim import __version__
from sim.cli import (
    compare,
    explore,
    headline,
    inspect,
    plot,
    report,
    run,
    sensitivity,
    sweep,
    trace,
)
from sim.cli.options import Parser, flush_stdout
from sim.errors import (
    Interrupted,
    RunFailure,
    SimulationInvariantError,
    StdoutError,
    UserError,
    one_line,
)

EXIT_USER_ERROR = 2
EXIT_RUN_FAILED = 1
#: What a shell reports for a process ended by SIGPIPE (``python -m sim schema | head -1``).
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE
#: Signals that stop a command cleanly (the manifest says "interrupted", workers end).
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    try:
        with _stop_signals_interrupt():
            args = parser().parse_args(argv)
            code = int(args.handler(args) or 0)
            flush_stdout()
            return code
    except StdoutError as exc:
        _drop_stdout()
        _error(str(exc))
        return EXIT_BROKEN_PIPE if exc.broken_pipe else EXIT_USER_ERROR
    except UserError as exc:
        _error(str(exc))
        return EXIT_USER_ERROR
    except RunFailure as exc:
        _error(str(exc))
        return EXIT_RUN_FAILED
    except SimulationInvariantError as exc:
        _error(f"model invariant violated: {exc}")
        return EXIT_RUN_FAILED
    except BrokenProcessPool:
        _error("a worker process died (killed, or out of memory); try fewer --jobs")
        return EXIT_RUN_FAILED
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.partition(".")[0] == "sim":
            raise  # the package itself is broken: a bug, not the setup
        _error(f"this Python ({sys.executable}) lacks the library {exc.name!r} that the "
               "command needs: set up as the README says (python3 -m venv .venv && "
               ".venv/bin/pip install -e .) and run .venv/bin/python -m sim")
        return EXIT_USER_ERROR
    except KeyboardInterrupt as exc:
        signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
        with contextlib.suppress(OSError, ValueError):
            if sys.stderr is not None:
                print(f"interrupted ({signal.Signals(signum).name})", file=sys.stderr)
        return 128 + signum


def _error(message: str) -> None:
    """Print ``error: MESSAGE`` as one line on stderr (if stderr can still be written)."""
    if sys.stderr is None:  # started with stderr closed (never fall back to stdout)
        return
    with contextlib.suppress(OSError, ValueError):
        print(f"error: {one_line(message)}", file=sys.stderr)


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so that Python's final flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


@contextlib.contextmanager
def _stop_signals_interrupt() -> Iterator[None]:
    """While a command runs, SIGTERM and SIGHUP stop it like Ctrl-C (cleanly, exit 128+N).

    The first such signal raises :class:`~sim.errors.Interrupted`; the handler is then
    back to the default, so a second one ends the process at once.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        signal.signal(signum, signal.SIG_DFL)
        raise Interrupted(signum)

    previous = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def parser() -> Parser:
    """The full command-line parser: one sub-command per module."""
    top = Parser(prog="python -m sim", description=(
        "Simulate Kazakh crude exports over the Russian route and the Trans-Caspian chain."))
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = top.add_subparsers(dest="command", required=True)
    for command in (headline, run, sweep, sensitivity, compare, explore, plot, report,
                    inspect, trace):
        command.add_parsers(sub)
    return top
