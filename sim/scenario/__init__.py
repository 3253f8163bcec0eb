"""Scenarios: the schema of every parameter, reading files (``extends``, ``--set``), sweep grids.

The flow of the package is scenario -> model -> experiments -> analysis -> report.
The names below are imported on first use, so a module of this package (say
:mod:`sim.scenario.toml_io`) can be imported without building the whole schema.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name -> module that defines it.
_API = {"LoadedScenario": "sim.scenario.loader", "load_scenario": "sim.scenario.loader",
        "Scenario": "sim.scenario.schema", "scenario_from_dict": "sim.scenario.build",
        "with_overrides": "sim.scenario.build"}

__all__ = list(_API)


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'sim.scenario' has no attribute {name!r}")
