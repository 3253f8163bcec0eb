"""The results directory of a sweep: atomic files, a lock, a manifest, resumable parts.

Layout::

    DIR/manifest.json            what was run (resolved scenario, hash, seeds, command, times,
                                 and a command that reruns each point)
    DIR/scenario.toml            the resolved scenario the points were derived from
    DIR/parts/*.parquet          replications as they complete (one file per chunk, labelled)
    DIR/replications.parquet     every replication, sorted by point and replication
    DIR/replications.csv         the same, on request (--csv)
    DIR/summary.csv              one row per point: mean, CI, P5/P50/P95 of every KPI
    DIR/years.parquet|csv        with run.start_date: one row per replication and calendar year
                                 (not written by a command that resumed stored replications)
    DIR/years_summary.csv        one row per point and calendar year: mean, CI, n
    DIR/failures.json            replications that raised (point, replication, seed, error,
                                 and a command that reruns that replication alone)
    DIR/figures/*.png|svg        capacity curve, probability of the target, binding chart

Every file is written to a temporary name in the same directory, flushed to disk
and renamed into place, so a killed sweep leaves only whole files (and perhaps a
stray ``.*.tmp``, removed on resume). An exclusive lock on ``DIR/.lock``
(:mod:`sim.experiments.lock`), taken before anything in the directory is
examined, keeps a second sweep out of a directory that one is writing; it
belongs to the command alone, so a killed sweep's lock is free for
``--resume``. Any failure to write (read-only, disk full) is an
:class:`~sim.errors.OutputError` naming the file; files already stored are
never touched by a failed write.

Each part carries its sweep id, point, replications and seed
(:mod:`sim.experiments.parts`); on resume a part that is not this sweep's is
renamed ``*.foreign`` and its replications run again, never mixed in. The
manifest is checked for the keys and types this program reads before it is used.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
import pyarrow.parquet as pq

from sim.errors import OutputError, notice, one_line, show_value
from sim.experiments.lock import LOCK, SweepLock
from sim.experiments.manifest import check_manifest
from sim.experiments.parts import PartLabel, part_problem, part_table, read_part

MANIFEST = "manifest.json"
PARTS = "parts"
FAILURES = "failures.json"
UNREADABLE = ".unreadable"
FOREIGN = ".foreign"
#: Longest file name and path most file systems allow (bytes).
NAME_MAX, PATH_MAX = 255, 4096


def atomic_write(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write a file by ``write(handle)`` to a temporary name, fsync, then rename into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
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
    """Return the process umask (read without changing it for longer than a moment)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def storing(path: Path) -> Iterator[None]:
    """Turn a failure to write below ``path`` into an OutputError naming it and the reason."""
    try:
        yield
    except OSError as exc:
        target = exc.filename or path
        raise OutputError(f"{target}: cannot write results ({exc.strerror or exc})") from None


def write_json(path: Path, data: Any) -> None:
    """Atomically write ``data`` as indented JSON."""
    text = json.dumps(data, indent=2, default=str).encode()
    atomic_write(path, lambda handle: handle.write(text))


def write_text(path: Path, text: str) -> None:
    """Atomically write UTF-8 text."""
    data = text.encode()
    atomic_write(path, lambda handle: handle.write(data))


def write_parquet(path: Path, frame: pd.DataFrame) -> None:
    """Atomically write a DataFrame as Parquet (types preserved)."""
    atomic_write(path, lambda handle: frame.to_parquet(handle, index=False))


#: Disk a stored replication takes, conservatively: its share of a part file (about
#: 1.7 kB in parts of 25 replications, most of it the file's own metadata) plus its
#: row in the assembled ``replications.parquet``, and in ``replications.csv`` if asked.
PART_BYTES_PER_REPLICATION = 2_000
CSV_BYTES_PER_REPLICATION = 1_500


def check_disk_space(out: str | Path, replications: int, csv: bool = False) -> None:
    """Refuse to start a study whose results would not fit on the disk of ``out``.

    Raises :class:`~sim.errors.OutputError` before anything is written.
    """
    path = resolve_out(out)
    existing = next(p for p in (path, *path.parents) if p.exists())
    needed = replications * (PART_BYTES_PER_REPLICATION
                             + (CSV_BYTES_PER_REPLICATION if csv else 0))
    free = shutil.disk_usage(existing).free
    if needed > free:
        raise OutputError(f"{path}: {replications:,} replications need about "
                          f"{needed / 1e9:,.1f} GB and {existing} has {free / 1e9:,.1f} GB "
                          "free; free some space, choose another --out, or run fewer "
                          "replications")


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """Atomically write a DataFrame as CSV."""
    atomic_write(path, lambda handle: handle.write(frame.to_csv(index=False).encode()))


