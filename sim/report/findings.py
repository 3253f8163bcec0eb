"""What a results directory answers, per kind of study: question, answer, what binds, tables.

Each kind (``sweep``, ``headline``, ``sensitivity``, ``compare``, ``explore``) reads its
own tables from the directory and states its answer in sentences with 95% CIs and
the number of replications; :mod:`sim.report.page` lays them out. Nothing here
computes a new statistic: every number is read from the study's own tables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import UserError
from sim.model.results import TARGET_LOW_MT_PER_YEAR
from sim.report.html import (
    Column,
    bullets,
    esc,
    interval,
    number,
    paragraph,
    table,
    with_ci,
)

#: Figure captions by file stem (a figure not listed is captioned by its name).
CAPTIONS = {
    "headline": "A: Trans-Caspian volume by investment level (mean, 95% CI, P5-P95 of single "
                "years, physical capacity, what binds). B: extra volume diversion brings and "
                "shut-in it avoids against the Russian route's disruption probability p.",
    "capacity_curve": "Trans-Caspian volume into BTC: mean with its 95% CI, P5-P95 of single "
                      "years, physical capacity (a), expected deliverable (b), the 6.0-6.5 "
                      "Mt/yr target band and what binds.",
    "p_reach": "Probability that a simulated year reaches 6.0 and 6.5 Mt/yr (Wilson 95% "
               "intervals).",
    "volumes": "Where the crude goes: Russian route, Trans-Caspian, diverted and shut-in "
               "volumes (means with 95% CIs).",
    "binding": "Where the chain binds: how tankers spend their time, and berth, tank and BTC "
               "use.",
    "heatmap": "The grid at a glance: mean Trans-Caspian volume and P(>= 6.0 Mt/yr), each with "
               "its 95% CI.",
    "tornado": "Each uncertain input alone at the ends of its range: the paired change of each "
               "output (95% intervals).",
    "indices": "Global sensitivity indices of each input (95% bootstrap intervals).",
    "compare": "Paired differences of the headline outputs from the first scenario (95% "
               "intervals).",
    "robust": "Share of plausible worlds in which each lever setting reaches the target.",
}

#: Short names of the main output fields.
OUTPUTS = {"transcaspian_mt_per_year": "Trans-Caspian volume (Mt/yr)",
           "reaches_6_0": "P(>= 6.0 Mt/yr)", "reaches_6_5": "P(>= 6.5 Mt/yr)",
           "shut_in_mt_per_year": "shut-in (Mt/yr)"}


@dataclass
class Findings:
    """A study's question, its answer, what binds and its tables (HTML bodies, escaped)."""

    kind: str
    question: str
    answer: list[str]
    binds: str
    tables: str
    notes: list[str] = field(default_factory=list)


def stage_words(stage: str) -> str:
    """A physical stage of the chain in words (``fleet`` -> ``the tanker fleet``)."""
    from sim.report.headline import STAGES

    return STAGES.get(stage, (stage.replace("_", " "), None))[0]


def study_kind(folder: Path, manifest: Mapping[str, Any]) -> str:
    """The kind of study that wrote ``folder``: the manifest's ``study``, else headline/sweep."""
    study = manifest.get("study")
    if isinstance(study, str):
        return study
    return "headline" if (folder / "headline.md").is_file() else "sweep"


def read_table(folder: Path, name: str) -> pd.DataFrame:
    """A CSV table of the study, or a one-line error naming it."""
    path = folder / name
    try:
        return pd.read_csv(path)
    except FileNotFoundError:
        raise UserError(f"{path}: missing; the study did not finish (resume it with "
                        "--resume)") from None
    except (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError) as exc:
        raise UserError(f"{path}: unreadable ({str(exc).strip().splitlines()[0]})") from None


def label(path: str) -> str:
    """A swept field's label with its unit (the figures' labels)."""
    from sim.report.figure_plumbing import label as figure_label

    return figure_label(path)


