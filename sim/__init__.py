"""Discrete-event simulation of Kazakh crude exports: the Russian route vs. Aktau-Baku-BTC.

The package follows the flow of a study: :mod:`sim.scenario` (what to simulate) ->
:mod:`sim.model` (one replication) -> :mod:`sim.experiments` (many, on a back end)
-> :mod:`sim.analysis` (ceiling, statistics, theory) -> :mod:`sim.report`
(summaries, tables, figures); :mod:`sim.validation` holds the model to theory
and history. Public API::

    from sim import load_scenario, run_replications, run_summary, sweep, chain_bound
    from sim import headline                        # the README's main job
    from sim import sensitivity, compare, explore   # how sure, and which lever

The names are imported on first use, so ``python -m sim --help`` stays quick.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: Public name -> module that defines it.
_API = {
    "ChainBound": "sim.analysis.bound", "chain_bound": "sim.analysis.bound",
    "SweepResult": "sim.study", "run_replications": "sim.study",
    "sweep": "sim.study", "headline": "sim.study", "run_replication": "sim.model.replication",
    "ReplicationResult": "sim.model.results", "run_summary": "sim.report.summary",
    "LoadedScenario": "sim.scenario.loader", "load_scenario": "sim.scenario.loader",
    "Scenario": "sim.scenario.schema", "scenario_from_dict": "sim.scenario.build",
    "sensitivity": "sim.uncertainty", "compare": "sim.uncertainty", "explore": "sim.uncertainty",
    "SensitivityResult": "sim.analysis.sensitivity", "ComparisonResult": "sim.analysis.compare",
    "EnsembleResult": "sim.analysis.ensemble",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
