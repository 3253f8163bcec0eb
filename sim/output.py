"""The results directory of a sweep: atomic files, a lock, a manifest, resumable parts.

Layout::

    DIR/manifest.json            what was run (resolved scenario, hash, seeds, command, times)
    DIR/parts/*.parquet          replications as they complete (one file per chunk)
    DIR/replications.parquet     every replication, sorted by point and replication
    DIR/replications.csv         the same, on request (--csv)
    DIR/summary.csv              one row per point: mean, CI, P5/P50/P95 of every KPI
    DIR/failures.json            replications that raised (point, replication, seed, error)
    DIR/figures/*.png|svg        capacity curve, probability of the target, binding chart

Every file is written to a temporary name in the same directory and renamed into
place, so a killed sweep leaves only whole files. An exclusive ``flock`` on
``DIR/.lock`` keeps a second sweep out of a directory that one is writing.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd

from sim.errors import UserError

MANIFEST = "manifest.json"
PARTS = "parts"


def atomic_write(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write a file by ``write(handle)`` to a temporary name, fsync, then rename into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_json(path: Path, data: Any) -> None:
    """Atomically write ``data`` as indented JSON."""
    text = json.dumps(data, indent=2, default=str).encode()
    atomic_write(path, lambda handle: handle.write(text))


def write_parquet(path: Path, frame: pd.DataFrame) -> None:
    """Atomically write a DataFrame as Parquet (types preserved)."""
    atomic_write(path, lambda handle: frame.to_parquet(handle, index=False))


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """Atomically write a DataFrame as CSV."""
    atomic_write(path, lambda handle: handle.write(frame.to_csv(index=False).encode()))


class ResultsDir:
    """An open, locked results directory for one sweep identified by ``sweep_id``."""

    def __init__(self, path: Path, created: bool, lock_handle: Any) -> None:
        self.path, self.created, self._lock = path, created, lock_handle

    @classmethod
    @contextlib.contextmanager
    def open(cls, path: Path, sweep_id: str, resume: bool) -> Iterator[ResultsDir]:
        """Create or reopen ``path`` for the sweep ``sweep_id``; refuse any other sweep's."""
        existed = path.exists()
        if existed and not path.is_dir():
            raise UserError(f"{path}: exists and is not a directory")
        _check_reuse(path, sweep_id, resume, existed)
        try:
            path.mkdir(parents=True, exist_ok=True)
            (path / PARTS).mkdir(exist_ok=True)
            handle = open(path / ".lock", "a")  # noqa: SIM115 - held for the whole sweep
        except OSError as exc:
            raise UserError(f"{path}: cannot write results here ({exc.strerror})") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise UserError(f"{path}: another sweep is writing to this directory") from None
        try:
            yield cls(path, not existed, handle)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    def read_manifest(self) -> dict[str, Any] | None:
        """The stored manifest, if any."""
        return read_manifest(self.path)

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Store the manifest atomically."""
        write_json(self.path / MANIFEST, manifest)

    def part_path(self, point: int, first: int, last: int) -> Path:
        """File name of the part holding replications ``first..last`` of ``point``."""
        return self.path / PARTS / f"point-{point:04d}-reps-{first:06d}-{last:06d}.parquet"

    def stored_parts(self) -> pd.DataFrame | None:
        """Every replication stored in parts so far (None if there are none)."""
        files = sorted((self.path / PARTS).glob("point-*.parquet"))
        if not files:
            return None
        return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)

    def discard_if_empty(self) -> None:
        """Remove a directory this sweep created if nothing was stored in it."""
        if not self.created or any((self.path / PARTS).iterdir()):
            return
        for name in (MANIFEST, ".lock"):
            with contextlib.suppress(FileNotFoundError):
                (self.path / name).unlink()
        with contextlib.suppress(OSError):
            (self.path / PARTS).rmdir()
            self.path.rmdir()


def read_manifest(path: Path) -> dict[str, Any] | None:
    """Read ``path/manifest.json`` or return None; a broken one is a clear error."""
    file = path / MANIFEST
    if not file.exists():
        return None
    try:
        return json.loads(file.read_text())
    except (OSError, ValueError) as exc:
        raise UserError(f"{file}: unreadable manifest ({exc})") from None


def _check_reuse(path: Path, sweep_id: str, resume: bool, existed: bool) -> None:
    if not existed:
        if resume:
            raise UserError(f"{path}: nothing to resume (no such directory)")
        return
    manifest = read_manifest(path)
    if manifest is None:
        if any(p.name != ".lock" for p in path.iterdir()):
            raise UserError(f"{path}: directory is not empty and holds no sweep; choose "
                            "another --out")
        if resume:
            raise UserError(f"{path}: nothing to resume (no manifest.json)")
        return
    if manifest.get("sweep_id") != sweep_id:
        raise UserError(f"{path}: holds another sweep ({manifest.get('scenario', {}).get('name')}"
                        f", id {manifest.get('sweep_id', '?')[:12]}); choose another --out")
    if not resume:
        raise UserError(f"{path}: already holds this sweep (status "
                        f"{manifest.get('status', '?')}); pass --resume to continue it")