def own_point(summary: pd.DataFrame, paths: list[str],
              own: Mapping[str, Any]) -> pd.Series | None:
    """The row of the scenario's own values of the swept fields, if the grid holds it."""
    rows = summary
    for path in paths:
        if path not in own:
            return None
        rows = rows[rows[path].astype(str) == str(own[path])]
    return rows.iloc[0] if len(rows) else None


def _values(row: pd.Series, paths: list[str]) -> str:
    from sim.report.figure_plumbing import short_name, tick

    return ", ".join(f"{short_name(p)} = {tick(row[p])}" for p in paths)


def sweep_findings(folder: Path, manifest: Mapping[str, Any],
                   own: Mapping[str, Any]) -> Findings:
    """A sweep over one or two fields: the scenario's own point, where the target is reached."""
    paths = [p["path"] for p in manifest["parameters"]]
    summary = read_table(folder, "summary.csv")
    from sim.report.figure_plumbing import in_sentence

    question = ("How much crude does the Trans-Caspian chain carry into BTC as "
                + " and ".join(in_sentence(label(p)) for p in paths)
                + " vary, and does it reach the 6.0-6.5 Mt/yr target?")
    from sim.report.figure_plumbing import short_name, tick

    answer = []
    mine = own_point(summary, paths, own)
    if mine is None:
        values = ", ".join(f"{short_name(p)} = {tick(own[p])}" for p in paths if p in own)
        answer.append(f"The scenario's own values ({values}) are not a point of this grid.")
    else:
        answer.append(
            f"At the scenario's own values ({_values(mine, paths)}) the chain carries "
            f"{with_ci(mine, 'transcaspian_mt_per_year')} Mt/yr into BTC (mean [95% CI], "
            f"{int(mine['replications'])} replications); P(>= 6.0 Mt/yr) = "
            f"{with_ci(mine, 'reaches_6_0')}; "
            f"binds: {stage_words(str(mine['capacity_binding_stage']))}.")
    slices = ([(None, summary)] if len(paths) == 1 else
              list(summary.groupby(paths[1], sort=False)))
    for value, rows in slices:
        where = "" if value is None else f"At {_values(rows.iloc[0], paths[1:])}, "
        first = rows[rows["reaches_6_0_mean"] >= 0.5]
        if len(first):
            row = first.iloc[0]
            text = (f"the first point that reaches 6.0 Mt/yr in at least half of the years is "
                    f"{_values(row, paths[:1])}: {with_ci(row, 'transcaspian_mt_per_year')} "
                    f"Mt/yr, P(>= 6.0) = {with_ci(row, 'reaches_6_0')}")
        else:
            best = rows.iloc[int(rows["transcaspian_mt_per_year_mean"].to_numpy().argmax())]
            text = (f"no point reaches {TARGET_LOW_MT_PER_YEAR:.1f} Mt/yr in half of the years; "
                    f"the most is {with_ci(best, 'transcaspian_mt_per_year')} Mt/yr at "
                    f"{_values(best, paths[:1])}")
        answer.append((where + text + ".") if where else text[0].upper() + text[1:] + ".")
    binds = _binds_along(summary, paths)
    columns = [*(_swept_column(p) for p in paths),
               Column("replications", lambda r: number(r["replications"])),
               Column("Trans-Caspian Mt/yr, mean [95% CI]",
                      lambda r: with_ci(r, "transcaspian_mt_per_year")),
               Column("P5-P95 of single years (Mt/yr)",
                      lambda r: f"{number(r.get('transcaspian_mt_per_year_p5'))}-"
                      f"{number(r.get('transcaspian_mt_per_year_p95'))}"),
               Column("P(>= 6.0) [95% CI]", lambda r: with_ci(r, "reaches_6_0")),
               Column("P(>= 6.5) [95% CI]", lambda r: with_ci(r, "reaches_6_5")),
               Column("shut-in Mt/yr [95% CI]", lambda r: with_ci(r, "shut_in_mt_per_year")),
               Column("physical capacity (a), Mt/yr",
                      lambda r: number(r["capacity_mt_per_year"])),
               Column("binds (a)", lambda r: stage_words(str(r["capacity_binding_stage"])),
                      numeric=False),
               Column("expected deliverable (b), Mt/yr",
                      lambda r: number(r["deliverable_mt_per_year"])),
               Column("limits (b)", lambda r: stage_words(str(r["deliverable_binding"])),
                      numeric=False)]
    tables = (table([r for _, r in summary.iterrows()], columns)
              + paragraph("Every statistic of every output field is in summary.csv; the "
                          "replications are in replications.parquet.", "small"))
    return Findings("sweep", question, answer, binds, tables)


