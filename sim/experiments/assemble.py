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
from sim.experiments.parts import PART_NAME
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
        yield from _part_dataset(file, parts.schema).to_batches(
            columns=None if columns is None else list(columns), use_threads=False)


#: Most rows in one row group of the assembled table. A point is one row group up to
#: this size: every row group costs the writer about 0.1 MiB of metadata it keeps to
#: the end (10 row groups a point made 10^6 replications peak at 351 MiB).
ROWS_PER_GROUP = 65_536
#: Rows of small part files gathered before they are copied into one compact table
#: (each small Arrow table costs far more than its data).
ROWS_PER_PIECE = 1024


def _point_tables(parts: Parts) -> Iterator[pa.Table]:
    """Every stored replication, by point then replication, as the assembled table's row groups.

    A point whose parts cover disjoint runs of replications (every fresh study) is
    streamed file by file, each file sorted, in groups of about :data:`ROWS_PER_GROUP`
    rows, so memory does not grow with the point's size. After a resume with other
    chunk sizes one part may hold replications that lie between those of another;
    such a point is sorted whole in memory.
    """
    for _, group in itertools.groupby(parts.files, key=_point_of):
        files = list(group)
        tables = (_read_part(file, parts.schema) for file in files)
        if _disjoint(files):
            yield from _regrouped(table.sort_by("replication") for table in tables)
        else:
            yield pa.concat_tables(list(tables)).sort_by("replication")


def _part_dataset(file: Path, schema: pa.Schema) -> ds.Dataset:
    """One part file as a dataset of its own, in the common schema."""
    return ds.dataset(str(file), schema=schema, format="parquet")


def _read_part(file: Path, schema: pa.Schema) -> pa.Table:
    """One part file in the common schema (its reader let go once read)."""
    return _part_dataset(file, schema).to_table(use_threads=False)


def _disjoint(files: Sequence[Path]) -> bool:
    """Whether the parts' replication ranges (from their names) follow one another."""
    ranges = [PART_NAME.fullmatch(file.name) for file in files]
    if any(match is None for match in ranges):
        return False
    bounds = [(int(m.group(2)), int(m.group(3))) for m in ranges if m is not None]
    return all(first > last for (_, last), (first, _) in itertools.pairwise(bounds))


def _regrouped(tables: Iterable[pa.Table]) -> Iterator[pa.Table]:
    """The rows of ``tables`` in order, as tables of at most about ROWS_PER_GROUP rows.

    Small tables are compacted every ROWS_PER_PIECE rows, so what is held is the
    group's data, not the overhead of hundreds of small tables.
    """
    pieces: list[pa.Table] = []
    pending: list[pa.Table] = []
    rows = pending_rows = 0
    for table in tables:
        pending.append(table)
        pending_rows += table.num_rows
        if pending_rows >= ROWS_PER_PIECE:
            pieces.append(pa.concat_tables(pending).combine_chunks())
            rows += pending_rows
            pending, pending_rows = [], 0
            if rows >= ROWS_PER_GROUP:
                yield pa.concat_tables(pieces)
                pieces, rows = [], 0
    if pending or pieces:
        yield pa.concat_tables([*pieces, *pending])


def assembled_groups(file: Path) -> Iterator[tuple[int, pd.DataFrame]]:
    """Each point's replications read back from an assembled table, one point at a time.

    :func:`write_replications` writes each point as row groups of its own, so the
    summary reads the parts only once, through this file; the row groups of a point
    are found from the file's statistics and read together.
    """
    handle = pq.ParquetFile(file)
    for point, groups in itertools.groupby(range(handle.num_row_groups),
                                           key=lambda index: _point_of_group(handle, index)):
        table = handle.read_row_groups(list(groups), use_threads=False)
        yield point, table.to_pandas(split_blocks=True, self_destruct=True)


def _point_of_group(handle: pq.ParquetFile, index: int) -> int:
    """The point a row group of the assembled table holds (from its statistics)."""
    column = handle.schema_arrow.get_field_index("point")
    statistics = handle.metadata.row_group(index).column(column).statistics
    if statistics is None or not statistics.has_min_max:
        return int(handle.read_row_group(index, columns=["point"])["point"][0].as_py())
    return int(statistics.min)


#: Each point's replications as (point index, DataFrame), points ascending.
PointGroups: TypeAlias = Iterable[tuple[int, pd.DataFrame]]


def groups_in_memory(frame: pd.DataFrame) -> Iterator[tuple[int, pd.DataFrame]]:
    """A per-replication table held in memory as point groups, points ascending."""
    for _, group in frame.groupby("point", sort=True):
        yield int(group["point"].iloc[0]), group.reset_index(drop=True)


def with_points(plan: Plan, groups: PointGroups) -> Iterator[tuple[Point, pd.DataFrame | None]]:
    """Every point of ``plan`` in order with its replications (None: none stored).

    A point's group is let go before the next is read, so a caller that also drops
    its own reference (``del``) holds one point at a time.
    """
    pending = iter(groups)
    current = next(pending, None)
    for point in plan.points:
        if current is not None and current[0] == point.index:
            group, current = current[1], None
            yield point, group
            del group
            current = next(pending, None)
        else:
            yield point, None


def _point_of(file: Path) -> int:
    """The point a part file belongs to (``point-PPPP-...``)."""
    return int(file.name.split("-")[1])


def write_replications(results_dir: Path, name: str = "replications.parquet",
                       csv_name: str | None = None) -> int:
    """Write every stored replication, in order, to one Parquet file; return the row count.

    With ``csv_name``, the same rows also go to a CSV file, converted from the Parquet
    file a row group at a time.
    """
    parts = stored_parts(results_dir)
    if parts is None:
        return 0
    rows = 0

    def write(handle: BinaryIO) -> None:
        nonlocal rows
        with pq.ParquetWriter(handle, parts.schema) as writer:
            for table in _point_tables(parts):  # row groups never mix points
                rows += table.num_rows
                writer.write_table(table, row_group_size=max(1, table.num_rows))  # one group

    with storing(results_dir):
        store.atomic_write(results_dir / name, write)  # one place to write (and to fault)
        if csv_name is not None:  # from the assembled table, not from every part again
            store.atomic_write(results_dir / csv_name,
                               lambda handle: _write_csv(handle, results_dir / name))
    return rows


def _write_csv(handle: BinaryIO, assembled: Path) -> None:
    """The assembled table as CSV with one header, one row group at a time."""
    table = pq.ParquetFile(assembled)
    with pa_csv.CSVWriter(handle, table.schema_arrow) as writer:
        for index in range(table.num_row_groups):
            writer.write_table(table.read_row_group(index, use_threads=False))


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
