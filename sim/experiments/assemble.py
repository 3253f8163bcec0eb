"""Whole tables from a results directory's parts, read as a stream (memory stays flat).

The parts (``parts/point-PPPP-reps-FFFFFF-LLLLLL.parquet``, one per chunk of
replications) are read with pyarrow datasets under one schema (the union of the
parts'). The whole table is assembled one point at a time, sorted by replication
(:func:`write_replications`), and the summary reads it back point by point
(:func:`assembled_groups`); sums per point read one record batch at a time
(:func:`part_batches`). Nothing holds every replication in memory: at most one
point's.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from scipy import stats

from sim.analysis.stats import wilson_interval
from sim.experiments import results_dir as store
from sim.experiments.plan import Plan, Point
from sim.experiments.results_dir import PARTS, storing

#: A record batch of the parts, or a DataFrame of replications held in memory.
Batch: TypeAlias = Any
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Parts:
    """The part files of a results directory, in name order, and their common schema."""

    files: tuple[Path, ...]
    schema: pa.Schema


def stored_parts(results_dir: Path) -> Parts | None:
    """The parts of a results directory (None if there are none).

    The schema is the union of the parts' schemas (read from their footers), so a
    column that one part lacks (a field the first compared scenario does not
    override) or holds only empty values lines up with the others.
    """
    files = tuple(sorted((results_dir / PARTS).glob("point-*.parquet")))
    if not files:
        return None
    schema = pq.read_schema(files[0]).remove_metadata()
    for file in files[1:]:  # two schemas at a time: each carries pandas' metadata
        schema = pa.unify_schemas([schema, pq.read_schema(file).remove_metadata()],
                                  promote_options="permissive")
    return Parts(files, schema)


def part_batches(parts: Parts, columns: Sequence[str] | None = None) -> Iterator[pa.RecordBatch]:
    """Record batches of every part, file by file in name order, in the common schema.

    Each file is opened as a pyarrow dataset of its own and let go once read: one
    dataset over every file keeps each file's reader state and grows with the number
    of parts (about 0.25 MiB a file here), which is what an ensemble must not do.
    """
    for file in parts.files:
        dataset = ds.dataset(str(file), schema=parts.schema, format="parquet")
        yield from dataset.to_batches(columns=None if columns is None else list(columns),
                                      use_threads=False)


def _point_frames(parts: Parts) -> Iterator[tuple[int, pd.DataFrame]]:
    """Each point's stored replications sorted by replication, points ascending.

    Parts are named by their first and last replication, so after a resume one part
    may hold replications that lie between those of another: each point is sorted.
    Each file is read and let go before the next (read together, a point's few
    hundred small files cost several times their data in Arrow's buffers).
    """
    for point, files in itertools.groupby(parts.files, key=_point_of):
        frames = [ds.dataset(str(file), schema=parts.schema, format="parquet")
                  .to_table(use_threads=False).to_pandas() for file in files]
        frame = pd.concat(frames, ignore_index=True)
        yield point, frame.sort_values("replication", kind="stable").reset_index(drop=True)


def _point_tables(parts: Parts) -> Iterator[pa.Table]:
    """As :func:`_point_frames`, each point as an Arrow table in the parts' schema."""
    for _, frame in _point_frames(parts):
        yield pa.Table.from_pandas(frame, schema=parts.schema, preserve_index=False)


def assembled_groups(file: Path) -> Iterator[tuple[int, pd.DataFrame]]:
    """Each point's replications read back from an assembled table, one point at a time.

    :func:`write_replications` writes one row group per point (a large point may be
    split into several), so the summary reads the parts only once, through this file.
    """
    handle = pq.ParquetFile(file)
    point, frames = None, []
    for index in range(handle.num_row_groups):
        frame = handle.read_row_group(index, use_threads=False).to_pandas()
        here = int(frame["point"].iloc[0])
        if point is not None and here != point:
            yield point, pd.concat(frames, ignore_index=True)
            frames = []
        point = here
        frames.append(frame)
    if point is not None:
        yield point, pd.concat(frames, ignore_index=True)


#: Each point's replications as (point index, DataFrame), points ascending.
PointGroups: TypeAlias = Iterable[tuple[int, pd.DataFrame]]


def groups_in_memory(frame: pd.DataFrame) -> Iterator[tuple[int, pd.DataFrame]]:
    """A per-replication table held in memory as point groups, points ascending."""
    for _, group in frame.groupby("point", sort=True):
        yield int(group["point"].iloc[0]), group.reset_index(drop=True)


def with_points(plan: Plan, groups: PointGroups) -> Iterator[tuple[Point, pd.DataFrame | None]]:
    """Every point of ``plan`` in order with its replications (None: none stored)."""
    pending = iter(groups)
    current = next(pending, None)
    for point in plan.points:
        if current is not None and current[0] == point.index:
            yield point, current[1]
            current = next(pending, None)
        else:
            yield point, None


def _point_of(file: Path) -> int:
    """The point a part file belongs to (``point-PPPP-...``)."""
    return int(file.name.split("-")[1])


def write_replications(results_dir: Path, name: str = "replications.parquet",
                       csv_name: str | None = None) -> int:
    """Write every stored replication, in order, to one Parquet file; return the row count.

    With ``csv_name``, the same rows also go to a CSV file, batch by batch.
    """
    parts = stored_parts(results_dir)
    if parts is None:
        return 0
    if csv_name is not None:
        with storing(results_dir):
            store.atomic_write(results_dir / csv_name, lambda handle: _write_csv(handle, parts))
    rows = 0

    def write(handle: BinaryIO) -> None:
        nonlocal rows
        with pq.ParquetWriter(handle, parts.schema) as writer:
            for table in _point_tables(parts):  # one row group per point
                rows += table.num_rows
                writer.write_table(table)

    with storing(results_dir):
        store.atomic_write(results_dir / name, write)  # one place to write (and to fault)
    return rows


def _write_csv(handle: BinaryIO, parts: Parts) -> None:
    """Every replication as CSV with one header, point by point in replication order."""
    with pa_csv.CSVWriter(handle, parts.schema) as writer:
        for table in _point_tables(parts):
            writer.write_table(table)


@dataclass
class PointMoments:
    """Per point: replications, and the sum and sum of squares of each column."""

    count: FloatArray
    sums: dict[str, FloatArray]
    squares: dict[str, FloatArray]

    def mean(self, column: str) -> FloatArray:
        """Mean over each point's replications (NaN where a point has none)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.count > 0, self.sums[column] / self.count, math.nan)

    def interval(self, column: str, binary: bool) -> tuple[FloatArray, FloatArray]:
        """95% CI of each point's mean: Student t, or Wilson for 0/1 columns."""
        mean = self.mean(column)
        low, high = np.full_like(mean, math.nan), np.full_like(mean, math.nan)
        for i, (n, m) in enumerate(zip(self.count, mean, strict=True)):
            if binary and n > 0:
                low[i], high[i] = wilson_interval(float(m), int(n))
            elif n > 1:
                var = max(0.0, (self.squares[column][i] - n * m * m) / (n - 1))
                half = float(stats.t.ppf(0.975, n - 1)) * math.sqrt(var / n)
                low[i], high[i] = m - half, m + half
        return low, high


def point_moments(batches: Iterable[Batch], columns: Sequence[str], points: int
                  ) -> PointMoments:
    """Accumulate per-point counts, sums and sums of squares over a stream of batches."""
    count = np.zeros(points)
    sums = {c: np.zeros(points) for c in columns}
    squares = {c: np.zeros(points) for c in columns}
    for batch in batches:
        index = np.asarray(_column(batch, "point"), dtype=np.int64)
        count += np.bincount(index, minlength=points)
        for c in columns:
            values = np.asarray(_column(batch, c), dtype=float)
            sums[c] += np.bincount(index, weights=values, minlength=points)
            squares[c] += np.bincount(index, weights=values * values, minlength=points)
    return PointMoments(count, sums, squares)


def _column(batch: Batch, name: str) -> Any:
    if isinstance(batch, pd.DataFrame):
        return batch[name].to_numpy()
    return batch.column(name).to_numpy(zero_copy_only=False)