def _swept_column(path: str) -> Column:
    """A table column of a swept field's values."""
    from sim.report.figure_plumbing import tick

    return Column(label(path), lambda row: tick(row[path]))


def _binds_along(summary: pd.DataFrame, paths: list[str]) -> str:
    """What binds at each point, from the parameters, as runs of equal stages."""
    from sim.report.figure_plumbing import short_name, tick

    lines = []
    slices = ([(None, summary)] if len(paths) == 1 else
              list(summary.groupby(paths[1], sort=False)))
    for value, rows in slices:
        runs: list[tuple[str, list[str]]] = []
        for _, row in rows.iterrows():
            stage = str(row["capacity_binding_stage"])
            if runs and runs[-1][0] == stage:
                runs[-1][1].append(tick(row[paths[0]]))
            else:
                runs.append((stage, [tick(row[paths[0]])]))
        text = "; ".join(f"{stage_words(stage)} at {short_name(paths[0])} = "
                         f"{at[0] if len(at) == 1 else f'{at[0]} to {at[-1]}'}"
                         for stage, at in runs)
        prefix = "" if value is None else f"{short_name(paths[1])} = {tick(value)}: "
        lines.append(prefix + text)
    return (paragraph("The stage with the smallest long-run limit (physical capacity (a), "
                      "from the parameters) at each point of the grid:") + bullets(lines))


def headline_findings(folder: Path, manifest: Mapping[str, Any],
                      own: Mapping[str, Any]) -> Findings:
    """The headline: its two sentences, what binds per level, the panels' tables."""
    summary = read_table(folder, "summary.csv")
    text = (folder / "headline.md").read_text(encoding="utf-8")
    answer = [p.strip() for p in text.split("\n\n") if p.strip()]
    a = summary[summary["panel"] == "A"]
    binds = paragraph("Per investment level (panel A): the stage with the smallest long-run "
                      "limit, from the parameters, and the simulated use of that stage where "
                      "the model measures it.") + table([r for _, r in a.iterrows()], [
        Column("level", lambda r: str(r["level"]), numeric=False),
        Column("physical capacity, Mt/yr", lambda r: number(r["capacity_mt_per_year"])),
        Column("binds", lambda r: str(r["binds"]), numeric=False),
        Column("simulated use of that stage", lambda r: number(r.get("binding_utilisation")))])
    p_path = "russian_route.disruption.probability"
    tables = ("<h3>A. Capacity by investment level</h3>" + table(
        [r for _, r in a.iterrows()], [
            Column("level", lambda r: str(r["level"]), numeric=False),
            Column("replications", lambda r: number(r["replications"])),
            Column("Trans-Caspian Mt/yr [95% CI]",
                   lambda r: with_ci(r, "transcaspian_mt_per_year")),
            Column("P5-P95 (Mt/yr)", lambda r: f"{number(r['transcaspian_mt_per_year_p5'])}-"
                   f"{number(r['transcaspian_mt_per_year_p95'])}"),
            Column("P(>= 6.0) [95% CI]", lambda r: with_ci(r, "reaches_6_0")),
            Column("P(>= 6.5) [95% CI]", lambda r: with_ci(r, "reaches_6_5"))])
        + "<h3>B. Surge absorbed</h3>" + table(
        [r for _, r in summary[summary["panel"] == "B"].iterrows()], [
            Column("level", lambda r: str(r["level"]), numeric=False),
            Column("Russian-route disruption probability p", lambda r: number(r[p_path])),
            Column("replications (paired)", lambda r: number(r["replications"])),
            Column("extra into BTC, Mt/yr [95% CI]",
                   lambda r: with_ci(r, "extra_transcaspian_mt_per_year")),
            Column("shut-in avoided, Mt/yr [95% CI]",
                   lambda r: with_ci(r, "shut_in_avoided_mt_per_year")),
            Column("binds", lambda r: str(r["binds"]), numeric=False)]))
    return Findings("headline", "Can the Trans-Caspian route carry 6-6.5 Mt/yr, and how much "
                    "of what a Russian-route disruption leaves can it absorb?", answer,
                    binds, tables)


