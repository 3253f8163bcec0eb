"""Designs over what a scenario does not know and what a planner decides.

A design is a list of :class:`DesignPoint` s, each a label, the values of the
inputs as tables show them (a field's value, or a factor for a relative range;
a lever's setting) and the overrides that make its scenario. Every design is
run by :func:`~sim.experiments.plan.plan_design` on the one runner, under
common random numbers.

- :func:`one_at_a_time`: the scenario as it is, then each uncertain input alone
  at the low and at the high end of its range.
- :func:`morris` and :func:`sobol`: SALib's samples of the unit cube (Morris
  trajectories; Saltelli's scheme for first-order and total Sobol indices),
  mapped through each input's quantile function.
- :func:`latin_hypercube`: N stratified draws of every input at once.
- :func:`lever_settings` and :func:`ensemble`: every draw crossed with every
  lever setting (one lever at a time, or every combination).
- :func:`differences`: another scenario as overrides of a first one (``compare``).

Random designs draw from ``SeedSequence(seed, spawn_key=(DESIGN_STREAM, method))``,
a stream of their own beside the replications' streams: the same seed gives the
same design.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.errors import NO_VALUE, ScenarioError
from sim.scenario.inputs import LeverField, UncertainInput
from sim.scenario.schema import Scenario
from sim.scenario.toml_io import drop_none

#: First spawn key of the design streams (replications use small indices there).
DESIGN_STREAM = 2**31 - 1
#: Second spawn key, one per random design.
METHOD_STREAMS = {"morris": 1, "sobol": 2, "lhs": 3, "analysis": 4}

#: Most points one design may have (as for a sweep's grid).
MAX_DESIGN_POINTS = 10_000

#: Parts of a scenario that do not change what is simulated (left out of ``differences``).
NOT_SIMULATED = ("description", "sweep", "uncertainty", "levers", "run.seed",
                 "run.replications")

UnitSample = npt.NDArray[np.float64]


@dataclass(frozen=True)
class DesignPoint:
    """One point of a design: its label, its inputs as tables show them, its overrides."""

    label: str
    inputs: dict[str, Any]
    overrides: dict[str, Any]


@dataclass(frozen=True)
class Design:
    """The points of a design, the unit-cube sample behind them and what made them."""

    method: str
    points: list[DesignPoint]
    unit_sample: UnitSample | None = None
    info: dict[str, Any] = field(default_factory=dict)


def design_rng(seed: int, method: str) -> np.random.Generator:
    """The generator of a random design (or of its analysis), derived from the root seed."""
    sequence = np.random.SeedSequence(seed, spawn_key=(DESIGN_STREAM, METHOD_STREAMS[method]))
    return np.random.Generator(np.random.PCG64(sequence))


def nominal(item: UncertainInput) -> int | float | None:
    """The input's value in the scenario as it is (factor 1 for a relative range)."""
    if item.spec.relative:
        return 1.0
    if item.nominal is None:
        return None
    return int(item.nominal) if item.integer else float(item.nominal)


def point_at(inputs: Sequence[UncertainInput], values: Sequence[int | float | None],
             label: str, levers: Mapping[str, Any] | None = None) -> DesignPoint:
    """A design point with each input at ``values`` (None: left as the scenario has it)."""
    shown: dict[str, Any] = {}
    overrides: dict[str, Any] = {}
    for item, value in zip(inputs, values, strict=True):
        shown[item.column] = value
        if value is not None:
            overrides[item.path] = item.field_value(value)
    for path, setting in (levers or {}).items():
        shown[path] = setting
        if setting is not None:
            overrides[path] = setting
    return DesignPoint(label, shown, overrides)


def one_at_a_time(inputs: Sequence[UncertainInput]) -> Design:
    """The scenario as it is, then each input alone at its low end and at its high end."""
    middle = [nominal(item) for item in inputs]
    points = [point_at(inputs, middle, "baseline")]
    for i, item in enumerate(inputs):
        for end, value in zip(("low", "high"), item.ends, strict=True):
            values = list(middle)
            values[i] = value
            points.append(point_at(inputs, values, f"{item.column} {end}"))
    return Design("oat", points, info={"method": "oat", "inputs": len(inputs),
                                       "points": len(points)})


def from_unit_sample(inputs: Sequence[UncertainInput], sample: UnitSample, method: str,
                     info: dict[str, Any]) -> Design:
    """Map each row of a unit-cube sample through the inputs' quantile functions."""
    points = [point_at(inputs, [item.at(u) for item, u in zip(inputs, row, strict=True)],
                       f"{method} {i}") for i, row in enumerate(sample)]
    _check_count(len(points), method)
    return Design(method, points, sample, {**info, "points": len(points)})


def salib_problem(inputs: Sequence[UncertainInput]) -> dict[str, Any]:
    """The SALib problem of a design in the unit cube (inputs mapped by their quantiles)."""
    return {"num_vars": len(inputs), "names": [item.column for item in inputs],
            "bounds": [[0.0, 1.0]] * len(inputs)}


