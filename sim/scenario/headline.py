"""The headline study of a scenario: capacity by investment level, and surge absorbed against p.

The ``[headline]`` table names the investment levels a planner weighs (each a
list of ``PATH=VALUE`` changes to the scenario, like ``--set``, with the source
that makes it plausible) and how the two panels are run:

- **A. Capacity by investment level**: each level with nomination and BTC
  allowance raised above anything the chain can carry (diversion off), so the
  chain, not the contract, binds.
- **B. Surge absorbed**: each level at the contract nomination, against the
  Russian route's disruption probability, each replication paired with itself
  without diversion: the extra Trans-Caspian volume and the shut-in avoided.

:func:`headline_points` builds and validates every point; a bad change is
refused naming the level and the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.errors import ScenarioError
from sim.scenario.build import with_overrides
from sim.scenario.schema import Scenario
from sim.scenario.settings import InvestmentLevel
from sim.scenario.toml_io import parse_value

P_PATH = "russian_route.disruption.probability"


@dataclass(frozen=True)
class HeadlinePoint:
    """One point of the headline study: its panel, level, p and scenario."""

    panel: str  # "A" (capacity) or "B" (surge)
    level: str
    probability: float
    scenario: Scenario

    @property
    def values(self) -> dict[str, Any]:
        """The point's labels, as columns of the tables."""
        return {"panel": self.panel, "level": self.level, P_PATH: self.probability}


def headline_points(scenario: Scenario, where: str = "[headline]") -> list[HeadlinePoint]:
    """Every point of both panels, validated: panel A by level, then panel B by level and p."""
    settings = scenario.headline
    points = []
    for i, level in enumerate(settings.levels):
        changes = _changes(level, i, where)
        capacity = {**changes, "supply.transcaspian_nomination_mt_per_year":
                    settings.capacity_nomination_mt_per_year,
                    "btc.allowance_mt_per_year": settings.capacity_nomination_mt_per_year,
                    "supply.diversion.enabled": False, "run.compare_without_diversion": False}
        sc = _apply(scenario, capacity, level, i, where)
        points.append(HeadlinePoint("A", level.name, sc.russian_route.disruption
                                    .steady_state_probability, sc))
    for i, level in enumerate(settings.levels):
        changes = _changes(level, i, where)
        for p in settings.surge_probabilities:
            surge = {**changes, P_PATH: p,
                     "supply.transcaspian_nomination_mt_per_year":
                         settings.surge_nomination_mt_per_year,
                     "btc.allowance_mt_per_year": settings.surge_allowance_mt_per_year,
                     "supply.diversion.enabled": True,
                     "supply.diversion.max_extra_mt_per_year":
                         settings.surge_max_extra_mt_per_year,
                     "run.compare_without_diversion": True}
            points.append(HeadlinePoint("B", level.name, p,
                                        _apply(scenario, surge, level, i, where)))
    return points


def _changes(level: InvestmentLevel, index: int, where: str) -> dict[str, Any]:
    """A level's PATH=VALUE changes as a mapping (PATH must be unique)."""
    changes: dict[str, Any] = {}
    for j, item in enumerate(level.changes):
        path, sep, raw = item.partition("=")
        if not sep or not path.strip():
            raise ScenarioError(where, f"headline.levels.{index}.changes.{j}", item,
                                "expected PATH=VALUE, e.g. fleet.tankers=10")
        if path.strip() in changes:
            raise ScenarioError(where, f"headline.levels.{index}.changes.{j}", item,
                                f"{path.strip()} is changed twice in level {level.name!r}")
        changes[path.strip()] = parse_value(raw.strip())
    return changes


def _apply(scenario: Scenario, changes: dict[str, Any], level: InvestmentLevel, index: int,
           where: str) -> Scenario:
    """The scenario with a level's changes, or a clear error naming the level."""
    try:
        return with_overrides(scenario, changes, where=where)
    except ScenarioError as exc:
        raise ScenarioError(where, f"headline.levels.{index} ({level.name})",
                            f"{exc.path} = {exc.value}" if exc.path else exc.value,
                            exc.allowed) from None
