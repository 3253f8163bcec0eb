"""Command line: ``python -m sim run|show|bound|schema ...``.

User errors (bad scenario, bad option, unusable results directory) print one
line, ``error: WHERE: PATH = VALUE: RULE``, to stderr and exit with code 2,
without a traceback and before anything is written. Failed replications and
model invariant violations exit with code 1 and name the replication and seed
to rerun.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from sim import __version__
from sim.bound import capacity_bound
from sim.errors import (
    NO_VALUE,
    RunFailure,
    ScenarioError,
    SimulationInvariantError,
    UserError,
    one_line,
)
from sim.executors import default_jobs
from sim.experiment import disruption_description, run_replications, summary
from sim.loader import LoadedScenario, load_scenario
from sim.scenario import Scenario

EXIT_USER_ERROR = 2
EXIT_RUN_FAILED = 1
#: Worker processes per core beyond which more workers only cost memory.
JOBS_PER_CORE = 4


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    try:
        args = _parser().parse_args(argv)
        return int(args.handler(args) or 0)
    except UserError as exc:
        print(f"error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_USER_ERROR
    except RunFailure as exc:
        print(f"error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_RUN_FAILED
    except SimulationInvariantError as exc:
        print(f"error: model invariant violated: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_RUN_FAILED
    except BrokenProcessPool:
        print("error: a worker process died (killed, or out of memory); try fewer --jobs",
              file=sys.stderr)
        return EXIT_RUN_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one ``error: ...`` line (exit code 2)."""

    def error(self, message: str) -> NoReturn:
        """Raise the problem as a UserError instead of printing usage and exiting."""
        raise UserError(f"{_option_message(message)} (see: {self.prog} --help)")


def _option_message(message: str) -> str:
    """Rewrite argparse's "argument --x: 'v': rule" as "--x = 'v': rule"."""
    match = re.fullmatch(r"argument ([^:]+?): ('.*'): (.*)", message, flags=re.DOTALL)
    if match:
        option = match.group(1).split("/")[-1]
        return f"{option} = {match.group(2)}: {match.group(3)}"
    return message.removeprefix("argument ")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m sim", description=(
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

    sw = sub.add_parser("sweep", help="vary one or two fields over a grid (capacity curves)")
    _scenario_arguments(sw)
    sw.add_argument("--param", dest="params", action="append", default=[], metavar="PATH",
                    help="dotted field to vary (once or twice); default: the [sweep] table")
    sw.add_argument("--values", dest="values", action="append", default=[], metavar="LIST",
                    help="values for the matching --param: a,b,c or START:STOP:COUNT")
    count = sw.add_mutually_exclusive_group()
    count.add_argument("--replications", type=_positive_int, help="replications per point")
    count.add_argument("--precision", type=_positive_float, metavar="HALF_WIDTH",
                       help="add replications until the 95%% half-width of the Trans-Caspian "
                       "mean is at most this (Mt/yr)")
    sw.add_argument("--seed", type=_non_negative_int, help="root seed (overrides run.seed)")
    sw.add_argument("--independent-streams", action="store_true",
                    help="give every point its own random streams (no common random numbers)")
    sw.add_argument("--jobs", type=_positive_int, default=None,
                    help="worker processes (default: all cores)")
    sw.add_argument("--executor", choices=["process", "dask"], default="process")
    sw.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler to join (with "
                    "--executor dask); default: a local cluster")
    sw.add_argument("--out", metavar="DIR", help="results directory (default: runs/NAME-TIME)")
    sw.add_argument("--resume", action="store_true", help="continue an interrupted sweep in --out")
    sw.add_argument("--on-error", choices=["stop", "record"], default="stop",
                    help="a failing replication stops the sweep (default) or is recorded")
    sw.add_argument("--csv", action="store_true", help="also write replications.csv")
    sw.add_argument("--no-figures", action="store_true", help="skip drawing figures")
    sw.set_defaults(handler=_cmd_sweep)

    plot = sub.add_parser("plot", help="redraw the figures of a results directory")
    plot.add_argument("directory", help="a sweep's results directory")
    plot.set_defaults(handler=_cmd_plot)

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


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: must be a number") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r}: must be a positive finite number")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: must be a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: must not be negative")
    return value


def _load(args: argparse.Namespace, options: Sequence[tuple[str, str]] = ()
          ) -> LoadedScenario:
    return load_scenario(args.scenario, args.overrides,
                         allow_outside_tree=args.allow_outside_extends, options=options)


