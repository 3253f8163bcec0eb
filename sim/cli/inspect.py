"""``python -m sim show|bound|schema``: look at a scenario without running it."""

from __future__ import annotations

import argparse
import json
from typing import Any

from sim.cli.options import emit, json_safe, load, scenario_arguments
from sim.errors import one_line


def add_parsers(sub: Any) -> None:
    """Add the ``show``, ``bound`` and ``schema`` commands."""
    show = sub.add_parser("show", help="print the fully resolved scenario")
    scenario_arguments(show)
    show.set_defaults(handler=show_scenario)

    bound = sub.add_parser("bound", help="physical capacity and expected deliverable of the "
                           "chain, from the parameters alone")
    scenario_arguments(bound)
    bound.add_argument("--json", action="store_true", help="print JSON")
    bound.set_defaults(handler=show_bound)

    schema = sub.add_parser("schema", help="print the scenario JSON Schema")
    schema.set_defaults(handler=show_schema)


def show_scenario(args: argparse.Namespace) -> int:
    """Print the resolved scenario as JSON."""
    emit(json.dumps(load(args).scenario.model_dump(mode="json"), indent=2))
    return 0


def show_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of scenario files."""
    from sim.scenario.schema import Scenario

    emit(json.dumps(Scenario.model_json_schema(), indent=2))
    return 0


def show_bound(args: argparse.Namespace) -> int:
    """Print (a) the physical capacity stage by stage and (b) the expected deliverable."""
    from sim.analysis.bound import chain_bound

    bound = chain_bound(load(args).scenario)
    if args.json:
        emit(json.dumps(json_safe(bound.as_dict()), indent=2, allow_nan=False))
        return 0
    emit(f"{one_line(args.scenario)}, from the parameters alone "
         "(Mt/yr; weather, queues ignored)\n")
    emit("(a) Physical capacity: every stage at its long-run rate, contracts ignored")
    for stage, limit in bound.stages().items():
        mark = "  <- binds" if stage == bound.capacity_binding else ""
        emit(f"  {stage:<36} {limit:8.2f}{mark}")
    emit(f"  {'capacity':<36} {bound.capacity_mt_per_year:8.2f}\n")
    emit("(b) Expected deliverable under the scenario's nomination and allowance")
    for term, limit in bound.deliverable_terms().items():
        mark = "  <- binds" if term == bound.deliverable_binding else ""
        emit(f"  {term:<36} {limit:8.2f}{mark}")
    emit(f"  {'deliverable':<36} {bound.deliverable_mt_per_year:8.2f}")
    emit(f"  (nomination {bound.nomination_mt_per_year:.2f} + diverted "
         f"{bound.expected_diverted_mt_per_year:.2f} averaged over Russian-route states)")
    return 0