class ResultsDir:
    """An open, locked results directory for one sweep identified by ``sweep_id``.

    ``path`` is the resolved directory (``..`` and symlinks followed before any
    check). The directory remembers exactly what this command created (folders,
    the lock file, the files it wrote), and a refusal or an empty stop removes
    only those: never a file or folder that existed before the command started,
    and never a file someone else put there meanwhile.
    """

    def __init__(self, path: Path, sweep_id: str, created_dirs: list[Path], lock: SweepLock,
                 lock_created: bool) -> None:
        self.path, self.sweep_id = path, sweep_id
        self._created_dirs, self._lock, self._lock_created = created_dirs, lock, lock_created
        self._written: set[Path] = set()

    @property
    def created(self) -> bool:
        """Whether this sweep created the directory."""
        return bool(self._created_dirs)

    @classmethod
    @contextlib.contextmanager
    def open(cls, out: str | Path, sweep_id: str, resume: bool) -> Iterator[ResultsDir]:
        """Create or reopen ``path`` for the sweep ``sweep_id``; refuse any other sweep's.

        The lock is taken first, so the checks that follow cannot race with
        another sweep starting on the same directory. On ``--resume``, the lock of
        a sweep that was killed is taken over with a one-line notice.
        """
        path = resolve_out(out)
        if _exists(path) and not path.is_dir():
            raise OutputError(f"{path}: exists and is not a directory; choose another --out")
        if resume and not _exists(path):
            raise OutputError(f"{path}: nothing to resume (no such directory)")
        created_dirs = _make_directory(path)
        lock_created = not (path / LOCK).exists()
        try:
            lock = SweepLock.take(path, resume)
        except BaseException:
            _undo(path, created_dirs, lock_created=lock_created and not (path / LOCK).exists(),
                  parts_created=False)
            raise
        try:
            parts_created = False
            try:
                _check_reuse(path, sweep_id, resume)
                with storing(path):
                    _remove_temporaries(path)
                    parts_created = not (path / PARTS).exists()
                    (path / PARTS).mkdir(exist_ok=True)
            except BaseException:
                _undo(path, created_dirs, lock_created, parts_created)
                raise
            gone = lock.abandoned_by()
            if resume and gone is not None:
                how = ("is gone, but processes it left behind still held its lock; taking "
                       "the lock over" if lock.taken_over else "ended without releasing its "
                       "lock; taking the lock")
                notice(f"{path}: the sweep that was writing here ({gone.text}) {how} (now "
                       f"pid {os.getpid()}) and resuming")
            yield cls(path, sweep_id, created_dirs, lock, lock_created)
        finally:
            lock.release()

    def read_manifest(self) -> dict[str, Any] | None:
        """Return the stored manifest, if any."""
        return read_manifest(self.path)

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Store the manifest atomically."""
        with storing(self.path):
            write_json(self.path / MANIFEST, manifest)
        self._written.add(self.path / MANIFEST)

    def write_failures(self, failures: list[dict[str, Any]]) -> None:
        """Store the list of failed replications atomically."""
        with storing(self.path):
            write_json(self.path / FAILURES, failures)
        self._written.add(self.path / FAILURES)

    def write_text(self, name: str, text: str) -> None:
        """Store a text file (e.g. the resolved scenario) atomically."""
        with storing(self.path):
            write_text(self.path / name, text)
        self._written.add(self.path / name)

    def part_path(self, point: int, first: int, last: int) -> Path:
        """File name of the part holding replications ``first..last`` of ``point``."""
        return self.path / PARTS / f"point-{point:04d}-reps-{first:06d}-{last:06d}.parquet"

    def store_part(self, point: int, seed: int, replications: list[int],
                   frame: pd.DataFrame) -> None:
        """Store one chunk's rows as a part file labelled with this sweep, point and seed."""
        table = part_table(frame, PartLabel(self.sweep_id, point, tuple(replications), seed))
        with storing(self.path):
            atomic_write(self.part_path(point, min(replications), max(replications)),
                         lambda handle: pq.write_table(table, handle))

    def stored_parts(self, points: Mapping[int, tuple[int, dict[str, Any]]],
                     columns: Sequence[str], keep: Sequence[str] | None = None
                     ) -> pd.DataFrame | None:
        """Every replication stored in parts of this sweep so far (None if there are none).

        ``points`` maps each point to its seed and swept values and ``columns`` are
        the columns of a part; ``keep`` (None: all) are the columns returned, so a
        study that needs a few columns holds only those in memory (parts are read
        one at a time). A part that cannot be read (it should not happen: parts are
        written atomically) is renamed ``*.unreadable``, and one that belongs
        elsewhere (another sweep, seed or point; see
        :func:`~sim.experiments.parts.part_problem`) ``*.foreign``, each with a
        one-line notice; their replications run again.
        """
        frames: list[pd.DataFrame] = []
        stored: dict[int, set[int]] = {}
        for file in sorted((self.path / PARTS).glob("point-*.parquet")):
            try:
                frame, label = read_part(file)
            except (OSError, ValueError) as exc:
                self._set_aside(file, UNREADABLE, f"unreadable ({one_line(str(exc))[:80]})")
                continue
            problem = part_problem(file, frame, label, self.sweep_id, points, columns, stored)
            if problem is not None:
                self._set_aside(file, FOREIGN, problem)
                continue
            assert label is not None
            stored.setdefault(label.point, set()).update(label.replications)
            frames.append(frame if keep is None else frame[list(keep)])
        return pd.concat(frames, ignore_index=True) if frames else None

    def _set_aside(self, file: Path, suffix: str, why: str) -> None:
        """Rename a part that will not be used to ``NAME<suffix>`` and say so."""
        target = file.with_name(file.name + suffix)
        number = 1
        while target.exists():
            number += 1
            target = file.with_name(f"{file.name}{suffix}.{number}")
        with storing(self.path):
            file.rename(target)
        notice(f"{file}: set aside as {target.name}, not used: {why}; its replications "
               "run again")

    def holds_results(self) -> bool:
        """Whether any replication or failure has been stored."""
        return (self.path / FAILURES).exists() or any((self.path / PARTS).glob("*.parquet"))

    def discard_if_unused(self) -> None:
        """Remove what this sweep created if it created the directory and stored nothing.

        Only the files this command wrote, its lock file, an empty parts folder and
        the (then empty) folders it created go; anything else keeps them in place.
        """
        if not self.created or self.holds_results():
            return
        for file in self._written:
            file.unlink(missing_ok=True)
        _undo(self.path, self._created_dirs, self._lock_created, parts_created=True)


