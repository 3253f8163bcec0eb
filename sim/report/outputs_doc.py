"""The output reference (``docs/outputs.md``), generated from the result fields' metadata.

Every column of ``replications.parquet``, every statistic of ``summary.csv`` and
the groups of ``run --json`` come from :mod:`sim.model.results` and
:mod:`sim.report.summary`; this renders them as Markdown, reading nothing else.
``python tools/docs.py`` writes the file; a test fails when it is stale.
"""

from __future__ import annotations

from sim.analysis.stats import MIN_REPLICATIONS_FOR_CI
from sim.model.results import GROUPS, output_fields
from sim.report.study_columns import STUDY_TABLES
from sim.report.summary import (
    CONTINUOUS_STATS,
    INDICATOR_STATS,
    POINT_COLUMNS,
    STAT_MEANINGS,
    stats_of,
)

COMMAND = "python tools/docs.py"


def render() -> str:
    """Render the output reference as Markdown (deterministic)."""
    lines = [
        "# Output reference",
        "",
        f"Generated from the result fields in `sim/model/results.py` by `{COMMAND}`; do not "
        "edit by hand (`tests/test_docs.py` fails when it is stale).",
        "",
        "Every figure has one name, used verbatim in `run` output, `run --json`, "
        "`replications.parquet` (and `--csv`), `summary.csv` and figure labels. Volumes are "
        "Mt per simulated year of the measured period (warm-up excluded); `_per_year` counts "
        "and days are per 365 days; shares are 0-1.",
        "",
        "## Per replication: `replications.parquet`, and `run --json` groups",
        "",
        "One row per replication of every point. A sweep adds `point` and one column per "
        "swept field (its dotted path). `run --json` reports each field under its group with "
        "the statistics below.",
        "",
        "| field | group | unit | summarised as | meaning |",
        "|---|---|---|---|---|",
    ]
    kinds = {"continuous": "mean, CI, P5/P50/P95", "indicator": "probability with Wilson CI",
             "id": "not summarised"}
    for group in GROUPS:
        for f in (f for f in output_fields() if f.group == group):
            lines.append(f"| `{f.name}` | {f.group} | {f.unit} | {kinds[f.kind]} | "
                         f"{f.meaning} |")
    lines += [
        "",
        "## Per point: `summary.csv`",
        "",
        "One row per point. Each summarised field `F` above gives the columns `F_STAT`:",
        "",
        "| STAT | for | meaning |",
        "|---|---|---|",
    ]
    for stat in CONTINUOUS_STATS:
        scope = "every field" if stat in INDICATOR_STATS else "continuous fields only"
        lines.append(f"| `{stat}` | {scope} | {STAT_MEANINGS[stat]} |")
    count = sum(len(stats_of(f)) for f in output_fields())
    lines += [
        "",
        f"That is {count} statistic columns. Besides them, and the swept fields (one column "
        "each, named by dotted path):",
        "",
        "| column | unit | meaning |",
        "|---|---|---|",
        *(f"| `{c.name}` | {c.unit} | {c.meaning} |" for c in POINT_COLUMNS),
        "",
        *_study_tables(),
        *_year_tables(),
        "## `run --json`",
        "",
        "One document: the scenario's name, file, overrides, replications, seed, horizon and "
        "warm-up; `russian_route_disruption` (how p was given, p as the share of days, onsets "
        "per calendar year and per year of up-time); one object "
        "per group above (`kpis`, `russian_route`, `aktau`, `fleet`, `baku`, `btc`, "
        "`bookkeeping`) mapping each field to its unit, statistics and `n`; `mass_balance` "
        "(largest error over the replications, the tolerance, replications checked); `notes` "
        "(what each P(>= target) can mean under the scenario's contracts and start); "
        "`chain_bound` (stage limits, (a) physical capacity and (b) expected deliverable, "
        "with what binds each); `wall_time_s`. Undefined "
        "statistics (a CI from one replication) are `null`.",
        "",
        "## On the terminal: `run`, `sweep`, `headline`",
        "",
        "The tables printed carry the unit in every header (`shut-in Mt/yr`, `capacity "
        "Mt/yr`), name swept fields by their dotted path and probabilities by route and "
        "target (`P(>= 6.0 Mt/yr)` under `Trans-Caspian volume into BTC`), and say per point "
        "what binds its expected deliverable (`the tanker fleet`, `BTC allowance`, ...). "
        "`run` gives P5/P50/P95 for continuous fields only, not for 0/1 indicators. A 95% CI "
        "never leaves the values a field can take (volumes, counts and times from 0, shares "
        "and probabilities within 0-1, days within a year; differences such as "
        "`extra_transcaspian_mt_per_year` keep their sign); one from fewer than "
        f"{MIN_REPLICATIONS_FOR_CI} replications is marked `*` with a footnote. Progress goes "
        "to stderr: a bar on a terminal; otherwise (nohup, CI, a log file), once a run has "
        "taken ten seconds, a line `progress: ...` whenever another tenth of the "
        "replications is done or ten seconds have passed, and one at the end.",
        "",
    ]
    return "\n".join(lines + _trace_tables())


