"""Experiment plans: which scenario points to run, with which seeds and how many replications.

A :class:`Plan` holds everything that determines an experiment's numbers: the
base scenario, the swept fields and their values, the validated scenario of
every point, the root seed and the replication rule (a fixed count, or
"until the 95% half-width of the Trans-Caspian mean is small enough"). ``run``
is a one-point plan (:func:`plan_run`), ``sweep`` a grid (:func:`plan_sweep`);
both go to the same :class:`~sim.experiments.runner.Runner`.

Replication k uses the same random streams at every point (common random
numbers) unless ``common_random_numbers`` is off, so differences between points
are differences between scenarios.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.analysis.stats import half_width
from sim.errors import NO_VALUE, ScenarioError
from sim.scenario import budget
from sim.scenario.build import with_overrides
from sim.scenario.grid import sweep_grid
from sim.scenario.headline import headline_points
from sim.scenario.inputs import chain_only
from sim.scenario.schema import Scenario
from sim.scenario.settings import MAX_SIMULATED_YEARS_PER_RUN
from sim.units import DAYS_PER_YEAR

#: The column whose CI decides the replications of a point in precision mode.
PRECISION_COLUMN = "transcaspian_mt_per_year"
#: Most replications a study run without a results directory may hold: each is a
#: ~3 kB row kept in memory, so this is ~3 GB. With a results directory the rows stay
#: on disk and only :data:`MAX_SIMULATED_YEARS_PER_RUN`, the event budget and the
#: free disk space limit a study.
MAX_IN_MEMORY_REPLICATIONS = 1_000_000
#: Finest precision a sweep may ask for (Mt/yr): one tonne a year, the model's own
#: accounting tolerance (the mass balance closes to 1 t).
MIN_PRECISION_MT_PER_YEAR = 1e-6


@dataclass(frozen=True)
class Point:
    """One point of a plan: its labels (swept fields' values), scenario, seed and count.

    ``replications`` overrides the plan's fixed count for this point (None: the plan's).
    """

    index: int
    values: dict[str, Any]
    scenario: Scenario
    seed: int
    replications: int | None = None


@dataclass(frozen=True)
class Plan:
    """Everything that determines a sweep's numbers."""

    base: Scenario
    parameters: tuple[tuple[str, tuple[Any, ...]], ...]
    points: tuple[Point, ...]
    seed: int
    common_random_numbers: bool
    replications: int
    precision_mt_per_year: float | None
    min_replications: int
    max_replications: int

    @property
    def paths(self) -> list[str]:
        """Dotted paths of the swept fields."""
        return [path for path, _ in self.parameters]

    @property
    def columns(self) -> list[str]:
        """The labels of the points, in order: the swept paths, or a study's own labels."""
        return list(dict.fromkeys(key for point in self.points for key in point.values))

    def identity(self) -> dict[str, Any]:
        """Return the inputs that define this sweep's results (hashed into ``sweep_id``)."""
        return {"scenario": self.base.model_dump(mode="json"),
                "parameters": [[p, list(v)] for p, v in self.parameters], "seed": self.seed,
                "common_random_numbers": self.common_random_numbers,
                "replications": None if self.precision_mt_per_year else self.replications,
                "precision_mt_per_year": self.precision_mt_per_year,
                "min_replications": self.min_replications,
                "max_replications": self.max_replications,
                "points": [[p.values, p.replications] for p in self.points]}

    @property
    def sweep_id(self) -> str:
        """SHA-256 of :meth:`identity`."""
        return sha256(self.identity())

    @property
    def most_replications(self) -> int:
        """The most replications the whole plan can need."""
        return len(self.points) * self.most_replications_per_point

    @property
    def most_replications_per_point(self) -> int:
        """The most replications any point can need (the budget of the sweep)."""
        if self.precision_mt_per_year:
            return self.max_replications
        return max(p.replications or self.replications for p in self.points)

    def target(self, point: Point, values_by_rep: Mapping[int, float]) -> tuple[int, bool]:
        """Replications a point needs given its stored Trans-Caspian values: (count, final?)."""
        if self.precision_mt_per_year is None:
            return point.replications or self.replications, True
        n = self.min_replications
        while True:
            if any(k not in values_by_rep for k in range(n)):
                return n, False
            hw = half_width([values_by_rep[k] for k in range(n)])
            if hw <= self.precision_mt_per_year or n >= self.max_replications:
                return n, True
            ratio = hw / self.precision_mt_per_year
            wanted = n * ratio * ratio * 1.1  # may be inf (not an OverflowError, as ** is)
            grow = self.max_replications if not wanted < self.max_replications \
                else math.ceil(wanted)
            n = min(self.max_replications, max(n + self.min_replications // 2, grow))

def plan_sweep(base: Scenario, parameters: Mapping[str, Sequence[Any]] | None = None,
               replications: int | None = None, precision_mt_per_year: float | None = None,
               seed: int | None = None, common_random_numbers: bool = True) -> Plan:
    """Validate a sweep and build its points (nothing is run or written)."""
    settings = base.sweep
    in_table = parameters is None
    if parameters is None:
        parameters = {p.path: p.values for p in settings.parameters}
    where = "[sweep]" if in_table else "--values"
    if not parameters:
        raise ScenarioError("--param", "", NO_VALUE, "no --param given and the scenario has no "
                            "[sweep] parameters")
    if len(parameters) > 2:
        raise ScenarioError("--param", ", ".join(parameters), NO_VALUE,
                            f"{len(parameters)} fields; a sweep varies one or two")
    if replications is not None and precision_mt_per_year is not None:
        raise ScenarioError("--precision", "", NO_VALUE, "give --replications or --precision, "
                            "not both")
    if replications is not None:  # the schema's limits for a sweep's replications
        with_overrides(base, {"sweep.replications": replications}, "--replications")
    if seed is not None:
        with_overrides(base, {"run.seed": seed}, "--seed")
    precision = (precision_mt_per_year if precision_mt_per_year is not None
                 else (None if replications else settings.precision_mt_per_year))
    if precision is not None and not precision >= MIN_PRECISION_MT_PER_YEAR:
        raise ScenarioError("--precision" if precision_mt_per_year is not None else "[sweep]",
                            "" if precision_mt_per_year is not None
                            else "sweep.precision_mt_per_year", precision,
                            f"finer than the model's own accounting (the mass balance closes "
                            f"to 1 t, {MIN_PRECISION_MT_PER_YEAR:g} Mt/yr); ask for at least "
                            f"{MIN_PRECISION_MT_PER_YEAR:g}")
    root_seed = base.run.seed if seed is None else seed
    grid = sweep_grid(base, list(parameters.items()), where, in_table)
    points = tuple(
        Point(index, values, scenario,
                   root_seed if common_random_numbers else _independent_seed(root_seed, index))
        for index, (values, scenario) in enumerate(grid))
    plan = Plan(
        base=base, parameters=tuple((p, tuple(v)) for p, v in parameters.items()),
        points=points, seed=root_seed, common_random_numbers=common_random_numbers,
        replications=replications or settings.replications, precision_mt_per_year=precision,
        min_replications=settings.min_replications, max_replications=settings.max_replications)
    _check_size(plan, "--precision" if precision_mt_per_year else
                "--replications" if replications else "[sweep]")
    return plan


def plan_run(scenario: Scenario, replications: int | None = None, seed: int | None = None
             ) -> Plan:
    """A one-point plan: ``replications`` of ``scenario`` (default: its ``run`` settings)."""
    n = scenario.run.replications if replications is None else replications
    root_seed = scenario.run.seed if seed is None else seed
    return Plan(base=scenario, parameters=(), points=(Point(0, {}, scenario, root_seed),),
                seed=root_seed, common_random_numbers=True, replications=n,
                precision_mt_per_year=None, min_replications=n, max_replications=n)


def plan_headline(base: Scenario, seed: int | None = None,
                  capacity_replications: int | None = None,
                  surge_replications: int | None = None) -> Plan:
    """The headline study of ``base`` (its ``[headline]`` table): both panels as one plan.

    Every point shares the root seed (common random numbers across levels and p).
    """
    settings = base.headline
    counts = {"A": capacity_replications or settings.capacity_replications,
              "B": surge_replications or settings.surge_replications}
    if seed is not None:
        with_overrides(base, {"run.seed": seed}, "--seed")
    root_seed = base.run.seed if seed is None else seed
    points = tuple(Point(i, hp.values, hp.scenario, root_seed, counts[hp.panel])
                   for i, hp in enumerate(headline_points(base)))
    most = max(counts.values())
    plan = Plan(base=base, parameters=(), points=points, seed=root_seed,
                common_random_numbers=True, replications=most, precision_mt_per_year=None,
                min_replications=most, max_replications=most)
    _check_size(plan, "[headline]")
    return plan


def plan_design(base: Scenario, points: Sequence[Mapping[str, Any]], replications: int,
                seed: int | None = None, where: str = "design", labels: Sequence[str] = ()
                ) -> Plan:
    """A plan of arbitrary points (a sensitivity design, a comparison, an ensemble).

    Each point is a set of overrides of ``base`` (dotted path -> value); every point
    runs the same ``replications`` under the same seeds (common random numbers).
    The plan's ``parameters`` hold each varied path with its value at every point,
    in point order, so the plan's identity pins the whole design. A point that does
    not validate is refused naming ``labels[i]`` (or its index) and the value.
    """
    root_seed = base.run.seed if seed is None else seed
    if seed is not None:
        with_overrides(base, {"run.seed": seed}, "--seed")
    with_overrides(base, {"sweep.replications": replications}, "--replications")
    paths = list(dict.fromkeys(path for values in points for path in values))
    chain = chain_only(base)  # the points carry no [uncertainty] or [levers] tables
    built = []
    for index, values in enumerate(points):
        name = labels[index] if index < len(labels) else f"point {index}"
        try:
            scenario = with_overrides(chain, values, where)
        except ScenarioError as exc:
            raise ScenarioError(exc.where, f"{name}: {exc.path}", exc.value, exc.allowed
                                ) from None
        built.append(Point(index, dict(values), scenario, root_seed))
    plan = Plan(base=base,
                parameters=tuple((path, tuple(values.get(path) for values in points))
                                 for path in paths),
                points=tuple(built), seed=root_seed, common_random_numbers=True,
                replications=replications, precision_mt_per_year=None,
                min_replications=replications, max_replications=replications)
    _check_size(plan, where)
    return plan


def check_in_memory(plan: Plan) -> None:
    """Refuse a plan too large to hold every row in memory (a study without ``out``)."""
    if plan.most_replications > MAX_IN_MEMORY_REPLICATIONS:
        raise ScenarioError("out", "", NO_VALUE,
                            f"{plan.most_replications:,} replications would be held in memory "
                            f"(at most {MAX_IN_MEMORY_REPLICATIONS:,}, ~3 kB each): give a "
                            "results directory (out=..., --out), where rows stay on disk")


def _check_size(plan: Plan, where: str) -> None:
    """Refuse a sweep whose run time is absurd (simulated years, expected events)."""
    per_point = plan.most_replications_per_point
    shown = f"{len(plan.points):,} points x {per_point:,} replications"
    years = per_point * sum((p.scenario.run.warmup_days + p.scenario.run.horizon_days)
                            / DAYS_PER_YEAR for p in plan.points)
    if years > MAX_SIMULATED_YEARS_PER_RUN:
        raise ScenarioError(where, "sweep size", NO_VALUE,
                            f"{shown} is {years:,.0f} simulated years; a sweep may simulate "
                            f"at most {MAX_SIMULATED_YEARS_PER_RUN:,} (about 0.03 s of CPU each, "
                            "~6 core-hours): use fewer points, replications or a shorter "
                            "horizon")
    events = sum(budget.expected_events_per_run(p.scenario, per_point) for p in plan.points)
    if events > budget.MAX_EVENTS_PER_RUN:
        raise ScenarioError(where, "sweep size", NO_VALUE,
                            f"{shown} is about {budget.count(events)} events; a sweep may make "
                            f"at most {budget.count(budget.MAX_EVENTS_PER_RUN)} (~20 core-hours): "
                            "use fewer points, "
                            "replications or a shorter horizon")

def _independent_seed(seed: int, point: int) -> int:
    """Return a point's own root seed when common random numbers are off."""
    state = np.random.SeedSequence([seed, point]).generate_state(1, dtype=np.uint64)[0]
    return int(state >> np.uint64(1))

def sha256(data: Any) -> str:
    """SHA-256 of ``data`` as canonical JSON."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