def sensitivity_findings(folder: Path, manifest: Mapping[str, Any],
                         own: Mapping[str, Any]) -> Findings:
    """One at a time (tornado) or global indices: the inputs that move each output most."""
    design = manifest.get("design", {})
    method = str(design.get("method", "oat"))
    answer = []
    if (folder / "sensitivity.csv").is_file():
        effects = read_table(folder, "sensitivity.csv")
        for output, rows in effects.groupby("output", sort=False):
            top = rows.sort_values("rank").head(3)
            first = top.iloc[0]
            if not float(first["swing"]) > 0:
                answer.append(f"{OUTPUTS.get(str(output), output)} (scenario as it is: "
                              f"{number(first['baseline_mean'])}): no input moves it at "
                              f"{int(first['n'])} paired replications per end.")
                continue
            moved = "; ".join(
                f"{r['input']} ({number(r['low'])} to {number(r['high'])}: "
                f"{_signed_ci(r, 'low')} and {_signed_ci(r, 'high')})"
                for _, r in top.iterrows())
            answer.append(f"{OUTPUTS.get(str(output), output)} (scenario as it is: "
                          f"{number(first['baseline_mean'])}) moves most with: {moved} "
                          f"({int(first['n'])} paired replications per end, 95% CIs).")
        shown = effects.sort_values(["output", "rank"])
        tables = table([r for _, r in shown.iterrows()], [
            Column("output", lambda r: OUTPUTS.get(str(r["output"]), str(r["output"])),
                   numeric=False),
            Column("rank", lambda r: number(r["rank"])),
            Column("input", lambda r: str(r["input"]), numeric=False),
            Column("range", lambda r: f"{number(r['low'])} to {number(r['high'])}"),
            Column("change at low end [95% CI]", lambda r: _signed_ci(r, "low")),
            Column("change at high end [95% CI]", lambda r: _signed_ci(r, "high")),
            Column("n", lambda r: number(r["n"]))])
    else:
        indices = read_table(folder, "indices.csv")
        for output, rows in indices.groupby("output", sort=False):
            top = rows.sort_values("rank").head(3)
            listed = "; ".join(f"{r['input']} ({number(r['value'])} [{number(r['ci95_low'])}, "
                               f"{number(r['ci95_high'])}])" for _, r in top.iterrows())
            answer.append(f"{OUTPUTS.get(str(output), output)}: largest {method} index "
                          f"({top.iloc[0]['index']}): {listed}.")
        tables = table([r for _, r in indices.sort_values(["output", "rank"]).iterrows()], [
            Column("output", lambda r: OUTPUTS.get(str(r["output"]), str(r["output"])),
                   numeric=False),
            Column("rank", lambda r: number(r["rank"])),
            Column("input", lambda r: str(r["input"]), numeric=False),
            Column("index", lambda r: str(r["index"]), numeric=False),
            Column("value [95% CI]", lambda r: f"{number(r['value'])} "
                   f"[{number(r['ci95_low'])}, {number(r['ci95_high'])}]")])
    return Findings("sensitivity", "Which uncertain inputs move the answer, and by how much?",
                    answer, "", tables)


def _signed_ci(row: pd.Series, end: str) -> str:
    def signed(value: Any) -> str:
        text = number(value)
        return f"+{text}" if isinstance(value, int | float) and value > 0 else text

    return (f"{signed(row[f'{end}_delta_mean'])} [{signed(row[f'{end}_delta_ci95_low'])}, "
            f"{signed(row[f'{end}_delta_ci95_high'])}]")


