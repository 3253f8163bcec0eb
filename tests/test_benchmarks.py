"""The benchmark script keeps working (quick mode, no timing assertions)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.slow
def test_benchmark_quick_mode_runs_and_reports_every_section(tmp_path):
    out = tmp_path / "bench.md"
    done = subprocess.run([sys.executable, "benchmarks/run.py", "--quick", "--output", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    for heading in ["Speed per replication-year", "minimal shuttle", "Headline sweep",
                    "parallel efficiency", "peak RSS"]:
        assert heading in text


@pytest.mark.slow
def test_uncertainty_benchmark_quick_mode_reports_every_study(tmp_path):
    out = tmp_path / "uncertainty.md"
    done = subprocess.run([sys.executable, "benchmarks/uncertainty.py", "--quick", "--output",
                           str(out)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    for heading in ["Sensitivity of base", "Compare base and expanded_fleet", "Ensemble",
                    "peak RSS", "equals the uninterrupted run"]:
        assert heading in text


@pytest.mark.slow
def test_horizon_benchmark_quick_mode_reports_both_cases(tmp_path):
    out = tmp_path / "horizon.md"
    done = subprocess.run([sys.executable, "benchmarks/horizon.py", "--quick", "--output",
                           str(out)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    for heading in ["5-year against 1-year horizon", "base.toml on the calendar", "roadmap"]:
        assert heading in text
