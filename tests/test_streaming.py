"""Studies stream: with a results directory, rows stay on disk and memory stays flat.

The runner keeps one byte and one float per stored replication; the summary and the
whole tables are read back from the parts, one point (or record batch) at a time.
The numbers are the same as a study held in memory.
"""

from __future__ import annotations

import shutil
from collections import namedtuple

import pandas as pd
import pytest

from sim.errors import OutputError, ScenarioError
from sim.experiments.stored import StoredReplications
from sim.scenario.loader import load_scenario
from sim.study import sweep
from tests.conftest import SCENARIOS

FAST = ["run.horizon_days=20", "run.warmup_days=0"]


def test_stored_replications_know_which_are_stored_and_their_values():
    stored = StoredReplications()
    stored.add(3, 4.5)
    stored.add(0, 1.0)
    stored.add(3, 4.5)  # stored again (a resumed part): counted once
    assert len(stored) == 2
    assert 0 in stored
    assert 3 in stored
    assert 1 not in stored
    assert 99 not in stored
    assert stored[3] == 4.5
    assert list(stored) == [0, 3]
    assert not stored.has_all(2)
    stored.add(1, 2.0)
    stored.add(2, 3.0)
    assert stored.has_all(4)
    assert not stored.has_all(5)
    with pytest.raises(KeyError):
        stored[7]
    assert dict(stored) == {0: 1.0, 1: 2.0, 2: 3.0, 3: 4.5}


def test_a_sweep_on_disk_has_the_numbers_of_the_same_sweep_in_memory(tmp_path):
    loaded = load_scenario(SCENARIOS / "base.toml", FAST)
    grid = {"fleet.tankers": [4, 6]}
    in_memory = sweep(loaded, grid, replications=6, seed=11, jobs=1, figures=False)
    on_disk = sweep(loaded, grid, replications=6, seed=11, jobs=1, figures=False,
                    out=tmp_path / "out", csv=True)
    pd.testing.assert_frame_equal(on_disk.summary, in_memory.summary)
    from_disk = on_disk.replications
    pd.testing.assert_frame_equal(from_disk[in_memory.replications.columns],
                                  in_memory.replications, check_dtype=False)
    csv = pd.read_csv(tmp_path / "out" / "replications.csv")
    assert len(csv) == 12
    assert csv["transcaspian_mt_per_year"].tolist() == pytest.approx(
        in_memory.replications["transcaspian_mt_per_year"].tolist())


def test_a_study_too_large_for_memory_is_refused_without_a_results_directory(monkeypatch):
    monkeypatch.setattr("sim.experiments.plan.MAX_IN_MEMORY_REPLICATIONS", 10)
    loaded = load_scenario(SCENARIOS / "base.toml", FAST)
    with pytest.raises(ScenarioError, match="give a results directory"):
        sweep(loaded, {"fleet.tankers": [4, 6]}, replications=6, jobs=1, figures=False)


def test_a_study_that_would_fill_the_disk_is_refused_before_anything_is_written(
        tmp_path, monkeypatch):
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 10_000, 10_000))
    loaded = load_scenario(SCENARIOS / "base.toml", FAST)
    with pytest.raises(OutputError, match=r"12 replications need about .* GB free"):
        sweep(loaded, {"fleet.tankers": [4, 6]}, replications=6, jobs=1, figures=False,
              out=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def _write_part(folder, point, replications):
    """A part file named as the runner names it (PART_NAME), holding ``replications`` in order."""
    name = f"point-{point:04d}-reps-{min(replications):06d}-{max(replications):06d}.parquet"
    frame = pd.DataFrame({"point": point, "replication": replications,
                          "transcaspian_mt_per_year": [float(r) for r in replications]})
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(folder / name, index=False)


def _assembled(results_dir):
    from sim.experiments.assemble import assembled_groups, write_replications
    rows = write_replications(results_dir)
    return rows, {point: group["replication"].tolist()
                  for point, group in assembled_groups(results_dir / "replications.parquet")}


def test_the_whole_table_is_assembled_in_row_groups_that_never_mix_points(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    from sim.experiments import assemble
    monkeypatch.setattr(assemble, "ROWS_PER_PIECE", 2)
    monkeypatch.setattr(assemble, "ROWS_PER_GROUP", 5)
    parts = tmp_path / "parts"
    for first in range(0, 12, 3):  # point 0: four parts of three, one stored out of order
        _write_part(parts, 0, [first + 2, first, first + 1] if first == 3 else
                    [first, first + 1, first + 2])
    _write_part(parts, 1, [0, 1])
    rows, groups = _assembled(tmp_path)
    assert rows == 14
    assert groups == {0: list(range(12)), 1: [0, 1]}
    handle = pq.ParquetFile(tmp_path / "replications.parquet")
    sizes = [handle.metadata.row_group(i).num_rows for i in range(handle.num_row_groups)]
    assert sizes == [6, 6, 2]  # a group ends once it holds 5 rows or more; points apart


def test_parts_that_overlap_after_a_resume_are_sorted_whole(tmp_path):
    parts = tmp_path / "parts"
    _write_part(parts, 0, [0, 4, 8])  # a resume with other chunks: ranges interleave
    _write_part(parts, 0, [1, 2, 3, 5])
    _write_part(parts, 0, [6, 7])
    rows, groups = _assembled(tmp_path)
    assert rows == 9
    assert groups == {0: list(range(9))}
