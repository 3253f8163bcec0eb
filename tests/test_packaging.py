"""The installed package stands on its own: no module finds files through the repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_no_module_of_the_package_locates_files_relative_to_its_source():
    for path in (ROOT / "sim").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "__file__" not in text, f"{path.relative_to(ROOT)} reads a path from __file__"


@pytest.mark.slow
def test_a_non_editable_install_runs_from_another_directory(tmp_path):
    target = tmp_path / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                              "--target", str(target), str(ROOT)],
                             capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    scenario = str(ROOT / "scenarios" / "base.toml")
    done = subprocess.run([sys.executable, "-m", "sim", "run", scenario,
                           "--replications", "2", "--jobs", "1", "--json"], cwd=elsewhere,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(target)})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["kpis"]["transcaspian_mt_per_year"]["n"] == 2
    check = subprocess.run([sys.executable, "-c", "import sim.validation.history as h; "
                            "print(h.__file__); print(len(h.historical_volumes()))"],
                           cwd=elsewhere, capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(target)})
    where, count = check.stdout.split()
    assert where.startswith(str(target))
    assert int(count) > 0
