"""``report.html``: one self-contained page that hands a study's answer on.

The page holds the question, the answer in sentences with 95% CIs, what binds,
the figures (embedded PNG), the summary tables, the assumptions with their
sources and the provenance (scenario hash, seeds, versions, command lines), all
read from the results directory (:mod:`sim.report.findings` per kind of study,
:mod:`sim.report.assumptions`). It needs no network and no script, so it can be
mailed or archived as it is. ``python -m sim report DIR`` writes it; ``sweep``,
``headline``, ``sensitivity`` and ``compare`` write it after their figures.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.errors import OutputError, UserError
from sim.experiments.manifest import SCENARIO_FILE, check_manifest
from sim.experiments.results_dir import MANIFEST, atomic_write, read_manifest
from sim.report.assumptions import (
    assumptions,
    cited_sections,
    leaves,
    sources_document,
)
from sim.report.findings import CAPTIONS, Findings, findings
from sim.report.html import (
    Column,
    Section,
    bullets,
    details,
    esc,
    figure,
    number,
    page,
    pairs_table,
    paragraph,
    table,
)

#: The report's file name in a results directory.
REPORT_FILE = "report.html"


def write_report(folder: Path, target: Path | None = None) -> Path:
    """Write the report of the results directory ``folder`` (atomically); return its path."""
    text = render_report(folder)
    path = target if target is not None else folder / REPORT_FILE
    try:
        atomic_write(path, lambda handle: handle.write(text.encode("utf-8")))
    except OSError as exc:
        raise OutputError(f"{path}: cannot write the report ({exc.strerror or exc})") from None
    return path


def render_report(folder: Path) -> str:
    """The report page of a results directory, as HTML text.

    A directory without a readable manifest, or without the study's tables, is
    refused in one line (:class:`~sim.errors.UserError`).
    """
    if not folder.is_dir():
        raise UserError(f"{folder}: no such results directory")
    manifest = read_manifest(folder)
    if manifest is None:
        raise UserError(f"{folder}: not a results directory (no {MANIFEST})")
    check_manifest(manifest, folder / MANIFEST)
    scenario = manifest.get("scenario", {})
    own = dict(leaves(scenario))
    found = findings(folder, manifest, own)
    name = str(scenario.get("name", "scenario"))
    sections = [
        Section("question", "Question", paragraph(found.question, "lead")),
        Section("answer", "Answer", _answer(found, manifest)),
        Section("binds", "What binds", _binds(found, scenario)),
        Section("figures", "Figures", _figures(folder)),
        Section("tables", "Tables", found.tables),
        Section("assumptions", "Assumptions and sources", _assumptions(folder, manifest)),
        Section("provenance", "Provenance", _provenance(manifest)),
    ]
    return page(f"{name}: {found.kind} report", sections)


def _answer(found: Findings, manifest: Mapping[str, Any]) -> str:
    body = "".join(paragraph(sentence, "answer") for sentence in found.answer)
    status = manifest.get("status")
    if status != "complete":
        body = paragraph(f"This study is not complete (status: {status}); the numbers below "
                         "cover only what was stored.", "warning") + body
    failures = manifest.get("failures")
    if failures:
        body += paragraph(f"{failures} replications failed and are not in these numbers "
                          "(see failures.csv).", "warning")
    return body or paragraph("The study's tables hold no result to state.")


def _binds(found: Findings, scenario: Mapping[str, Any]) -> str:
    """What binds in the study's own terms, and the scenario's chain bound as it is."""
    from sim.analysis.bound import chain_bound
    from sim.report.findings import stage_words
    from sim.scenario.schema import Scenario

    body = found.binds
    try:
        bound = chain_bound(Scenario.model_validate(dict(scenario)))
    except Exception:  # a manifest from another version: its scenario may not validate
        return body or paragraph("The scenario in the manifest cannot be read by this "
                                 "version, so its chain bound is not shown.")
    body += paragraph(
        f"The scenario as it is: physical capacity (a) {bound.capacity_mt_per_year:.2f} Mt/yr, "
        f"bound by {stage_words(bound.capacity_binding)}; expected deliverable (b) "
        f"{bound.deliverable_mt_per_year:.2f} Mt/yr, limited by "
        f"{stage_words(bound.deliverable_binding)} (long-run rates from the parameters, "
        "`python -m sim bound`).")
    stages = bound.stages()
    body += table(sorted(stages.items(), key=lambda kv: kv[1]), [
        Column("stage", lambda kv: stage_words(kv[0]), numeric=False),
        Column("long-run limit, Mt/yr", lambda kv: number(kv[1]))])
    return body


def _figures(folder: Path) -> str:
    order = list(CAPTIONS)
    pictures = sorted((folder / "figures").glob("*.png"), key=lambda p: (
        order.index(p.stem) if p.stem in order else len(order), p.stem))
    if not pictures:
        return paragraph("No figures were drawn (run `python -m sim plot` on a sweep, or "
                         "rerun without --no-figures).")
    return "".join(figure(p, CAPTIONS.get(p.stem, p.stem.replace("_", " ")))
                   for p in pictures)


def _assumptions(folder: Path, manifest: Mapping[str, Any]) -> str:
    scenario = manifest.get("scenario", {})
    given = manifest.get("scenario_file")
    file = Path(given) if isinstance(given, str) and Path(given).is_file() else None
    rows = assumptions(scenario, file)
    sections = cited_sections(rows, sources_document(file))
    intro = paragraph(
        "Every value the study ran with (the resolved scenario; the study's swept or varied "
        "fields take other values at its points). \"sources §N.M\" is that section of "
        "docs/sources.md, which names the public source; ESTIMATE marks a value without a "
        f"public figure. Resolved scenario: {SCENARIO_FILE} in the results directory"
        + (f"; file given: {given}." if given else "."))
    cited = ("<h3>Sections of docs/sources.md cited</h3>"
             + bullets(f"{sid} {title}".strip() for sid, title in sections)) if sections else ""
    return intro + cited + "<h3>Values</h3>" + table(rows, [
        Column("field", lambda r: r.path, numeric=False),
        Column("value", lambda r: r.value, numeric=False),
        Column("unit", lambda r: r.unit, numeric=False),
        Column("source", lambda r: r.source, numeric=False)])


def _changed(point: Mapping[str, Any], own: Mapping[str, Any]) -> str:
    """A point's swept values; of a design (more than two fields), those that differ."""
    values = point.get("values") or {}
    changed = [f"{path} = {value}" for path, value in values.items()
               if value is not None and (len(values) <= 2 or own.get(path) != value)]
    return ", ".join(changed) or "as the scenario"