def compare_findings(folder: Path, manifest: Mapping[str, Any],
                     own: Mapping[str, Any]) -> Findings:
    """Scenarios against the first: the verdicts on the headline outputs."""
    from sim.analysis.compare import ComparisonResult
    from sim.report.compare import verdict_lines

    frame = read_table(folder, "comparison.csv")
    design = manifest.get("design", {})
    scenarios = [str(s) for s in design.get("scenarios", [])] or sorted(set(frame["reference"]))
    result = ComparisonResult(scenarios, int(design.get("replications", 0)),
                              int(manifest.get("seed") or 0), frame)
    kpis = frame[frame["group"] == "kpis"]
    tables = table([r for _, r in kpis.iterrows()], [
        Column("field", lambda r: str(r["field"]), numeric=False),
        Column("unit", lambda r: str(r["unit"]), numeric=False),
        Column("scenario", lambda r: str(r["scenario"]), numeric=False),
        Column(f"{scenarios[0]} [95% CI]", lambda r: interval(
            r["reference_mean"], r["reference_ci95_low"], r["reference_ci95_high"])),
        Column("this scenario [95% CI]", lambda r: interval(r["mean"], r["ci95_low"],
                                                            r["ci95_high"])),
        Column("difference [95% CI]", lambda r: with_ci(r, "difference")),
        Column("n", lambda r: number(r["n"])),
        Column("verdict", lambda r: str(r["verdict"]), numeric=False)])
    tables += paragraph("Every output field is in comparison.csv.", "small")
    return Findings("compare", f"How do {', '.join(scenarios[1:])} differ from {scenarios[0]}, "
                    "year for year under the same random numbers?", verdict_lines(result), "",
                    tables)


def explore_findings(folder: Path, manifest: Mapping[str, Any],
                     own: Mapping[str, Any]) -> Findings:
    """An ensemble: the share of plausible worlds in which each lever setting is robust."""
    from sim.report.ensemble import setting_label

    robust = read_table(folder, "robust.csv")
    design = manifest.get("design", {})
    levers = [str(p) for p in design.get("levers", [])]
    answer = []
    if len(robust):
        best = robust.iloc[int(robust["robust_share"].to_numpy().argmax())]
        answer.append(f"The most robust setting is {setting_label(best, levers)}: it reaches "
                      f"{OUTPUTS.get(str(best['field']), best['field'])} >= "
                      f"{number(best['threshold'])} in {number(best['robust_share'])} "
                      f"[{number(best['robust_share_ci95_low'])}, "
                      f"{number(best['robust_share_ci95_high'])}] of {int(best['worlds'])} "
                      "plausible worlds.")
    tables = table([r for _, r in robust.iterrows()], [
        Column("setting", lambda r: setting_label(r, levers), numeric=False),
        Column("worlds", lambda r: number(r["worlds"])),
        Column("robust share [95% CI]", lambda r: f"{number(r['robust_share'])} "
               f"[{number(r['robust_share_ci95_low'])}, {number(r['robust_share_ci95_high'])}]")])
    return Findings("explore", "Which lever settings stay robust across the plausible worlds "
                    "the uncertainty ranges allow?", answer, "", tables)


FindingsReader = Callable[[Path, Mapping[str, Any], Mapping[str, Any]], Findings]
#: The findings of each kind of study.
READERS: dict[str, FindingsReader] = {
    "sweep": sweep_findings, "headline": headline_findings,
    "sensitivity": sensitivity_findings, "compare": compare_findings,
    "explore": explore_findings,
}


def findings(folder: Path, manifest: Mapping[str, Any], own: Mapping[str, Any]) -> Findings:
    """The findings of the study that wrote ``folder``."""
    kind = study_kind(folder, manifest)
    if kind not in READERS:
        raise UserError(f"{folder}: a '{esc(kind)}' study has no report")
    return READERS[kind](folder, manifest, own)