def resolve_out(out: str | Path) -> Path:
    """The results directory ``out`` as an absolute path, ``..`` and symlinks resolved.

    Resolving first means every later check and every removal acts on the
    directory the name really points to (``new/..`` is the current directory,
    not a new folder). An empty name is refused.
    """
    text = os.fspath(out)
    if not text.strip():
        raise OutputError("--out: empty directory name; give a directory, e.g. runs/study")
    if "\x00" in text:
        raise OutputError(f"--out: {text!r}: a directory name cannot contain a NUL byte")
    try:
        path = Path(os.path.realpath(text))
    except (OSError, ValueError) as exc:
        raise OutputError(f"--out: {text!r}: not a usable directory name ({exc})") from None
    longest = max(path.parts, key=lambda part: len(os.fsencode(part)))
    if len(os.fsencode(longest)) > NAME_MAX:
        raise OutputError(f"--out: {show_value(text)}: a folder name of "
                          f"{len(os.fsencode(longest)):,} bytes ({show_value(longest, 40)}); "
                          f"names may be at most {NAME_MAX} bytes")
    if len(os.fsencode(str(path))) > PATH_MAX:
        raise OutputError(f"--out: {show_value(text)}: a path of {len(os.fsencode(str(path))):,} "
                          f"bytes; paths may be at most {PATH_MAX} bytes")
    return path


def _exists(path: Path) -> bool:
    """Whether ``path`` exists; a name the system cannot look up is an OutputError."""
    try:
        return path.exists()
    except OSError as exc:
        raise OutputError(f"{path}: not a usable directory name ({exc.strerror})") from None


def read_manifest(path: Path) -> dict[str, Any] | None:
    """Read ``path/manifest.json`` or return None; a broken one is a clear error."""
    file = path / MANIFEST
    if not file.exists():
        return None
    try:
        manifest = json.loads(file.read_text())
    except (OSError, ValueError, RecursionError) as exc:
        raise OutputError(f"{file}: unreadable manifest ({exc})") from None
    return check_manifest(manifest, file)


