"""Parts: a sweep's replications stored as they complete, each file labelled with its sweep.

A part is a Parquet file of one chunk's rows whose key-value metadata holds a
:class:`PartLabel` (sweep id, point, replications, seed). On ``--resume`` every
part is read back and checked against the sweep being resumed: its label, its
file name, its columns and its rows must all agree. A part that does not (a
file copied from another sweep, another seed, another version, or edited) is
never mixed in: :func:`part_problem` says why, the results directory renames it
``*.foreign`` and its replications run again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

#: The key of the label in a part's Parquet metadata.
LABEL_KEY = b"caspian_sim.part"
#: Part file names: ``point-PPPP-reps-FFFFFF-LLLLLL.parquet``.
PART_NAME = re.compile(r"point-(\d{4})-reps-(\d{6})-(\d{6})\.parquet")


@dataclass(frozen=True)
class PartLabel:
    """What a part holds: replications ``replications`` of ``point`` of sweep ``sweep_id``."""

    sweep_id: str
    point: int
    replications: tuple[int, ...]
    seed: int

    def encode(self) -> bytes:
        """The label as JSON bytes for the Parquet metadata."""
        return json.dumps(asdict(self), sort_keys=True).encode()

    @classmethod
    def decode(cls, raw: bytes | None) -> PartLabel | None:
        """The label in ``raw``, or None if there is none or it is not one."""
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            label = cls(str(data["sweep_id"]), int(data["point"]),
                        tuple(int(k) for k in data["replications"]), int(data["seed"]))
        except (ValueError, TypeError, KeyError):
            return None
        return label


def part_table(frame: pd.DataFrame, label: PartLabel) -> pa.Table:
    """``frame`` as an Arrow table carrying ``label`` in its metadata."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return table.replace_schema_metadata({**(table.schema.metadata or {}),
                                          LABEL_KEY: label.encode()})


def read_part(file: Path) -> tuple[pd.DataFrame, PartLabel | None]:
    """A part's rows and label; raises OSError or ValueError if it cannot be read."""
    try:
        metadata = pq.read_schema(file).metadata or {}
        return pd.read_parquet(file), PartLabel.decode(metadata.get(LABEL_KEY))
    except pa.ArrowException as exc:  # not Parquet, cut short ...
        raise ValueError(str(exc)) from None


def part_problem(file: Path, frame: pd.DataFrame, label: PartLabel | None, sweep_id: str,
                 points: Mapping[int, tuple[int, dict[str, Any]]], columns: Sequence[str],
                 stored: Mapping[int, set[int]]) -> str | None:
    """Why a part does not belong to the sweep being resumed, or None if it does.

    ``points`` maps each point of the sweep to its seed and swept values,
    ``columns`` are the columns every part holds, and ``stored`` the replications
    of each point already taken from other parts.
    """
    if label is None:
        return "it carries no sweep label (written by another program or version)"
    if label.sweep_id != sweep_id:
        return f"it belongs to another sweep (id {label.sweep_id[:12]})"
    if label.point not in points:
        return f"its point {label.point} is not in this sweep"
    seed, values = points[label.point]
    if label.seed != seed:
        return f"it was run with seed {label.seed}, this point with {seed}"
    name = PART_NAME.fullmatch(file.name)
    if name is None or (int(name.group(1)), int(name.group(2)), int(name.group(3))) != (
            label.point, min(label.replications, default=-1), max(label.replications, default=-1)):
        return "its file name does not match its label"
    if list(frame.columns) != list(columns):
        return "its columns are not those of this sweep"
    if sorted(frame["replication"].tolist()) != sorted(label.replications):
        return "its rows are not the replications its label names"
    if not ((frame["point"] == label.point).all() and (frame["seed"] == seed).all()
            and all(_all_equal(frame[path], value) for path, value in values.items())):
        return "its rows are not of the point and seed its label names"
    if stored.get(label.point, set()) & set(label.replications):
        return "it repeats replications already stored in another part"
    return None


def _all_equal(column: pd.Series, value: Any) -> bool:
    """Whether every cell of ``column`` holds ``value`` (a number, a name or a list)."""
    if isinstance(value, list | tuple):
        return bool(column.map(lambda cell: list(cell) == list(value)).all())
    return bool((column == value).all())
