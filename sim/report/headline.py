"""The headline: the two panels that answer the planners' question, and a sentence for each.

A. **Capacity by investment level**: Trans-Caspian Mt/yr (mean, 95% CI, P5-P95 of
   single years) and P(>= 6.0) for each level, with the 6.0-6.5 target band, and
   the stage that binds (from the level's physical capacity, with the simulated
   utilisation of that stage beside it).
B. **Surge absorbed**: against the Russian route's disruption probability p, at
   the contract nomination, the extra Trans-Caspian volume diversion brings and
   the shut-in it avoids (paired with the same replications without diversion),
   one curve per level.

The summary table has one row per point; the figure is built without pyplot.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.analysis.bound import chain_bound
from sim.experiments.assemble import PointGroups, with_points
from sim.experiments.plan import Plan
from sim.model.results import TARGET_HIGH_MT_PER_YEAR, TARGET_LOW_MT_PER_YEAR
from sim.report.figure_plumbing import TARGET_COLOUR
from sim.report.summary import summarize_output
from sim.scenario.headline import P_PATH

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Fields the headline summarises, and whether each is a 0/1 indicator.
FIELDS = {"transcaspian_mt_per_year": False, "reaches_6_0": True, "reaches_6_5": True,
          "extra_transcaspian_mt_per_year": False, "shut_in_avoided_mt_per_year": False,
          "surge_mt_per_year": False, "shut_in_mt_per_year": False}

#: Stage names in words, and the simulated utilisation that shows each stage at work.
STAGES = {
    "feeder": ("the feeder into Aktau", None),
    "aktau_oil_capacity": ("Aktau's shared oil capacity", "aktau_oil_capacity_use"),
    "aktau_berths": ("Aktau's oil berths", "aktau_berth_occupancy"),
    "fleet": ("the tanker fleet", None),
    "baku_berths": ("the Baku berths", "baku_berth_occupancy"),
    "btc_intake": ("the BTC intake", None),
}


def summarize_headline(plan: Plan, groups: PointGroups) -> pd.DataFrame:
    """One row per point: labels, replications, statistics, capacity and what binds.

    ``groups`` are each point's replications, points ascending.
    """
    rows = []
    for point, stored in with_points(plan, groups):
        group = stored if stored is not None else pd.DataFrame()
        row: dict[str, Any] = {"point": point.index, **point.values, "replications": len(group)}
        for name, indicator in FIELDS.items():
            if len(group):
                s = summarize_output(group[name], name)
                row.update({f"{name}_{stat}": s[stat] for stat in
                            ("mean", "ci95_low", "ci95_high", *(() if indicator else
                                                                ("p5", "p95")))})
        bound = chain_bound(point.scenario)
        stage = bound.capacity_binding
        words, utilisation = STAGES[stage]
        row.update(capacity_mt_per_year=bound.capacity_mt_per_year,
                   capacity_binding_stage=stage, binds=words,
                   binding_utilisation=(float(group[utilisation].mean())
                                        if utilisation and len(group) else float("nan")))
        rows.append(row)
    return pd.DataFrame(rows)


def _ci(row: pd.Series, name: str, digits: int = 2) -> str:
    return (f"{row[f'{name}_mean']:.{digits}f} [{row[f'{name}_ci95_low']:.{digits}f}, "
            f"{row[f'{name}_ci95_high']:.{digits}f}]")


def headline_sentences(summary: pd.DataFrame, reference_p: float) -> dict[str, str]:
    """One sentence per panel, stating the answer with its 95% CIs and replications."""
    a = summary[summary["panel"] == "A"]
    today, best = a.iloc[0], a.iloc[-1]
    first = a[a["reaches_6_0_mean"] >= 0.5]
    reach = (f"the first level that reaches 6.0 Mt/yr in at least half of the years is "
             f"'{first.iloc[0]['level']}' (P(>=6.0) = {_ci(first.iloc[0], 'reaches_6_0')})"
             if len(first) else "no level reaches 6.0 Mt/yr in half of the years")
    sentence_a = (
        f"A. With nomination and allowance above what the chain can carry, today's chain moves "
        f"{_ci(today, 'transcaspian_mt_per_year')} Mt/yr (95% CI, {today['replications']} "
        f"replications; binds: {today['binds']}) and '{best['level']}' "
        f"{_ci(best, 'transcaspian_mt_per_year')} Mt/yr (binds: {best['binds']}); {reach}.")
    b = summary[summary["panel"] == "B"]
    ps = sorted(b[P_PATH].unique())
    at_ref = min(ps, key=lambda p: abs(p - reference_p))
    worst = max(ps)
    parts = []
    for level in (b["level"].iloc[0], b["level"].iloc[-1]):
        rows = b[b["level"] == level].set_index(P_PATH)
        parts.append(f"'{level}' adds {_ci(rows.loc[at_ref], 'extra_transcaspian_mt_per_year')}"
                     f" Mt/yr at p = {at_ref:g} and "
                     f"{_ci(rows.loc[worst], 'extra_transcaspian_mt_per_year')} at p = "
                     f"{worst:g}, avoiding "
                     f"{_ci(rows.loc[worst], 'shut_in_avoided_mt_per_year')} Mt/yr of shut-in")
    sentence_b = (f"B. At the contract nomination, with BTC assumed to accept the surge, "
                  f"diverting crude the Russian route cannot take: {'; '.join(parts)} "
                  f"({b['replications'].iloc[0]} paired replications per point).")
    return {"A": sentence_a, "B": sentence_b}


def headline_figure(summary: pd.DataFrame, scenario_name: str, reference_p: float,
                    contract_mt_per_year: float) -> Figure:
    """The two-panel headline figure."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(13, 5.6))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1.0]})
    _capacity_panel(left, summary[summary["panel"] == "A"])
    _surge_panel(right, summary[summary["panel"] == "B"], reference_p, contract_mt_per_year)
    fig.suptitle(f"{scenario_name}: can the Trans-Caspian route carry 6-6.5 Mt/yr?",
                 fontsize=13)
    fig.tight_layout()
    return fig


