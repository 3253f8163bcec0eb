"""Command line: ``python -m sim run|show|bound|schema ...``.

User errors (bad scenario, bad option) print one line to stderr and exit with
code 2, without a traceback. Model invariant violations exit with code 1 and
name the replication and seed to rerun.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from typing import Any

from sim import __version__
from sim.bound import capacity_bound
from sim.errors import SimulationInvariantError, UserError
from sim.experiment import default_jobs, disruption_description, run_replications, summary
from sim.loader import LoadedScenario, load_scenario
from sim.scenario import Scenario

EXIT_USER_ERROR = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except SimulationInvariantError as exc:
        print(f"model invariant violated: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sim", description=(
        "Simulate Kazakh crude exports over the Russian route and the Trans-Caspian chain."))
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run a scenario's replications and report KPIs")
    _scenario_arguments(run)
    run.add_argument("--replications", type=_positive_int, help="replications (overrides "
                     "run.replications)")
    run.add_argument("--seed", type=_non_negative_int, help="root seed (overrides run.seed)")
    run.add_argument("--jobs", type=_positive_int, default=None,
                     help="worker processes (default: all cores)")
    run.add_argument("--json", action="store_true", help="print one JSON document")
    run.set_defaults(handler=_cmd_run)

    show = sub.add_parser("show", help="print the fully resolved scenario")
    _scenario_arguments(show)
    show.set_defaults(handler=_cmd_show)

    bound = sub.add_parser("bound", help="deterministic capacity ceiling of the chain")
    _scenario_arguments(bound)
    bound.add_argument("--json", action="store_true", help="print JSON")
    bound.set_defaults(handler=_cmd_bound)

    schema = sub.add_parser("schema", help="print the scenario JSON Schema")
    schema.set_defaults(handler=_cmd_schema)
    return parser


def _scenario_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", help="scenario TOML file")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="PATH=VALUE", help="override a field by its dotted path "
                        "(repeatable), e.g. --set fleet.tankers=8")
    parser.add_argument("--allow-outside-extends", action="store_true",
                        help="let 'extends' reach files outside the scenario's directory")


def _positive_int(text: str) -> int:
    value = _non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: must be at least 1")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: must be a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: must not be negative")
    return value


def _load(args: argparse.Namespace, extra: Sequence[str] = ()) -> LoadedScenario:
    return load_scenario(args.scenario, [*args.overrides, *extra],
                         allow_outside_tree=args.allow_outside_extends)


def _cmd_show(args: argparse.Namespace) -> int:
    loaded = _load(args)
    print(json.dumps(loaded.scenario.model_dump(mode="json"), indent=2))
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(Scenario.model_json_schema(), indent=2))
    return 0


def _cmd_bound(args: argparse.Namespace) -> int:
    bound = capacity_bound(_load(args).scenario)
    if args.json:
        print(json.dumps(bound.as_dict(), indent=2))
        return 0
    print(f"Deterministic capacity ceiling of {args.scenario} (Mt/yr, no weather):")
    for stage, limit in bound.stages().items():
        mark = "  <- binds" if stage == bound.binding else ""
        print(f"  {stage:<16} {limit:8.2f}{mark}")
    print(f"  {'ceiling':<16} {bound.ceiling_mt_per_year:8.2f}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    extra = []
    if args.replications is not None:
        extra.append(f"run.replications={args.replications}")
    if args.seed is not None:
        extra.append(f"run.seed={args.seed}")
    loaded = _load(args, extra)
    sc = loaded.scenario
    started = time.perf_counter()
    frame = run_replications(sc, jobs=args.jobs or default_jobs())
    report = {
        "scenario": sc.name, "scenario_file": str(args.scenario),
        "overrides": list(args.overrides), "replications": sc.run.replications,
        "seed": sc.run.seed, "horizon_days": sc.run.horizon_days,
        "warmup_days": sc.run.warmup_days,
        "russian_route_disruption": disruption_description(sc),
        **summary(frame),
        "capacity_bound": capacity_bound(sc).as_dict(),
        "wall_time_s": time.perf_counter() - started,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(_table(report))
    return 0


def _table(report: dict[str, Any]) -> str:
    d = report["russian_route_disruption"]
    n = report["replications"]
    lines = [
        f"Scenario {report['scenario']} ({report['scenario_file']}): {n} replications x "
        f"{report['horizon_days']:g} days, seed {report['seed']}",
        f"Russian route disruption given as {d['given_as']}: p = {d['probability']:.3f}, "
        f"{d['rate_per_year']:.2f} events/yr, mean {d['mean_duration_days']:g} days, "
        f"{d['capacity_loss_fraction']:.0%} capacity lost",
        "",
        f"{'KPI':<32}{'mean':>11}{'95% CI':>25}{'P5':>11}{'P50':>11}{'P95':>11}",
    ]
    for name, s in report["kpis"].items():
        lines.append(_row(name, s))
    for resource, items in report["resources"].items():
        lines.append("")
        lines.append(f"{resource}")
        for name, s in items.items():
            lines.append(_row("  " + name, s))
    b = report["capacity_bound"]
    lines += ["", f"Deterministic ceiling {b['ceiling_mt_per_year']:.2f} Mt/yr "
              f"(binding: {b['binding']}); mass balance max error "
              f"{report['mass_balance']['max_abs_error_t']:.2e} t over {n} replications; "
              f"{report['wall_time_s']:.1f} s"]
    return "\n".join(lines)


def _row(name: str, s: dict[str, float]) -> str:
    ci = f"[{_num(s['ci95_low'])}, {_num(s['ci95_high'])}]"
    return (f"{name:<32}{_num(s['mean']):>11}{ci:>25}{_num(s['p5']):>11}{_num(s['p50']):>11}"
            f"{_num(s['p95']):>11}")


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3f}"
