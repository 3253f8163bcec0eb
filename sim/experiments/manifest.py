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
