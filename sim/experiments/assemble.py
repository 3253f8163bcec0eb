"""Whole tables from a results directory's parts, read as a stream (memory stays flat).

The parts (``parts/point-PPPP-reps-FFFFFF-LLLLLL.parquet``, one per chunk of
replications) are opened as one pyarrow dataset whose fragments are the files in
name order, so batches come point by point and, within a point, replication by
replication. Writing ``replications.parquet`` or summing per point reads one
record batch at a time; nothing holds every replication in memory.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from scipy import stats

from sim.analysis.stats import wilson_interval
from sim.experiments.results_dir import PARTS, atomic_write, storing

#: A record batch of the parts, or a DataFrame of replications held in memory.
Batch: TypeAlias = Any
FloatArray = npt.NDArray[np.float64]


def parts_dataset(results_dir: Path) -> ds.Dataset | None:
    """The parts of a results directory as one dataset (None if there are none).

    The schema is the union of the parts' schemas (read from their footers), so a
    column that is empty in one part and typed in another still lines up.
    """
    files = sorted((results_dir / PARTS).glob("point-*.parquet"))
    if not files:
        return None
    schema = pa.unify_schemas([pq.read_schema(f) for f in files],
                              promote_options="permissive").remove_metadata()
    return ds.dataset([str(f) for f in files], schema=schema, format="parquet")


def part_batches(dataset: ds.Dataset, columns: Sequence[str] | None = None
                 ) -> Iterator[pa.RecordBatch]:
    """Record batches of the dataset, file by file in name order."""
    for fragment in dataset.get_fragments():
        yield from fragment.to_batches(schema=dataset.schema,
                                       columns=None if columns is None else list(columns))


def write_replications(results_dir: Path, name: str = "replications.parquet") -> int:
    """Write every stored replication, in order, to one Parquet file; return the row count."""
    dataset = parts_dataset(results_dir)
    if dataset is None:
        return 0
    rows = 0

    def write(handle: BinaryIO) -> None:
        nonlocal rows
        with pq.ParquetWriter(handle, dataset.schema) as writer:
            for batch in part_batches(dataset):
                writer.write_batch(batch)
                rows += batch.num_rows

    with storing(results_dir):
        atomic_write(results_dir / name, write)
    return rows


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