def _check_jobs(args: argparse.Namespace) -> None:
    """Refuse more local worker processes than can help (each costs ~100 MB)."""
    limit = JOBS_PER_CORE * default_jobs()
    if args.jobs is not None and args.jobs > limit and not getattr(args, "scheduler", None):
        raise ScenarioError("--jobs", "", args.jobs, f"at most {limit} ({JOBS_PER_CORE} per "
                            "core); more worker processes only add memory, not speed")


def _sweep_parameters(args: argparse.Namespace) -> dict[str, list[Any]] | None:
    """Check and parse the --param/--values pairs (None: use the [sweep] table)."""
    from sim.sweep import parse_values

    if len(args.params) != len(args.values):
        raise ScenarioError("--values", "", NO_VALUE, f"{len(args.params)} --param but "
                            f"{len(args.values)} --values; give one --values for every --param")
    if len(set(args.params)) != len(args.params):
        duplicate = next(p for p in args.params if args.params.count(p) > 1)
        raise ScenarioError("--param", duplicate, NO_VALUE, "the same field is given twice")
    if not args.params:
        return None
    return {path: parse_values(text, path) for path, text in zip(args.params, args.values,
                                                                 strict=True)}


def _check_sweep_options(args: argparse.Namespace) -> None:
    """Options that only make sense together."""
    if args.resume and args.out is None:
        raise ScenarioError("--resume", "", NO_VALUE, "needs --out DIR (the directory of the "
                            "interrupted sweep)")
    if args.scheduler and args.executor != "dask":
        raise ScenarioError("--scheduler", "", args.scheduler, "needs --executor dask")
    _check_jobs(args)


def _default_out(name: str) -> Path:
    """``runs/NAME-TIME``, with the scenario name reduced to safe file-name characters."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "sweep"
    return Path("runs") / f"{safe[:60]}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"


def _cmd_sweep(args: argparse.Namespace) -> int:
    from sim.sweep import sweep

    parameters = _sweep_parameters(args)
    _check_sweep_options(args)
    loaded = _load(args)
    out = args.out if args.out is not None else _default_out(loaded.scenario.name)
    result = sweep(loaded.scenario, parameters, replications=args.replications,
                   precision_mt_per_year=args.precision, seed=args.seed,
                   common_random_numbers=not args.independent_streams, jobs=args.jobs,
                   executor=args.executor, scheduler=args.scheduler, out=out,
                   resume=args.resume, on_error=args.on_error, csv=args.csv,
                   figures=not args.no_figures, progress=True,
                   command_line=["python", "-m", "sim", *sys.argv[1:]],
                   scenario_file=args.scenario)
    print(_sweep_table(result.summary, [c for c in result.summary.columns
                                        if c in (args.params or [p.path for p in
                                                 loaded.scenario.sweep.parameters])]))
    print(f"\nResults in {result.out}/ (summary.csv, replications.parquet, figures/)")
    if result.failures:
        print(f"{len(result.failures)} replications failed; see {result.out}/failures.json",
              file=sys.stderr)
        return 1
    return 0


def _sweep_table(summary: Any, params: list[str]) -> str:
    header = "".join(f"{p.rsplit('.', 1)[-1]:>14}" for p in params)
    lines = [f"{header}{'reps':>6}{'Trans-Caspian Mt/yr [95% CI]':>32}{'P(>=6.0)':>10}"
             f"{'P(>=6.5)':>10}{'shut-in':>9}{'ceiling':>9}"]
    for _, row in summary.iterrows():
        values = "".join(f"{row[p]:>14.4g}" if isinstance(row[p], float) else f"{row[p]:>14}"
                         for p in params)
        tc = (f"{row['transcaspian_mt_per_year_mean']:.2f} "
              f"[{row['transcaspian_mt_per_year_ci95_low']:.2f}, "
              f"{row['transcaspian_mt_per_year_ci95_high']:.2f}]")
        lines.append(f"{values}{row['replications']:>6}{tc:>32}{row['p_reach_6_0_mean']:>10.2f}"
                     f"{row['p_reach_6_5_mean']:>10.2f}{row['shut_in_mt_per_year_mean']:>9.2f}"
                     f"{row['ceiling_mt_per_year']:>9.2f}")
    return "\n".join(lines)


def _cmd_plot(args: argparse.Namespace) -> int:
    from sim.plotting import redraw

    for path in redraw(Path(args.directory)):
        print(path)
    return 0


def _json_safe(value: Any) -> Any:
    """Replace NaN and infinities (undefined statistics) by None so the JSON is valid."""
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


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
    options = []
    if args.replications is not None:
        options.append(("--replications", f"run.replications={args.replications}"))
    if args.seed is not None:
        options.append(("--seed", f"run.seed={args.seed}"))
    _check_jobs(args)
    loaded = _load(args, options)
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
        print(json.dumps(_json_safe(report), indent=2, allow_nan=False))
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