def morris(inputs: Sequence[UncertainInput], trajectories: int, seed: int,
           levels: int = 4) -> Design:
    """Morris elementary-effect trajectories (SALib), ``trajectories`` x (inputs + 1) points."""
    from SALib.sample import morris as morris_sample

    _check_count(trajectories * (len(inputs) + 1), "morris")
    sample = morris_sample.sample(salib_problem(inputs), trajectories, num_levels=levels,
                                  seed=design_rng(seed, "morris"))
    return from_unit_sample(inputs, np.asarray(sample, dtype=float), "morris",
                            {"method": "morris", "trajectories": trajectories,
                             "levels": levels, "seed": seed})


def sobol(inputs: Sequence[UncertainInput], base_samples: int, seed: int) -> Design:
    """Saltelli's sample for first-order and total Sobol indices: N x (inputs + 2) points."""
    from SALib.sample import sobol as sobol_sample

    _check_count(base_samples * (len(inputs) + 2), "sobol")
    sample = sobol_sample.sample(salib_problem(inputs), base_samples, calc_second_order=False,
                                 scramble=True, seed=design_rng(seed, "sobol"))
    return from_unit_sample(inputs, np.asarray(sample, dtype=float), "sobol",
                            {"method": "sobol", "base_samples": base_samples, "seed": seed})


def latin_hypercube(inputs: Sequence[UncertainInput], draws: int, seed: int) -> UnitSample:
    """``draws`` Latin hypercube rows of the unit cube, one column per input."""
    from scipy.stats import qmc

    sampler = qmc.LatinHypercube(d=len(inputs), rng=design_rng(seed, "lhs"))
    return np.asarray(sampler.random(draws), dtype=float)


def lever_settings(levers: Sequence[LeverField], combine: bool = False
                   ) -> list[dict[str, Any]]:
    """The lever settings to try, each naming every lever's value.

    The scenario as it is, then each lever's other settings alone; with ``combine``,
    every combination of the levers' settings instead.
    """
    if not levers:
        return [{}]
    as_is = {lever.path: lever.nominal for lever in levers}
    if combine:
        grid = [dict(zip(as_is, combo, strict=True))
                for combo in itertools.product(*(lever.values for lever in levers))]
    else:
        grid = [as_is] + [{**as_is, lever.path: value} for lever in levers
                          for value in lever.values]
    settings: list[dict[str, Any]] = []
    for setting in grid:
        if not any(_same(setting, other) for other in settings):
            settings.append(setting)
    return settings


def ensemble(inputs: Sequence[UncertainInput], sample: UnitSample,
             settings: Sequence[Mapping[str, Any]], info: dict[str, Any],
             draws: Sequence[int] | None = None) -> Design:
    """Every draw of ``sample`` under every lever setting (draw-major order).

    ``draws`` numbers the rows of ``sample`` (default 0, 1, ...; a draw left out keeps
    the others' numbers); the design's ``info["draws_run"]`` lists them.
    """
    numbers = list(range(len(sample))) if draws is None else [int(d) for d in draws]
    _check_count(len(sample) * len(settings), "ensemble")
    points = []
    for draw, row in zip(numbers, sample, strict=True):
        values = [item.at(u) for item, u in zip(inputs, row, strict=True)]
        for index, setting in enumerate(settings):
            points.append(point_at(inputs, values, f"draw {draw}, setting {index}", setting))
    return Design("lhs", points, sample, {**info, "points": len(points), "draws_run": numbers})


def differences(reference: Scenario, other: Scenario) -> dict[str, Any]:
    """``other`` as overrides of ``reference``: every simulated field where they differ."""
    mine, theirs = _leaves(reference), _leaves(other)
    out = {path: value for path, value in theirs.items()
           if (path not in mine or mine[path] != value) and not _ignored(path)}
    return out


def _leaves(scenario: Scenario) -> dict[str, Any]:
    """Every leaf value of a scenario by dotted path (unset alternatives left out)."""
    out: dict[str, Any] = {}
    stack: list[tuple[str, Any]] = [("", drop_none(scenario.model_dump()))]
    while stack:
        prefix, node = stack.pop()
        for key, value in node.items():
            if isinstance(value, dict) and key not in ("uncertainty", "levers"):
                stack.append((f"{prefix}{key}.", value))
            else:
                out[f"{prefix}{key}"] = value
    return out


def _ignored(path: str) -> bool:
    return any(path == part or path.startswith(part + ".") for part in NOT_SIMULATED)


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Settings equal value for value, with types (``true`` is not ``1``)."""
    return a.keys() == b.keys() and all(type(a[k]) is type(b[k]) and a[k] == b[k] for k in a)


def _check_count(count: int, method: str) -> None:
    if count > MAX_DESIGN_POINTS:
        raise ScenarioError(f"--{'sample' if method in ('lhs', 'ensemble') else 'samples'}",
                            method, NO_VALUE, f"{count:,} points; a design may have at most "
                            f"{MAX_DESIGN_POINTS:,}: use fewer samples or lever settings")

