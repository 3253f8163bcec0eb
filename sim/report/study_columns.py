"""Columns of the tables the uncertainty studies write, with unit and meaning (one place).

``docs/outputs.md`` lists them (``python tools/docs.py``); a test checks that every
column a study writes matches one of them. Placeholders: ``END`` is ``low`` or
``high`` (an end of an input's range), ``F`` a summarised output field of the
per-replication table, ``INPUT`` an uncertain input (its dotted path, or
``PATH (factor)`` for a range of factors), ``LEVER`` a lever's dotted path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sim.report.summary import SummaryColumn as Column

SENSITIVITY_CSV = (
    Column("input", "-", "The uncertain input: its dotted path, or `PATH (factor)` for a "
           "range of factors of the scenario's value."),
    Column("path", "-", "Dotted path of the field the input sets."),
    Column("output", "-", "The output field whose change the row measures."),
    Column("unit", "-", "Unit of that output."),
    Column("low", "input's", "Low end of the input's range."),
    Column("high", "input's", "High end of the input's range."),
    Column("baseline_mean", "output's", "Mean of the output with the scenario as it is."),
    Column("END_mean", "output's", "Mean of the output with the input alone at END."),
    Column("END_ci95_low", "output's", "Lower end of its 95% CI (Wilson for 0/1 outputs)."),
    Column("END_ci95_high", "output's", "Upper end of its 95% CI."),
    Column("END_delta_mean", "output's", "Mean paired change from the scenario as it is "
           "(same replications, common random numbers)."),
    Column("END_delta_ci95_low", "output's", "Lower end of the paired change's 95% CI."),
    Column("END_delta_ci95_high", "output's", "Upper end of the paired change's 95% CI."),
    Column("END_delta_half_width", "output's", "Half-width of the paired 95% CI."),
    Column("END_delta_unpaired_half_width", "output's", "Half-width the same number of "
           "independent replications would give (Welch): what common random numbers save."),
    Column("n", "count", "Paired replications behind each change."),
    Column("swing", "output's", "The larger absolute change of the two ends."),
    Column("rank", "-", "Rank of the input by swing for this output (1 = moves it most)."),
)

INDICES_CSV = (
    Column("input", "-", "The uncertain input (as in sensitivity.csv)."),
    Column("path", "-", "Dotted path of the field the input sets."),
    Column("output", "-", "The output field analysed (its mean over each point's "
           "replications)."),
    Column("index", "-", "`mu_star` (Morris: mean absolute elementary effect over the whole "
           "range) or `ST` (Sobol: total index, share of variance with interactions)."),
    Column("value", "output's (mu_star) or share (ST)", "The index."),
    Column("ci95_low", "as value", "Lower end of SALib's bootstrap 95% CI of the index."),
    Column("ci95_high", "as value", "Upper end of that CI."),
    Column("mu", "output's", "Morris: mean elementary effect (signed)."),
    Column("sigma", "output's", "Morris: standard deviation of the elementary effects "
           "(interactions, non-linearity)."),
    Column("S1", "share", "Sobol: first-order index (the input alone)."),
    Column("S1_ci95_low", "share", "Sobol: lower end of the 95% CI of S1."),
    Column("S1_ci95_high", "share", "Sobol: upper end of the 95% CI of S1."),
    Column("rank", "-", "Rank of the input by the index for this output."),
)

COMPARISON_CSV = (
    Column("field", "-", "The output field compared."),
    Column("group", "-", "Its group (as in the per-replication table)."),
    Column("unit", "-", "Its unit."),
    Column("reference", "-", "The first scenario (the reference)."),
    Column("scenario", "-", "The scenario compared with it."),
    Column("reference_mean", "field's", "Mean over the reference's replications."),
    Column("reference_ci95_low", "field's", "Lower end of its 95% CI."),
    Column("reference_ci95_high", "field's", "Upper end of its 95% CI."),
    Column("mean", "field's", "Mean over the scenario's replications."),
    Column("ci95_low", "field's", "Lower end of its 95% CI."),
    Column("ci95_high", "field's", "Upper end of its 95% CI."),
    Column("difference_mean", "field's", "Mean paired difference, scenario - reference "
           "(same replications)."),
    Column("difference_ci95_low", "field's", "Lower end of its 95% CI (Student t on the "
           "paired differences)."),
    Column("difference_ci95_high", "field's", "Upper end of that CI."),
    Column("n", "count", "Paired replications."),
    Column("verdict", "-", "`significantly higher`, `significantly lower` (the CI clear of "
           "zero) or `no detectable difference`."),
)

EXPERIMENTS_PARQUET = (
    Column("point", "-", "Index of the design point (draw-major)."),
    Column("draw", "-", "The plausible world: index of the Latin hypercube draw (a draw "
           "whose inputs together break a rule of the model is left out and listed in "
           "manifest.json, design.left_out; the others keep their numbers)."),
    Column("setting", "-", "Index of the lever setting (as in robust.csv)."),
    Column("INPUT", "input's", "The input's value in this world (a factor for `PATH "
           "(factor)`)."),
    Column("LEVER", "field's", "The lever's setting."),
    Column("replications", "count", "Replications run for this world and setting."),
    Column("F_mean", "field's", "Mean of output field F over them."),
    Column("F_ci95_low", "field's", "For the headline outputs (group `kpis`): lower end of "
           "the 95% CI of that mean (Wilson for 0/1 fields)."),
    Column("F_ci95_high", "field's", "Upper end of that CI."),
    Column("robust", "true/false", "Whether the robust field's mean (P(>= 6.0) by default) "
           "reached the threshold in this world: the outcome for scenario discovery (PRIM)."),
)

ROBUST_CSV = (
    Column("setting", "-", "Index of the lever setting."),
    Column("LEVER", "field's", "The lever's setting."),
    Column("worlds", "count", "Plausible worlds run under this setting."),
    Column("robust_worlds", "count", "Worlds in which F_mean >= threshold (F the robust field, "
           "reaches_6_0 by default)."),
    Column("robust_share", "share", "robust_worlds / worlds."),
    Column("robust_share_ci95_low", "share", "Lower end of its Wilson 95% CI (over worlds)."),
    Column("robust_share_ci95_high", "share", "Upper end of that CI."),
    Column("F_mean_over_worlds", "share", "Mean over the worlds of the robust field's mean."),
    Column("transcaspian_mt_per_year_mean_over_worlds", "Mt/yr", "Mean Trans-Caspian volume "
           "over the worlds."),
    Column("transcaspian_mt_per_year_over_worlds_ci95_low", "Mt/yr", "Lower end of its 95% CI "
           "over the worlds (how far the answer moves between worlds)."),
    Column("transcaspian_mt_per_year_over_worlds_ci95_high", "Mt/yr", "Upper end of that CI."),
    Column("replications_per_world", "count", "Fewest replications behind a world's numbers."),
    Column("threshold", "share", "The probability a world must reach (0.9 by default)."),
    Column("field", "-", "The robust field (an indicator, reaches_6_0 by default)."),
)

#: Each table a study writes: file, the command that writes it, what a row is, columns.
STUDY_TABLES = (
    ("sensitivity.csv", "sensitivity", "one row per uncertain input and analysed output",
     SENSITIVITY_CSV),
    ("indices.csv", "sensitivity --method morris|sobol",
     "one row per uncertain input and analysed output", INDICES_CSV),
    ("comparison.csv", "compare", "one row per summarised output field and scenario after "
     "the first", COMPARISON_CSV),
    ("experiments.parquet", "explore", "one row per plausible world and lever setting",
     EXPERIMENTS_PARQUET),
    ("robust.csv", "explore", "one row per lever setting", ROBUST_CSV),
)

_FIXED_PLACEHOLDERS = {"END": "(low|high)", "F": "[a-z0-9_]+"}


def undocumented(columns: Iterable[str], documented: Iterable[Column],
                 inputs: Iterable[str] = (), levers: Iterable[str] = ()) -> list[str]:
    """Columns that match no documented name.

    ``END`` and ``F`` match any end and any field name; ``INPUT`` and ``LEVER`` match
    only the ``inputs`` and ``levers`` given (nothing when none are).
    """
    names = {**_FIXED_PLACEHOLDERS,
             "INPUT": "|".join(map(re.escape, inputs)) or "(?!)",
             "LEVER": "|".join(map(re.escape, levers)) or "(?!)"}
    patterns = [re.compile("".join(f"({names[part]})" if part in names else re.escape(part)
                                   for part in re.split(r"(END|INPUT|LEVER|\bF(?=_))",
                                                        c.name)))
                for c in documented]
    return [c for c in columns if not any(p.fullmatch(c) for p in patterns)]
