"""The code passes the lint and type settings kept in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_ruff_passes_on_code_tests_benchmarks_and_notebooks():
    pytest.importorskip("ruff")
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "sim", "tests", "benchmarks",
                           "notebooks"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_passes_on_the_package():
    pytest.importorskip("mypy")
    done = subprocess.run([sys.executable, "-m", "mypy", "sim"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