def _provenance(manifest: Mapping[str, Any]) -> str:
    own = dict(leaves(manifest.get("scenario", {})))
    versions = manifest.get("library_versions", {})
    facts = [
        ("study id", manifest.get("sweep_id", "")),
        ("status", manifest.get("status", "")),
        ("scenario SHA-256", manifest.get("scenario_sha256", "")),
        ("root seed", manifest.get("seed", "")),
        ("common random numbers", manifest.get("common_random_numbers", "")),
        ("replications per point", manifest.get("replications_per_point") or
         f"precision {manifest.get('precision_mt_per_year')} Mt/yr"),
        ("package version", manifest.get("package_version", "")),
        ("Python", manifest.get("python", "")),
        ("libraries", ", ".join(f"{k} {v}" for k, v in versions.items())),
        ("executor, jobs", f"{manifest.get('executor', '')}, {manifest.get('jobs', '')}"),
        ("started", manifest.get("started", "")),
        ("finished", manifest.get("finished", "")),
        ("phases (s)", json.dumps(manifest.get("timings_seconds", {}))),
    ]
    if manifest.get("figure_errors"):
        facts.append(("figures not drawn", json.dumps(manifest["figure_errors"])))
    commands = [shlex.join(line) for line in manifest.get("command_lines", [])]
    points = manifest.get("points", [])
    shown = points[:200]
    body = (pairs_table(facts) + "<h3>Command lines that wrote this directory</h3>"
            + "".join(f"<pre><code>{esc(c)}</code></pre>" for c in commands)
            + "<h3>Points, their seeds and how to rerun each</h3>"
            + paragraph("Values: the swept fields; for a design of many fields, those a "
                        "point sets to other values than the scenario's own.", "small")
            + table(shown, [
                Column("point", lambda p: number(p.get("index"))),
                Column("values", lambda p: _changed(p, own), numeric=False),
                Column("seed", lambda p: str(p.get("seed"))),
                Column("replications", lambda p: number(p.get("replications"))),
                Column("rerun", lambda p: details("command", str(p.get("rerun", ""))),
                       numeric=False, raw=True)]))
    if len(points) > len(shown):
        body += paragraph(f"The first {len(shown)} of {len(points)} points; all are in "
                          "manifest.json.", "small")
    return body
