"""The manifest of a results directory: what was run, by which command, and how to rerun it.

It records the resolved scenario and its hash, the plan (swept fields, seeds,
replication rule), the package, Python and library versions the numbers depend
on, every command line that wrote into the directory, start and finish times,
and per point a ``python -m sim run`` command that reruns that point alone.
"""

from __future__ import annotations

import platform
import shlex
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from sim import __version__
from sim.errors import OutputError
from sim.experiments.plan import Plan, Point, sha256
from sim.scenario.toml_io import toml_value

#: The resolved scenario, written beside the manifest.
SCENARIO_FILE = "scenario.toml"


def build_manifest(plan: Plan, previous: dict[str, Any], scenario_file: str | None,
                   scenario_toml: Path, done: dict[int, int], executor: str, jobs: int,
                   command_line: Sequence[str] | None) -> dict[str, Any]:
    """Everything needed to understand and rerun the sweep, and each of its points.

    ``previous`` is the manifest already in the directory (empty for a new sweep):
    its start time and command lines are kept. ``scenario_file`` is the file the
    user gave; ``scenario_toml`` the resolved scenario written beside the manifest.
    """
    scenario = plan.base.model_dump(mode="json")
    command = list(command_line if command_line is not None else sys.argv)
    manifest = {
        "sweep_id": plan.sweep_id, "status": "running",
        "scenario": scenario, "scenario_sha256": sha256(scenario),
        "scenario_file": scenario_file, "scenario_toml": SCENARIO_FILE,
        "package_version": __version__, "python": platform.python_version(),
        "library_versions": library_versions(),
        "command_line": command,
        "command_lines": [*previous.get("command_lines", []), command],
        "parameters": [{"path": p, "values": list(v)} for p, v in plan.parameters],
        "seed": plan.seed, "common_random_numbers": plan.common_random_numbers,
        "mode": "precision" if plan.precision_mt_per_year else "fixed",
        "replications_per_point": None if plan.precision_mt_per_year else plan.replications,
        "precision_mt_per_year": plan.precision_mt_per_year,
        "min_replications": plan.min_replications, "max_replications": plan.max_replications,
        "executor": executor, "jobs": jobs,
        "started": previous.get("started", now()), "resumed": bool(previous),
    }
    add_rerun_commands(manifest, plan, done, scenario_toml)
    return manifest


def library_versions() -> dict[str, str]:
    """Versions of the libraries the numbers depend on (random streams, event order)."""
    return {name: version(name) for name in ("numpy", "simpy", "scipy", "pandas", "pydantic")}


def add_rerun_commands(manifest: dict[str, Any], plan: Plan, done: dict[int, int],
                       scenario_toml: Path | None) -> None:
    """Per point: values, seed, replications and the command that reruns the point."""
    manifest["points"] = [
        {"index": p.index, "values": p.values, "seed": p.seed,
         "replications": done.get(p.index) or plan.most_replications_per_point,
         "rerun": rerun_command(p, scenario_toml,
                                done.get(p.index) or plan.most_replications_per_point)}
        for p in plan.points]


def rerun_command(point: Point, scenario_toml: Path | None, replications: int) -> str:
    """``python -m sim run`` of one point: same scenario, values, seed and replications."""
    args = ["python", "-m", "sim", "run", str(scenario_toml or "SCENARIO")]
    for path, value in point.values.items():
        args += ["--set", f"{path}={toml_value(value)}"]
    return shlex.join([*args, "--seed", str(point.seed), "--replications", str(replications)])


def now() -> str:
    """Return the current UTC time, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


#: Keys a manifest must hold, with their types (``parameters`` and ``points`` only for
#: redrawing figures); anything else the manifest holds is informative.
_REQUIRED: dict[str, type] = {"sweep_id": str, "status": str}
_FOR_PLOT: dict[str, type] = {"scenario": dict, "parameters": list, "points": list}
_OPTIONAL: dict[str, type] = {"scenario": dict, "started": str, "command_lines": list}


def check_manifest(manifest: Any, file: Path, for_plot: bool = False) -> dict[str, Any]:
    """Return ``manifest`` if it has the keys and types this program reads; else refuse.

    A manifest written by hand, by another program or cut short is an
    :class:`~sim.errors.OutputError` naming the file and the first key that is wrong.
    """
    def refuse(problem: str) -> OutputError:
        return OutputError(f"{file}: not a manifest this program can use ({problem})")

    if not isinstance(manifest, dict):
        raise refuse("not a JSON object")
    needed = {**_REQUIRED, **(_FOR_PLOT if for_plot else {})}
    for key, kind in {**needed, **_OPTIONAL}.items():
        if key not in manifest:
            if key in needed:
                raise refuse(f"no {key!r}")
            continue
        if not isinstance(manifest[key], kind):
            raise refuse(f"{key!r} is {type(manifest[key]).__name__}, not {kind.__name__}")
    if "scenario" in manifest and not isinstance(manifest["scenario"].get("name"), str):
        raise refuse("'scenario' has no name")
    lines = manifest.get("command_lines", [])
    if not all(isinstance(line, list) and all(isinstance(a, str) for a in line)
               for line in lines):
        raise refuse("'command_lines' is not a list of command lines")
    if for_plot:
        parameters = manifest["parameters"]
        if not 1 <= len(parameters) <= 2 or not all(
                isinstance(p, dict) and isinstance(p.get("path"), str) for p in parameters):
            raise refuse("'parameters' is not one or two swept fields")
    return manifest
