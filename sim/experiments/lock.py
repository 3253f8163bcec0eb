"""The lock of a results directory: one sweep writes at a time, and a dead sweep's lock is freed.

A sweep holds an exclusive ``flock`` on ``DIR/.lock`` while it runs, and notes
in the file who it is (``pid N on HOST, since TIME``); the note is cleared
when the sweep ends normally. The lock belongs to the command alone: the file
is opened close-on-exec and worker processes start from a fork server (see
:mod:`sim.experiments.executors`), so no worker inherits it and the kernel
frees it the moment the command ends, however it ends.

On ``--resume``:

- a lock that is free but still names a holder (the sweep was killed) is taken
  with a one-line notice;
- a lock that is still held, though its noted holder is a process of this host
  that no longer exists (held by orphans that inherited it, as sweeps of older
  versions let their workers do), is taken over: the lock file is replaced by a
  new one (a new inode, which the orphans' lock does not cover), with a notice.

Every acquisition and takeover happens under a short ``flock`` of the
directory itself, so two commands cannot both take over, nor one take over
while another acquires.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sim.errors import OutputError
from sim.experiments.jobs import process_alive

LOCK = ".lock"


@dataclass(frozen=True)
class Holder:
    """Who a lock file says holds it (as written by :func:`_note`)."""

    text: str  # the note as written, e.g. "pid 12, on host x, since 2026-..."
    pid: int | None
    host: str | None

    @classmethod
    def read(cls, fd: int) -> Holder:
        """The note in the lock file open at ``fd`` (empty if none or unreadable)."""
        try:
            text = os.pread(fd, 300, 0).decode(errors="replace").strip()
        except OSError:
            text = ""
        pid = re.match(r"pid (\d+)", text)
        host = re.search(r" on host (\S+?),", text)
        return cls(text, int(pid.group(1)) if pid else None, host.group(1) if host else None)

    def gone(self) -> bool:
        """Whether the noted holder is known to have ended (a process of this host, not alive)."""
        if self.pid is None or self.pid == os.getpid():
            return False
        if self.host is not None and self.host != socket.gethostname():
            return False  # a process of another host: cannot tell
        return not process_alive(self.pid)


@dataclass
class SweepLock:
    """The held lock of one results directory."""

    path: Path  # the results directory
    fd: int
    previous: Holder  # who the lock file named when this command took it
    taken_over: bool  # whether it was held by a holder that is gone (and replaced)

    @classmethod
    def take(cls, path: Path, resume: bool) -> SweepLock:
        """Take the lock of ``path``; refuse (OutputError) if a live sweep holds it."""
        lock_file = path / LOCK
        with _directory_serialised(path):
            fd = _open(lock_file, path)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = Holder.read(fd)
                os.close(fd)
                if not (resume and holder.gone()):
                    raise OutputError(f"{path}: another sweep is writing to this directory "
                                      f"({holder.text or 'process unknown'}); wait for it to "
                                      "finish or choose another --out") from None
                lock = cls(path, _replace(lock_file, path), holder, taken_over=True)
            else:
                lock = cls(path, fd, Holder.read(fd), taken_over=False)
            _note(lock.fd)
        return lock

    def abandoned_by(self) -> Holder | None:
        """The earlier holder if it ended without releasing the lock (killed), else None."""
        if self.previous.pid is None or self.previous.pid == os.getpid():
            return None
        return self.previous

    def release(self) -> None:
        """Clear the note and let the lock go."""
        with contextlib.suppress(OSError):
            os.ftruncate(self.fd, 0)
        with contextlib.suppress(OSError):
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def _open(lock_file: Path, path: Path) -> int:
    """Open (create) the lock file, close-on-exec: no child process inherits it."""
    try:
        return os.open(lock_file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write results here ({exc.strerror})") from None


def _replace(lock_file: Path, path: Path) -> int:
    """Put a new, locked lock file in place of one held by processes that are gone."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f"{LOCK}.", suffix=".tmp", dir=path)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write results here ({exc.strerror})") from None
    try:
        os.set_inheritable(fd, False)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.replace(tmp, lock_file)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return fd


def _note(fd: int) -> None:
    """Write who holds the lock into the lock file."""
    note = (f"pid {os.getpid()} on host {socket.gethostname()}, since "
            f"{datetime.now(UTC).isoformat(timespec='seconds')}")
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, note.encode(), 0)


@contextlib.contextmanager
def _directory_serialised(path: Path) -> Iterator[None]:
    """Hold a brief exclusive flock on the directory itself (where the system allows it)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
