"""Discrete-event simulation of Kazakh crude exports: the Russian route vs. Aktau-Baku-BTC.

Public API::

    from sim import load_scenario, run_replications, summary, capacity_bound
"""

from __future__ import annotations

__version__ = "0.1.0"

from sim.bound import CapacityBound, capacity_bound
from sim.experiment import run_replications, summary
from sim.loader import load_scenario, scenario_from_dict
from sim.model import run_replication
from sim.results import ReplicationResult
from sim.scenario import Scenario

__all__ = ["CapacityBound", "ReplicationResult", "Scenario", "__version__", "capacity_bound",
           "load_scenario", "run_replication", "run_replications", "scenario_from_dict",
           "summary"]
