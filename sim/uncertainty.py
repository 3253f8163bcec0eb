"""How sure, and which lever: sensitivity, comparison and ensembles from Python.

- :func:`sensitivity`: which uncertain inputs move the answer, one at a time (each
  input alone at the ends of its range, paired changes with 95% intervals) or
  globally (Morris or Sobol indices through SALib).
- :func:`compare`: scenarios side by side, every output's paired difference from
  the first with its 95% interval and a verdict.
- :func:`explore`: N Latin hypercube draws of every uncertain input ("plausible
  worlds") under each lever setting; the experiments table (one row per world and
  setting, Parquet) and per setting the share of worlds that are robust.

Each study is a plan of design points run by the one runner: every point runs the
same replications (common random numbers). With ``out`` it writes a results
directory under the same rules as a sweep (lock, manifest first, parts as they
complete, ``resume``); an ensemble keeps only a few columns per replication in
memory and assembles its tables from the parts on disk, so memory stays flat.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.compare import ComparisonResult, comparison
from sim.analysis.ensemble import (
    ROBUST_FIELD,
    ROBUST_THRESHOLD,
    EnsembleResult,
    experiments_table,
    robust_summary,
    summarised_columns,
)
from sim.analysis.sensitivity import (
    SensitivityResult,
    inputs_table,
    morris_indices,
    oat_effects,
    resolve_outputs,
    sobol_indices,
)
from sim.errors import NO_VALUE, ScenarioError, notice
from sim.experiments import designs
from sim.experiments.assemble import part_batches, point_moments, stored_parts, write_replications
from sim.experiments.executors import default_jobs
from sim.experiments.plan import plan_design
from sim.experiments.results_dir import ResultsDir, storing, write_csv, write_parquet
from sim.experiments.runner import Runner, RunOutcome
from sim.model.results import output_fields
from sim.scenario.build import with_overrides
from sim.scenario.inputs import (
    LeverField,
    UncertainInput,
    chain_only,
    levers_of,
    uncertain_inputs,
)
from sim.scenario.paths import walk
from sim.scenario.ranges import Lever
from sim.scenario.schema import Scenario
from sim.study import ScenarioLike, resolve_scenario, run_plan

METHODS = ("oat", "morris", "sobol")
#: Replications per design point when none are given, by method.
DEFAULT_REPLICATIONS = {"oat": 30, "morris": 10, "sobol": 5}
#: Samples when none are given: Morris trajectories, Sobol base samples (a power of two).
DEFAULT_SAMPLES = {"morris": 10, "sobol": 64}
MAX_SAMPLES = {"morris": 1000, "sobol": 2**13}
#: Replications per scenario in a comparison when none are given.
COMPARE_REPLICATIONS = 200
#: Replications per world in an ensemble when none are given.
ENSEMBLE_REPLICATIONS = 20
#: Most Latin hypercube draws of one ensemble.
MAX_DRAWS = 10_000


def sensitivity(scenario: ScenarioLike, method: str = "oat", *,
                replications: int | None = None, samples: int | None = None,
                outputs: Sequence[str] = (), seed: int | None = None, levels: int = 4,
                jobs: int | None = None, executor: str = "process",
                scheduler: str | None = None, out: str | Path | None = None,
                resume: bool = False, on_error: str = "stop", figures: bool = True,
                progress: bool = False, command_line: Sequence[str] | None = None
                ) -> SensitivityResult:
    """Which uncertain inputs move the answer, and by how much.

    ``method`` ``"oat"`` (default) moves each input of the scenario's
    ``[uncertainty]`` table alone to each end of its range (30 paired replications
    per end by default); ``"morris"`` runs ``samples`` trajectories (default 10),
    ``"sobol"`` Saltelli's scheme with ``samples`` base samples (a power of two,
    default 64). ``outputs`` adds output fields to Trans-Caspian Mt/yr and
    P(>= 6.0). With ``out``, writes ``design.csv``, ``sensitivity.csv`` (oat) or
    ``indices.csv``, ``replications.parquet`` and ``figures/tornado`` (oat) or
    ``figures/indices``.
    """
    base, source = resolve_scenario(scenario)
    where = source.file or "scenario"
    method = _check_method(method)
    fields = resolve_outputs(outputs)
    count = _check_samples(method, samples)
    reps = replications if replications is not None else DEFAULT_REPLICATIONS[method]
    if reps < 2:
        raise ScenarioError("--replications", "", reps, "at least 2: a paired interval needs "
                            "two replications")
    inputs = _uncertain(base, where)
    root_seed = base.run.seed if seed is None else seed
    if method == "oat":
        design = designs.one_at_a_time(inputs)
    elif method == "morris":
        design = designs.morris(inputs, count, root_seed, levels)
    else:
        design = designs.sobol(inputs, count, root_seed)
    plan = plan_design(base, [p.overrides for p in design.points], reps, seed, "sensitivity",
                       [p.label for p in design.points])
    runner = Runner(plan, jobs or default_jobs(), executor, scheduler, on_error, progress,
                    keep_columns=None if out is None else [f.name for f in fields])

    def finish(results_dir: ResultsDir | None, outcome: RunOutcome) -> SensitivityResult:
        result = SensitivityResult(base.name, method, reps, root_seed, [f.name for f in fields],
                                   inputs_table(inputs), design.info)
        frame = outcome.replications
        if method == "oat":
            result.effects, result.baseline = oat_effects(frame, inputs, fields)
        elif method == "morris":
            result.indices = morris_indices(frame, design, inputs, fields, root_seed)
        else:
            result.indices = sobol_indices(frame, design, inputs, fields, root_seed)
        if results_dir is not None:
            _write_sensitivity(results_dir.path, result, design, figures)
            result.out = results_dir.path
        return result

    extra = {"study": "sensitivity", "design": {**design.info, "replications": reps,
                                                "outputs": [f.name for f in fields],
                                                "inputs": inputs_table(inputs).to_dict("records")}}
    return run_plan(plan, runner, finish, out=out, resume=resume, scenario_file=source.file,
                    command_line=command_line, manifest_extra=extra, report=figures)


def compare(scenarios: Sequence[ScenarioLike], *, replications: int | None = None,
            seed: int | None = None, jobs: int | None = None, executor: str = "process",
            scheduler: str | None = None, out: str | Path | None = None, resume: bool = False,
            on_error: str = "stop", figures: bool = True, progress: bool = False,
            command_line: Sequence[str] | None = None) -> ComparisonResult:
    """Scenarios under the same replications: every output's paired difference from the first.

    Each later scenario runs as the first with the fields where it differs
    overridden (the table's columns show them), all under the first's seed (or
    ``seed``): common random numbers. With ``out``, writes ``comparison.csv``,
    ``replications.parquet`` and ``figures/compare``.
    """
    if len(scenarios) < 2:
        raise ScenarioError("compare", "", NO_VALUE, "give at least two scenarios")
    resolved = [resolve_scenario(s) for s in scenarios]
    reference, source = resolved[0]
    labels = _unique([scenario.name for scenario, _ in resolved])
    points: list[dict[str, Any]] = [{}]
    points += [designs.differences(reference, scenario) for scenario, _ in resolved[1:]]
    reps = replications if replications is not None else COMPARE_REPLICATIONS
    if reps < 2:
        raise ScenarioError("--replications", "", reps, "at least 2: a paired interval needs "
                            "two replications")
    plan = plan_design(reference, points, reps, seed, "compare", labels)
    runner = Runner(plan, jobs or default_jobs(), executor, scheduler, on_error, progress)

    def finish(results_dir: ResultsDir | None, outcome: RunOutcome) -> ComparisonResult:
        result = ComparisonResult(labels, reps, plan.seed,
                                  comparison(outcome.replications, labels))
        if results_dir is not None:
            from sim.report.compare import comparison_figure
            from sim.report.figure_plumbing import save_figure

            with storing(results_dir.path):
                write_csv(results_dir.path / "comparison.csv", result.table)
                write_replications(results_dir.path)
                if figures:
                    save_figure(comparison_figure(result), results_dir.path / "figures",
                                "compare")
            result.out = results_dir.path
        return result

    files = [resolved_source.file for _, resolved_source in resolved]
    extra = {"study": "compare", "design": {"method": "compare", "scenarios": labels,
                                            "files": files, "replications": reps}}
    return run_plan(plan, runner, finish, out=out, resume=resume, scenario_file=source.file,
                    command_line=command_line, manifest_extra=extra, report=figures)


def explore(scenario: ScenarioLike, sample: str = "lhs:50", *,
            replications: int | None = None,
            levers: Mapping[str, Sequence[Any] | None] | None = None, combine: bool = False,
            threshold: float = ROBUST_THRESHOLD, robust_field: str = ROBUST_FIELD,
            seed: int | None = None, jobs: int | None = None, executor: str = "process",
            scheduler: str | None = None, out: str | Path | None = None, resume: bool = False,
            on_error: str = "stop", figures: bool = True, progress: bool = False,
            command_line: Sequence[str] | None = None) -> EnsembleResult:
    """An ensemble: ``lhs:N`` draws of the uncertain inputs, each under every lever setting.

    ``levers`` chooses the levers (path -> settings, or None for the settings the
    scenario's ``[levers]`` table gives); default: every lever of the table. Settings
    are the scenario as it is plus each lever's settings alone, or every combination
    (``combine``). Each world and setting runs ``replications`` (default 20). With
    ``out``, writes ``experiments.parquet`` (one row per world and setting: inputs,
    lever values, output means), ``robust.csv``, ``replications.parquet`` and
    ``figures/robust``; only ``robust_field`` is kept in memory per replication.
    """
    base, source = resolve_scenario(scenario)
    where = source.file or "scenario"
    draws = parse_sample(sample)
    reps = replications if replications is not None else ENSEMBLE_REPLICATIONS
    if robust_field not in {f.name for f in output_fields() if f.kind == "indicator"}:
        raise ScenarioError("--robust-field", "", robust_field, "must be an indicator output "
                            "(reaches_6_0 or reaches_6_5)")
    if not 0 < threshold <= 1:
        raise ScenarioError("--threshold", "", threshold, "must be a probability above 0, at "
                            "most 1")
    inputs = _uncertain(base, where)
    chosen = _levers(base, levers, where)
    settings = designs.lever_settings(chosen, combine)
    root_seed = base.run.seed if seed is None else seed
    unit = designs.latin_hypercube(inputs, draws, root_seed)
    kept, left_out = _in_domain(base, inputs, unit, settings, where)
    info = {"method": "lhs", "draws": draws, "seed": root_seed, "settings": len(settings),
            "levers": [lever.path for lever in chosen], "combine": combine,
            "left_out": left_out}
    design = designs.ensemble(inputs, unit[kept], settings, info, draws=kept)
    plan = plan_design(base, [p.overrides for p in design.points], reps, seed, "explore",
                       [p.label for p in design.points])
    runner = Runner(plan, jobs or default_jobs(), executor, scheduler, on_error, progress,
                    keep_columns=None if out is None else [robust_field])
    lever_paths = [lever.path for lever in chosen]

    def finish(results_dir: ResultsDir | None, outcome: RunOutcome) -> EnsembleResult:
        columns = summarised_columns()
        if results_dir is None:
            moments = point_moments([outcome.replications], columns, len(design.points))
        else:
            parts = stored_parts(results_dir.path)
            batches = [] if parts is None else part_batches(parts, ["point", *columns])
            moments = point_moments(batches, columns, len(design.points))
        experiments = experiments_table(design, moments, len(settings), threshold, robust_field)
        robust = robust_summary(experiments, lever_paths, threshold, robust_field)
        result = EnsembleResult(experiments, robust, info)
        if results_dir is not None:
            _write_ensemble(results_dir.path, result, lever_paths, base.name, figures)
            result.out = results_dir.path
        return result

    extra = {"study": "explore", "design": {**info, "replications": reps,
                                            "threshold": threshold,
                                            "robust_field": robust_field,
                                            "inputs": inputs_table(inputs).to_dict("records"),
                                            "lever_settings": settings}}
    return run_plan(plan, runner, finish, out=out, resume=resume, scenario_file=source.file,
                    command_line=command_line, manifest_extra=extra, report=figures)


def parse_sample(text: str) -> int:
    """The number of draws in ``lhs:N``; anything else is refused with what is allowed."""
    method, _, count = str(text).partition(":")
    allowed = f"expected lhs:N with N a whole number from 2 to {MAX_DRAWS:,}, e.g. lhs:200"
    if method.strip().lower() != "lhs" or not count.strip().isdigit():
        raise ScenarioError("--sample", "", text, allowed)
    draws = int(count)
    if not 2 <= draws <= MAX_DRAWS:
        raise ScenarioError("--sample", "", text, allowed)
    return draws


def _check_method(method: str) -> str:
    if method not in METHODS:
        raise ScenarioError("--method", "", method, "must be oat, morris or sobol")
    return method


def _check_samples(method: str, samples: int | None) -> int:
    """The sample size of a global method (refused for one-at-a-time, or when unusable)."""
    if method == "oat":
        if samples is not None:
            raise ScenarioError("--samples", "", samples, "only with --method morris or sobol "
                                "(one-at-a-time runs two points per input)")
        return 0
    count = DEFAULT_SAMPLES[method] if samples is None else samples
    if method == "morris" and not 2 <= count <= MAX_SAMPLES["morris"]:
        raise ScenarioError("--samples", "", count, "Morris needs 2 to "
                            f"{MAX_SAMPLES['morris']:,} trajectories (10-50 is usual)")
    if method == "sobol" and (count < 4 or count > MAX_SAMPLES["sobol"]
                              or count & (count - 1)):
        raise ScenarioError("--samples", "", count, "Sobol needs a power of two from 4 to "
                            f"{MAX_SAMPLES['sobol']:,} base samples (e.g. 64)")
    return count


def _uncertain(base: Scenario, where: str) -> list[UncertainInput]:
    inputs = uncertain_inputs(base, where)
    if not inputs:
        raise ScenarioError(where, "uncertainty", NO_VALUE, "no ranges: declare the plausible "
                            "range of each estimate in an [uncertainty] table (see "
                            "scenarios/base.toml)")
    return inputs


def _in_domain(base: Scenario, inputs: Sequence[UncertainInput], unit: designs.UnitSample,
               settings: Sequence[Mapping[str, Any]], where: str
               ) -> tuple[list[int], list[dict[str, Any]]]:
    """The draws whose every lever setting is a scenario the model accepts, and those left out.

    Latin hypercube draws over independent ranges can combine values no scenario may
    hold together (one Baku berth with most third-party crude at it: other ships alone
    would take more of its time than leaves a queue that ever clears). Such a world is
    outside the model, not one in which the route fails, so it is left out: each is
    listed (draw, inputs, the rule it breaks) and a notice says how many; the robust
    shares are over the worlds that ran. If every draw is outside, that is an error.
    """
    chain = chain_only(base)
    kept: list[int] = []
    left_out: list[dict[str, Any]] = []
    for draw, row in enumerate(unit):
        values = [item.at(u) for item, u in zip(inputs, row, strict=True)]
        reason = None
        for setting in settings:
            point = designs.point_at(inputs, values, f"draw {draw}", setting)
            try:
                with_overrides(chain, point.overrides, where)
            except ScenarioError as exc:
                reason = f"{exc.path} = {exc.value}: {exc.allowed}"
                break
        if reason is None:
            kept.append(draw)
        else:
            left_out.append({"draw": draw, "inputs": point.inputs, "reason": reason})
    if not kept:
        raise ScenarioError(where, "uncertainty", NO_VALUE, f"every one of the {len(unit)} "
                            f"draws is outside the model ({left_out[0]['reason']}); narrow the "
                            "ranges")
    if left_out:
        first = left_out[0]
        notice(f"{len(left_out)} of {len(unit)} worlds left out: their inputs together break a "
               f"rule of the model (e.g. draw {first['draw']}: {first['reason']}); the robust "
               f"shares are over the other {len(kept)} (manifest.json: design.left_out)")
    return kept, left_out


def _levers(base: Scenario, chosen: Mapping[str, Sequence[Any] | None] | None,
            where: str) -> list[LeverField]:
    """The levers to explore: the scenario's own, or ``chosen`` (settings given or declared)."""
    if chosen is None:
        return levers_of(base, where)
    table: dict[str, Lever] = {}
    for path, values in chosen.items():
        if values is None:
            walk(path, "--lever", NO_VALUE)  # an unknown field: "did you mean"
            if path not in base.levers:
                raise ScenarioError("--lever", path, NO_VALUE, "is not in the scenario's "
                                    "[levers] table; give its settings: --lever PATH=A,B")
            table[path] = base.levers[path]
        else:
            table[path] = Lever.model_validate({"values": tuple(values), "reason": "--lever"},
                                               strict=True)
    return levers_of(base.model_copy(update={"levers": table}), "--lever")


def _unique(names: Sequence[str]) -> list[str]:
    """Names made unique by a counter (the same scenario given twice)."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _write_sensitivity(folder: Path, result: SensitivityResult, design: designs.Design,
                       figures: bool) -> None:
    from sim.report.figure_plumbing import save_figure
    from sim.report.sensitivity import indices_figure, tornado

    with storing(folder):
        write_csv(folder / "design.csv", pd.DataFrame(
            [{"point": i, "label": p.label, **p.inputs} for i, p in enumerate(design.points)]))
        if result.effects is not None:
            write_csv(folder / "sensitivity.csv", result.effects)
        if result.indices is not None:
            write_csv(folder / "indices.csv", result.indices)
        write_replications(folder)
        if figures:
            figure = tornado(result) if result.effects is not None else indices_figure(result)
            save_figure(figure, folder / "figures",
                        "tornado" if result.effects is not None else "indices")


def _write_ensemble(folder: Path, result: EnsembleResult, lever_paths: Sequence[str],
                    scenario: str, figures: bool) -> None:
    from sim.report.ensemble import robust_figure
    from sim.report.figure_plumbing import save_figure

    with storing(folder):
        write_parquet(folder / "experiments.parquet", result.experiments)
        write_csv(folder / "robust.csv", result.robust)
        write_replications(folder)
        if figures:
            save_figure(robust_figure(result.robust, lever_paths, scenario), folder / "figures",
                        "robust")
