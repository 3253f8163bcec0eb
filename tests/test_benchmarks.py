"""The benchmark scripts keep working (quick mode, no timing assertions)."""

from __future__ import annotations

import subprocess
import sys

import pytest

QUICK_REPORTS = {
    "benchmarks/run.py": ["Speed per replication-year", "minimal shuttle", "Headline sweep",
                          "parallel efficiency", "peak RSS", "horizon costs",
                          "Start-up and input errors"],
    "benchmarks/uncertainty.py": ["Sensitivity of base", "Compare base and expanded_fleet",
                                  "Ensemble", "peak RSS", "equals the uninterrupted run"],
    "benchmarks/memory.py": ["| 1,000 |", "peak RSS", "extrapolated to 10^6"],
    "benchmarks/horizon.py": ["5-year against 1-year horizon", "base.toml on the calendar",
                              "roadmap"],
}


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(QUICK_REPORTS))
def test_a_benchmark_in_quick_mode_runs_and_reports_every_section(script, tmp_path):
    out = tmp_path / "report.md"
    done = subprocess.run([sys.executable, script, "--quick", "--output", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    for heading in QUICK_REPORTS[script]:
        assert heading in text