def _capacity_panel(ax: Any, rows: pd.DataFrame) -> None:
    x = range(len(rows))
    ax.axhspan(TARGET_LOW_MT_PER_YEAR, TARGET_HIGH_MT_PER_YEAR, color=TARGET_COLOUR,
               alpha=0.3, label="target 6.0-6.5 Mt/yr")
    mean = rows["transcaspian_mt_per_year_mean"]
    ax.bar(x, mean, color="C0", alpha=0.8, label="mean (bar), 95% CI (black)")
    ax.errorbar(x, mean, yerr=[mean - rows["transcaspian_mt_per_year_ci95_low"],
                               rows["transcaspian_mt_per_year_ci95_high"] - mean],
                fmt="none", ecolor="black", capsize=6, linewidth=2)
    ax.errorbar(x, mean, yerr=[mean - rows["transcaspian_mt_per_year_p5"],
                               rows["transcaspian_mt_per_year_p95"] - mean],
                fmt="none", ecolor="0.45", capsize=3, linewidth=1,
                label="P5-P95 of single years (grey)")
    ax.plot(x, rows["capacity_mt_per_year"], "k_", markersize=28, markeredgewidth=1.5,
            label="physical capacity from the parameters")
    top = max(float(rows["capacity_mt_per_year"].max()), TARGET_HIGH_MT_PER_YEAR,
              float(rows["transcaspian_mt_per_year_ci95_high"].max())) * 1.2
    for i, (_, row) in enumerate(rows.iterrows()):
        ax.text(i, 0.15, f"P(>=6.0)\n{row['reaches_6_0_mean']:.2f}\n"
                f"[{row['reaches_6_0_ci95_low']:.2f}, {row['reaches_6_0_ci95_high']:.2f}]",
                ha="center", va="bottom", fontsize=8, color="white", fontweight="bold")
        ax.text(i, max(row["transcaspian_mt_per_year_p95"], row["capacity_mt_per_year"],
                       row["transcaspian_mt_per_year_ci95_high"]) + 0.15,
                "binds:\n" + textwrap.fill(str(row["binds"]), 16), ha="center", va="bottom",
                fontsize=7.5)
    ax.set_xticks(list(x), [textwrap.fill(str(level), 14) for level in rows["level"]],
                  fontsize=8)
    ax.set_ylim(0, top + 1.0)
    ax.set_ylabel("Trans-Caspian volume into BTC (Mt/yr)")
    n = rows["replications"].iloc[0]
    ax.set_title(f"A. Chain capacity by investment level\n(nomination and allowance above "
                 f"capacity; {n} replications per level)", fontsize=10)
    ax.legend(fontsize=7.5, loc="upper left")
    ax.grid(axis="y", alpha=0.3)


def _surge_panel(ax: Any, rows: pd.DataFrame, reference_p: float,
                 contract_mt_per_year: float) -> None:
    levels = list(dict.fromkeys(rows["level"]))
    ps = sorted(rows[P_PATH].unique())
    step = (ps[1] - ps[0]) * 0.06 if len(ps) > 1 else 0.01
    for i, level in enumerate(levels):
        group = rows[rows["level"] == level].sort_values(P_PATH)
        p = group[P_PATH] + (i - (len(levels) - 1) / 2) * step  # side by side, not on top
        colour = f"C{i}"
        mean = group["extra_transcaspian_mt_per_year_mean"]
        ax.errorbar(p, mean, yerr=[mean - group["extra_transcaspian_mt_per_year_ci95_low"],
                                   group["extra_transcaspian_mt_per_year_ci95_high"] - mean],
                    color=colour, marker="o", capsize=3, label=level)
        ax.plot(p, group["shut_in_avoided_mt_per_year_mean"], color=colour, linestyle="none",
                marker="x", markersize=7)
        last = group.iloc[-1]
        ax.annotate(f"binds: {last['binds']}", (p.iloc[-1], mean.iloc[-1]),
                    textcoords="offset points", xytext=(6, -3), fontsize=7, color=colour)
    ax.plot([], [], "k", marker="o", label="extra volume into BTC (95% CI)")
    ax.plot([], [], "k", marker="x", linestyle="none", label="shut-in avoided")
    ax.axvline(reference_p, color="0.3", linestyle=":", linewidth=1)
    ax.text(reference_p, 0.5, f"2022-2025 record: p = {reference_p:g} ", fontsize=7.5,
            rotation=90, ha="right", va="center", color="0.3",
            transform=ax.get_xaxis_transform())
    ax.set_xlabel("Russian-route disruption probability p (share of days disrupted)")
    ax.set_ylabel("Mt/yr, paired with the same years without diversion")
    n = rows["replications"].iloc[0]
    ax.set_title(f"B. Surge absorbed at the {contract_mt_per_year:g} Mt/yr contract nomination"
                 f"\n(BTC assumed to accept it; {n} paired replications per point)",
                 fontsize=10)
    ax.set_xlim(right=max(ps) + (max(ps) - min(ps)) * 0.35)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7, loc="upper left")
    ax.grid(alpha=0.3)
