"""Scenarios: the schema of every parameter, reading files (``extends``, ``--set``), sweep grids.

The flow of the package is scenario -> model -> experiments -> analysis -> report.
"""

from sim.scenario.build import scenario_from_dict, with_overrides
from sim.scenario.loader import LoadedScenario, load_scenario
from sim.scenario.schema import Scenario

__all__ = ["LoadedScenario", "Scenario", "load_scenario", "scenario_from_dict", "with_overrides"]
