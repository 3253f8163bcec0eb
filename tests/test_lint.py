"""The code passes the lint and type settings kept in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.slow
def test_ruff_passes_on_code_tests_benchmarks_and_notebooks():
    pytest.importorskip("ruff")
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "sim", "tests", "benchmarks",
                           "notebooks", "tools"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_mypy_passes_on_the_package_and_tools_with_every_def_typed():
    pytest.importorskip("mypy")
    done = subprocess.run([sys.executable, "-m", "mypy"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
