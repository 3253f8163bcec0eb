"""A refused command never deletes data: ``--out`` is resolved first, and only what the
command itself created is ever removed.

The cases are the ones a fault campaign found (issue 15, item 1); the property
test throws random ``--out`` strings at a tree of user files.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.errors import OutputError
from sim.experiments.results_dir import LOCK, ResultsDir

SCENARIO = str(Path(__file__).resolve().parent.parent / "scenarios" / "base.toml")
TINY = ["--param", "fleet.tankers", "--values", "6", "--replications", "2",
        "--set", "run.horizon_days=20", "--jobs", "1", "--no-figures"]


def sweep_into(out: str) -> int:
    return main(["sweep", SCENARIO, *TINY, "--out", out])


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder (None) below ``root``."""
    tree: dict[str, bytes | None] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            tree[os.path.relpath(os.path.join(dirpath, name), root)] = None
        for name in filenames:
            path = os.path.join(dirpath, name)
            tree[os.path.relpath(path, root)] = (b"<link>" if os.path.islink(path)
                                                 else Path(path).read_bytes())
    return tree


@pytest.fixture
def victim(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "victim"
    folder.mkdir()
    (folder / "thesis.txt").write_text("precious")
    return folder


def test_a_new_folder_then_dotdot_refers_to_the_existing_folder_and_deletes_nothing(victim,
                                                                                    capsys):
    before = snapshot(victim.parent)
    assert sweep_into("victim/newsub/..") == 2
    assert "directory is not empty and holds no sweep" in capsys.readouterr().err
    assert snapshot(victim.parent) == before


def test_a_missing_folder_then_dotdot_does_not_remove_the_folder_it_names(victim):
    before = snapshot(victim.parent)
    assert sweep_into("typo/../victim") == 2
    assert snapshot(victim.parent) == before


def test_dotdot_into_a_finished_sweep_is_refused_and_keeps_every_result(victim, capsys):
    assert sweep_into("study") == 0
    before = snapshot(victim.parent)
    assert sweep_into("study/x/..") == 2
    assert "already holds this sweep" in capsys.readouterr().err
    assert snapshot(victim.parent) == before


def test_dotdot_into_a_running_sweep_keeps_its_lock_manifest_and_parts(victim, capsys):
    assert sweep_into("study") == 0
    before = snapshot(victim.parent)
    with open(victim.parent / "study" / LOCK, "r+b") as held:  # a sweep is writing
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert sweep_into("study/x/..") == 2
        assert "another sweep is writing" in capsys.readouterr().err
        assert sweep_into("study/x/..") == 2  # and the lock still keeps a third one out
    assert snapshot(victim.parent) == before


def test_a_folder_of_user_tmp_files_is_not_treated_as_empty(victim, capsys):
    scratch = victim.parent / "scratch"
    scratch.mkdir()
    (scratch / "notes.tmp").write_text("mine")
    (scratch / ".draft.tmp").write_text("mine too")
    before = snapshot(victim.parent)
    assert sweep_into("scratch") == 2
    assert "holds no sweep" in capsys.readouterr().err
    assert snapshot(victim.parent) == before


def test_an_empty_out_is_refused_instead_of_writing_elsewhere(victim, capsys):
    before = snapshot(victim.parent)
    assert sweep_into("") == 2
    assert "empty directory name" in capsys.readouterr().err
    assert snapshot(victim.parent) == before


def test_a_symlink_out_is_followed_before_any_check(victim, capsys):
    (victim.parent / "link").symlink_to(victim)
    before = snapshot(victim.parent)
    assert sweep_into("link/new/..") == 2
    assert snapshot(victim.parent) == before


SEGMENTS = st.sampled_from(["victim", "..", ".", "new", "sub", "link", "thesis.txt",
                            "study", "empty", ""])


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(SEGMENTS, min_size=1, max_size=5), resume=st.booleans(),
       same_sweep=st.booleans())
def test_no_out_string_can_remove_or_change_a_file_that_existed(tmp_path_factory, parts,
                                                                resume, same_sweep):
    """Open (and, if it opens, discard) a results directory at a random ``--out``.

    Whatever the string, every file and folder of the user's tree is unchanged
    afterwards; only folders the command created itself may come and go.
    """
    root = tmp_path_factory.mktemp("tree")
    (root / "victim").mkdir()
    (root / "victim" / "thesis.txt").write_text("precious")
    (root / "victim" / "notes.tmp").write_text("mine")
    (root / "empty").mkdir()
    (root / "link").symlink_to(root / "victim")
    with ResultsDir.open(root / "study", "sweep-a", resume=False) as study:
        study.write_manifest({"sweep_id": "sweep-a", "status": "complete"})
    before = snapshot(root)
    out = os.path.join(str(root), *parts)
    try:
        with ResultsDir.open(Path(out), "sweep-a" if same_sweep else "sweep-b",
                             resume=resume) as opened:
            opened.discard_if_unused()
    except OutputError:
        pass
    after = snapshot(root)
    for name, content in before.items():
        if name.endswith(LOCK) or name.startswith("empty"):
            continue  # an empty folder may legitimately become a sweep's directory
        assert after.get(name, "<gone>") == content, (out, name)