def _make_directory(path: Path) -> list[Path]:
    """Create ``path`` (and missing parents); return the folders created, outermost first.

    ``path`` must already be resolved (:func:`resolve_out`), so that every folder
    listed is one this command really made.
    """
    missing = []
    for candidate in (path, *path.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    created: list[Path] = []
    try:
        for folder in reversed(missing):
            folder.mkdir()
            created.append(folder)
    except FileExistsError:  # made by someone else meanwhile: not ours to remove
        if not path.is_dir():
            _remove_empty(created)
            raise OutputError(f"{path}: cannot create the results directory") from None
    except OSError as exc:
        _remove_empty(created)
        raise OutputError(f"{path}: cannot create the results directory "
                          f"({exc.strerror or exc})") from None
    return created


def _check_reuse(path: Path, sweep_id: str, resume: bool) -> None:
    """Refuse a directory that holds another sweep, or this one without --resume."""
    manifest = read_manifest(path)
    if manifest is None:
        if not _holds_nothing(path):
            raise OutputError(f"{path}: directory is not empty and holds no sweep; choose "
                              "another --out")
        return  # nothing was stored yet: starting and resuming are the same
    if manifest.get("sweep_id") != sweep_id:
        name = (manifest.get("scenario") or {}).get("name", "?")
        raise OutputError(f"{path}: holds another sweep ({name}, id "
                          f"{str(manifest.get('sweep_id', '?'))[:12]}); choose another --out")
    if not resume:
        raise OutputError(f"{path}: already holds this sweep (status "
                          f"{manifest.get('status', '?')}); pass --resume to continue it")


def _holds_nothing(path: Path) -> bool:
    """Tell whether ``path`` holds only what a sweep leaves before its manifest.

    That is the lock file, an empty parts folder, and a temporary of the
    manifest or scenario file cut short by a kill; any other file (a user's
    ``notes.tmp`` included) means the directory is not ours.
    """
    for entry in path.iterdir():
        if entry.name == LOCK or _is_our_temporary(entry.name, _OWN_FILES):
            continue
        if entry.name == PARTS and entry.is_dir() and not any(entry.iterdir()):
            continue
        return False
    return True


#: Files a sweep writes in its results directory (temporaries are ``.NAME.XXXXXXXX.tmp``).
_OWN_FILES = re.compile(r"manifest\.json|scenario\.toml|failures\.json|summary\.csv"
                        r"|replications\.(parquet|csv)|lock"
                        r"|design\.csv|sensitivity\.csv|indices\.csv|comparison\.csv"
                        r"|experiments\.parquet|robust\.csv"
                        r"|years\.(parquet|csv)|years_summary\.csv")
_OWN_PARTS = re.compile(r"point-\d{4}-reps-\d{6}-\d{6}\.parquet")
_OWN_FIGURES = re.compile(r"[a-z0-9_]+\.(png|svg)")


def _is_our_temporary(name: str, own: re.Pattern[str]) -> bool:
    """Whether ``name`` is a temporary that :func:`atomic_write` makes for one of ``own``."""
    match = re.fullmatch(r"\.(.+)\.[a-z0-9_]{8}\.tmp", name)
    return match is not None and own.fullmatch(match.group(1)) is not None


def _remove_temporaries(path: Path) -> None:
    """Delete the temporaries a killed sweep left behind (called under the lock).

    Only names :func:`atomic_write` makes for the sweep's own files are removed.
    """
    for folder, own in ((path, _OWN_FILES), (path / PARTS, _OWN_PARTS),
                        (path / "figures", _OWN_FIGURES)):
        if folder.is_dir():
            for tmp in folder.glob(".*.tmp"):
                if _is_our_temporary(tmp.name, own):
                    tmp.unlink(missing_ok=True)


def _undo(path: Path, created_dirs: list[Path], lock_created: bool,
          parts_created: bool) -> None:
    """Remove what opening the directory created: lock, parts folder, new folders (if empty)."""
    if lock_created:
        (path / LOCK).unlink(missing_ok=True)
    if parts_created:
        with contextlib.suppress(OSError):
            (path / PARTS).rmdir()
    _remove_empty(created_dirs)


def _remove_empty(created_dirs: list[Path]) -> None:
    """Remove the folders this command created, innermost first, where they are empty."""
    for folder in reversed(created_dirs):
        with contextlib.suppress(OSError):
            folder.rmdir()