def _trace_tables() -> list[str]:
    """The event log and series of ``trace``."""
    from sim.report.event_log import EVENT_COLUMNS, SERIES

    return [
        "## One replication: `trace`", "",
        "`python -m sim trace SCENARIO --pick worst|p5|median` (or `--replication K`) writes "
        "`events.parquet` and `events.csv` (one row per activity), `series.parquet` (levels "
        "and steps over time), `replications.parquet` (with `--pick`: the replications it "
        "chose from), `manifest.json` (replication, seed, how it was chosen, its "
        "Trans-Caspian volume, the calendar start), `scenario.toml` and "
        "`figures/timeline.png`.", "",
        "### `events.parquet`, `events.csv`", "",
        "| column | meaning |", "|---|---|",
        *(f"| `{name}` | {meaning} |" for name, meaning in EVENT_COLUMNS.items()), "",
        "### `series.parquet`: columns `series`, `time_h`, `time`, `value`, `slope_per_h`", "",
        "| series | unit | meaning |", "|---|---|---|",
        *(f"| `{name}` | {unit} | {meaning} |" for name, (unit, meaning) in SERIES.items()),
        "",
    ]


def _year_tables() -> list[str]:
    """The per-calendar-year tables of a scenario with ``run.start_date``."""
    from sim.analysis.years import YEAR_CONTINUOUS, YEAR_INDICATORS
    from sim.model.years import YEAR_COLUMNS

    return ["## Per calendar year: `years.parquet` and `years_summary.csv`", "",
            "Written by a sweep or `run` of a scenario with `run.start_date` (`run` prints "
            "the summary and adds it to `run --json` as `years`, with the first years "
            "P(>= 6.0) reaches 0.5 and 0.9). One row per replication and calendar year of the "
            "replications the command ran (a sweep adds `point` and its swept fields):", "",
            "| column | unit | meaning |", "|---|---|---|",
            *(f"| `{name}` | {unit} | {meaning} |"
              for name, (unit, meaning) in YEAR_COLUMNS.items()), "",
            "`years_summary.csv` has one row per point and year: `days`, `replications`, "
            "`F_mean`, `F_ci95_low`, `F_ci95_high` for "
            + ", ".join(f"`{c}`" for c in (*YEAR_CONTINUOUS, *YEAR_INDICATORS))
            + " (Student-t intervals; Wilson for the two indicators), "
            "`transcaspian_mt_per_year_p5` and `_p95`, and the mean of every `voyages_`, "
            "`discharged_mt_` and `fleet_share_` column.", ""]


def _study_tables() -> list[str]:
    """The tables of ``sensitivity``, ``compare`` and ``explore``, one section each."""
    lines = ["## Uncertainty studies: `sensitivity`, `compare`, `explore`", "",
             "Beside `manifest.json`, `scenario.toml`, `parts/` and `replications.parquet` (as "
             "for a sweep, with one column per field a design point sets), each study writes "
             "the tables below and a figure (`tornado` or `indices`, `compare`, `robust`). "
             "Placeholders: `END` is `low` or `high`, `F` a summarised output field above, "
             "`INPUT` an uncertain input (its dotted path, or `PATH (factor)`), `LEVER` a "
             "lever's dotted path.", ""]
    for name, command, rows, columns in STUDY_TABLES:
        lines += [f"### `{name}` (`{command}`): {rows}", "", "| column | unit | meaning |",
                  "|---|---|---|", *(f"| `{c.name}` | {c.unit} | {c.meaning} |"
                                     for c in columns), ""]
    return [*lines, *_report_page()]


def _report_page() -> list[str]:
    """The HTML report every study writes."""
    return ["## `report.html`", "",
            "Every study with an output directory (`headline`, `sweep`, `sensitivity`, "
            "`compare`, `explore`) writes `report.html` after its figures (not with "
            "`--no-figures`; `python -m sim report DIR` writes it at any time): one "
            "self-contained page, figures embedded, no script and no network, with the "
            "question, the answer with its 95% CIs and replications, what binds, the figures, "
            "the summary tables, every scenario value with its unit and source (`sources §N.M` "
            "from the scenario file's comments, or the schema's source of a default) and the "
            "provenance (scenario SHA-256, seeds, versions, command lines, how to rerun each "
            "point). A report that cannot be written is a one-line notice; the tables are "
            "already complete.", ""]
