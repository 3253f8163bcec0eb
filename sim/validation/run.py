"""Run every family of validation checks at a chosen effort and collect them in one report."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sim.scenario.loader import load_scenario
from sim.study import run_replications
from sim.validation.checks import FULL, Check, Effort
from sim.validation.history import HistoryComparison, history_checks, simulate_history
from sim.validation.physics import physics_history_checks
from sim.validation.theory_checks import (
    BaseRun,
    aktau_call_hours,
    availability_checks,
    bound_checks,
    cycle_bound_checks,
    erlang_c_checks,
)


@dataclass(frozen=True)
class ValidationReport:
    """Every check, the historical comparisons behind the history checks, and the effort."""

    effort: Effort
    checks: tuple[Check, ...]
    history: tuple[HistoryComparison, ...]
    seconds: float

def run_validation(scenarios_dir: Path, effort: Effort = FULL,
                   progress: Callable[[str], None] | None = None) -> ValidationReport:
    """Run every family of checks with ``effort``; ``progress`` hears each step."""
    started = time.perf_counter()
    say = progress or (lambda _message: None)
    base_scenario = load_scenario(scenarios_dir / "base.toml").scenario
    say(f"base scenario, {effort.model_replications} replications")
    base = BaseRun(base_scenario, run_replications(
        base_scenario, replications=effort.model_replications, jobs=effort.jobs))
    say("deterministic cycle and berth bound")
    checks = cycle_bound_checks(base)
    say(f"capacity bounds over {effort.bound_scenarios} random chains")
    checks += bound_checks(effort, base_scenario)
    say("Erlang C")
    checks += erlang_c_checks(effort, aktau_call_hours(base_scenario))
    say("availability")
    crisis = load_scenario(scenarios_dir / "cpc_crisis.toml").scenario
    checks += availability_checks(effort, base, crisis)
    say(f"history, {effort.history_replications} replications per period")
    history = simulate_history(effort.history_replications, effort.jobs, scenarios_dir)
    checks += physics_history_checks(history, effort.history_replications, effort.jobs,
                                     scenarios_dir)
    checks += history_checks(history)
    return ValidationReport(effort, tuple(checks), tuple(history),
                            time.perf_counter() - started)
