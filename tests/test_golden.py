"""Golden results: the shipped scenarios give exactly the stored numbers for their seed.

Optimisations must not change results; a deliberate model change regenerates the
files with ``python tests/make_golden.py`` and says why.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.make_golden import GOLDEN, golden_records

SCENARIOS = sorted(Path("scenarios").glob("*.toml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenario_reproduces_its_golden_numbers(path):
    expected = json.loads((GOLDEN / f"{path.stem}.json").read_text())
    actual = golden_records(path)
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected, strict=True):
        assert got.keys() == want.keys()
        for key, value in want.items():
            assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-9), (path.stem, key)
