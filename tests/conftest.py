"""Shared fixtures: small scenarios built from the schema, and the shipped scenario files."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest

from sim.scenario.build import scenario_from_dict
from sim.scenario.paths import merge
from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"

# A test run started in the background of a script (`pytest &`) inherits Ctrl-C ignored,
# and so would every command the tests start; the Ctrl-C tests need it delivered, as at a
# terminal. (Commands themselves keep an ignored Ctrl-C ignored: that is the user's wish.)
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

NO_DISRUPTION = {"probability": 0.0}
NO_BERTH_OUTAGES = {"maintenance_per_year": 0.0, "breakdowns_per_year": 0.0}


def deterministic_scenario(**overrides: Any) -> Scenario:
    """Weather, disruptions, other traffic, berth outages and every extra delay off; ample
    supply, port capacity and storage.

    ``overrides`` are nested dicts merged over that base, e.g. ``fleet={"tankers": 4}``.
    """
    data: dict[str, Any] = {
        "name": "deterministic",
        "run": {"horizon_days": 365, "warmup_days": 30, "replications": 1},
        "supply": {"export_mt_per_year": 100.0, "transcaspian_nomination_mt_per_year": 50.0,
                   "diversion": {"enabled": False}, "upstream_storage_t": 0.0},
        "russian_route": {"capacity_mt_per_year": 100.0, "disruption": NO_DISRUPTION,
                          "minor_halts": NO_DISRUPTION},
        "aktau": {"feeder_capacity_t_per_day": 1e6, "storage_t": 1e7,
                  "initial_level_fraction": 0.5, "berthing_hours": 0.0,
                  "oil_capacity_mt_per_year": 1000.0, "other_traffic_mt_per_year": 0.0,
                  "berth_outages": NO_BERTH_OUTAGES, "weather": {"enabled": False}},
        "fleet": {"sea_margin_fraction": 0.0, "maintenance_days_per_year": 0.0},
        "baku": {"berthing_hours": 0.0, "storage_t": 1e7, "initial_level_fraction": 0.0,
                 "other_traffic_mt_per_year": 0.0, "berth_outages": NO_BERTH_OUTAGES,
                 "weather": {"enabled": False}},
        "btc": {"allowance_mt_per_year": 60.0, "disruption": NO_DISRUPTION},
    }
    merge(data, overrides)
    return scenario_from_dict(data, where="deterministic_scenario")


@pytest.fixture
def scenarios_dir() -> Path:
    return SCENARIOS


@pytest.fixture(scope="session")
def tiny_sweep(tmp_path_factory) -> Path:
    """A finished tiny sweep (``tests/sweeps.py``): the reference tables of the reliability
    tests. Never change it; copy it."""
    from sim.cli import main
    from tests.sweeps import sweep_argv

    out = tmp_path_factory.mktemp("tiny") / "study"
    assert main(sweep_argv(out)) == 0
    return out
