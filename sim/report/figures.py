"""Figures of a sweep, drawn from its per-point summary table (PNG and SVG).

- ``capacity_curve``: Trans-Caspian Mt/yr against the swept field, with the 95%
  confidence band of the mean, the P5-P95 band of single years, the 6.0-6.5 Mt/yr
  target band and the deterministic ceiling of the chain.
- ``p_reach``: probability of reaching 6.0 and 6.5 Mt/yr (Wilson 95% bands).
- ``volumes``: Russian-route, diverted and shut-in Mt/yr beside the Trans-Caspian volume.
- ``binding``: where the chain binds: the tanker time split (stacked) and berth,
  tank and BTC use against the swept field.
- ``heatmap`` (two-field sweeps): mean Trans-Caspian Mt/yr and P(>= 6.0 Mt/yr) on the
  grid, each with its 95% CI.

Figures are built as :class:`matplotlib.figure.Figure` objects without pyplot,
so drawing needs no backend and never opens a window; a notebook displays the
returned figures as usual. What they share (labels, panels, legends, saving) is
in :mod:`sim.report.figure_plumbing`.

:func:`draw_figures` draws each figure on its own: one that cannot be drawn (odd
values) is reported in one line and the others are still drawn; a folder that
cannot be written fails them all. Text from the user (the scenario name, swept
strings) is shown literally: control characters escaped and ``$`` not read as
mathtext. :func:`redraw` checks what it reads (the manifest, ``summary.csv``) and
refuses a file it cannot use in one line.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.errors import UserError
from sim.experiments.manifest import check_manifest
from sim.experiments.results_dir import MANIFEST, read_manifest
from sim.model.results import TARGET_HIGH_MT_PER_YEAR, TIME_SHARE_FIELDS
from sim.report.figure_plumbing import (
    OWN_COLOUR,
    PANEL_COLUMNS,
    Drawn,
    binds_labels,
    draw_one,
    figure_legend,
    figure_title,
    label,
    literal,
    make_folder,
    new_figure,
    own_marker,
    own_values,
    panel_grid,
    slices,
    stage_label,
    target_band,
    tick,
)
from sim.report.summary import read_summary

if TYPE_CHECKING:
    from matplotlib.figure import Figure

REACH = (("reaches_6_0", ">= 6.0 Mt/yr", "C0"), ("reaches_6_5", ">= 6.5 Mt/yr", "C1"))

FigureMaker = Callable[..., "Figure"]


def figure_makers(paths: list[str]) -> dict[str, FigureMaker]:
    """The figures of a sweep over ``paths``, by file name."""
    makers: dict[str, FigureMaker] = {"capacity_curve": capacity_curve, "p_reach": p_reach,
                                      "volumes": volumes, "binding": binding}
    if len(paths) == 2:
        makers["heatmap"] = heatmap
    return makers


def draw_figures(summary: pd.DataFrame, paths: list[str], scenario_name: str,
                 folder: Path, own: Mapping[str, Any] | None = None) -> Drawn:
    """Draw every figure for a sweep summary into ``folder``, each on its own.

    A figure that cannot be drawn is listed in :attr:`Drawn.failed` and the others
    are still drawn; a folder that cannot be written (a file, read-only, full) is
    an :class:`~sim.errors.OutputError`, as it would fail every figure alike.
    ``own`` holds the scenario's own values of the swept fields (marked on the figures).
    """
    make_folder(folder)
    shown = _literal_text(summary, paths)
    title = literal(scenario_name)
    drawn = Drawn()
    for name, make in figure_makers(paths).items():
        draw_one(name, functools.partial(make, shown, paths, title, own=own), folder, drawn)
    return drawn


def _literal_text(summary: pd.DataFrame, paths: list[str]) -> pd.DataFrame:
    """The summary with swept strings made literal (tick labels and legends show them)."""
    text_columns = [p for p in paths if p in summary and summary[p].dtype == object]
    if not text_columns:
        return summary
    shown = summary.copy()
    for column in text_columns:
        shown[column] = shown[column].map(lambda v: literal(v) if isinstance(v, str) else v)
    return shown


def redraw(results_dir: Path) -> Drawn:
    """Redraw the figures of a results directory from its summary and manifest.

    Both are checked first (:func:`~sim.experiments.manifest.check_manifest`,
    :func:`~sim.report.summary.read_summary`); a file that cannot be used is an
    :class:`~sim.errors.OutputError` naming it.
    """
    if not results_dir.is_dir():
        raise UserError(f"{results_dir}: no such results directory")
    manifest = read_manifest(results_dir)
    summary_file = results_dir / "summary.csv"
    if manifest is None or not summary_file.exists():
        raise UserError(f"{results_dir}: not a finished sweep (needs manifest.json and "
                        "summary.csv)")
    check_manifest(manifest, results_dir / MANIFEST, for_plot=True)
    paths = [p["path"] for p in manifest["parameters"]]
    summary = read_summary(summary_file, paths, len(manifest["points"]))
    return draw_figures(summary, paths, manifest["scenario"]["name"], results_dir / "figures",
                        own_values(manifest["scenario"], paths))


def capacity_curve(summary: pd.DataFrame, paths: list[str], scenario_name: str,
                   own: Mapping[str, Any] | None = None) -> Figure:
    """Trans-Caspian Mt/yr with bands, the target band, the ceilings and what binds.

    One panel per value of the second swept field (a one-field sweep: one panel).
    """
    panels, note = slices(summary, paths, own)
    columns = min(len(panels), PANEL_COLUMNS)
    lines = -(-len(panels) // columns)
    fig = new_figure(4.2 * columns + 2.5 * (columns == 1), 3.6 * lines + 1.6)
    fig.set_layout_engine("constrained")
    x = paths[0]
    top = float(np.nanmax([summary["transcaspian_mt_per_year_p95"].max(),
                           summary["capacity_mt_per_year"].max(), TARGET_HIGH_MT_PER_YEAR]))
    for panel, [ax] in zip(panels, panel_grid(fig, len(panels)), strict=True):
        rows = panel.rows
        target_band(ax)
        ax.fill_between(rows[x], rows["transcaspian_mt_per_year_p5"],
                        rows["transcaspian_mt_per_year_p95"], color="C0", alpha=0.15,
                        label="P5-P95 of single years")
        ax.fill_between(rows[x], rows["transcaspian_mt_per_year_ci95_low"],
                        rows["transcaspian_mt_per_year_ci95_high"], color="C0", alpha=0.4,
                        label="95% CI of the mean")
        ax.plot(rows[x], rows["transcaspian_mt_per_year_mean"], color="C0", marker="o",
                label="mean")
        ax.plot(rows[x], rows["capacity_mt_per_year"], color="black", linestyle="--",
                linewidth=1.2, label="physical capacity (a)")
        ax.plot(rows[x], rows["deliverable_mt_per_year"], color="0.45", linestyle=":",
                linewidth=1.5, label="expected deliverable (b)")
        binds_labels(ax, rows, x)
        own_marker(ax, rows, x, own)
        if panel.title:
            ax.set_title(panel.title, fontsize=9,
                         color=OWN_COLOUR if panel.own else "black")
        ax.set_xlabel(label(x), fontsize=8)
        ax.set_ylabel("Trans-Caspian into BTC (Mt/yr)", fontsize=8)
        ax.set_ylim(0, top * 1.15)
        ax.grid(alpha=0.3)
    fig.suptitle(figure_title(scenario_name, "Trans-Caspian volume into BTC", summary, note),
                 fontsize=10)
    figure_legend(fig, [ax])
    return fig


def p_reach(summary: pd.DataFrame, paths: list[str], scenario_name: str,
            own: Mapping[str, Any] | None = None) -> Figure:
    """Probability of reaching 6.0 and 6.5 Mt/yr, with Wilson 95% bands (one panel per slice)."""
    from matplotlib.patches import Patch

    panels, note = slices(summary, paths, own)
    columns = min(len(panels), PANEL_COLUMNS)
    lines = -(-len(panels) // columns)
    fig = new_figure(4.2 * columns + 2.5 * (columns == 1), 3.4 * lines + 1.5)
    fig.set_layout_engine("constrained")
    x = paths[0]
    for panel, [ax] in zip(panels, panel_grid(fig, len(panels)), strict=True):
        rows = panel.rows
        for kpi, _, colour in REACH:
            ax.fill_between(rows[x], rows[f"{kpi}_ci95_low"], rows[f"{kpi}_ci95_high"],
                            **_band_style(kpi, colour))
            ax.plot(rows[x], rows[f"{kpi}_mean"], color=colour, marker="o",
                    linestyle="-" if kpi == "reaches_6_0" else "--")
        own_marker(ax, rows, x, own)
        if panel.title:
            ax.set_title(panel.title, fontsize=9, color=OWN_COLOUR if panel.own else "black")
        ax.set_xlabel(label(x), fontsize=8)
        ax.set_ylabel("Share of simulated years", fontsize=8)
        ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3)
    from matplotlib.lines import Line2D

    handles: list[Any] = [(Patch(**_band_style(kpi, colour)),
                           Line2D([], [], color=colour, marker="o",
                                  linestyle="-" if kpi == "reaches_6_0" else "--"))
                          for kpi, _, colour in REACH]
    labels = [f"P(Trans-Caspian {text}), 95% band" for _, text, _ in REACH]
    own_handles, own_labels = ax.get_legend_handles_labels()
    fig.legend(handles + own_handles, labels + own_labels, loc="outside lower center",
               ncols=3, fontsize=8)
    fig.suptitle(figure_title(scenario_name, "probability of reaching the target", summary, note),
                 fontsize=10)
    return fig


def _band_style(kpi: str, colour: str) -> dict[str, Any]:
    """P(>= 6.0) bands filled, P(>= 6.5) bands hatched: both stay visible where they overlap."""
    if kpi == "reaches_6_0":
        return {"facecolor": colour, "alpha": 0.2, "edgecolor": "none"}
    return {"facecolor": "none", "hatch": "///", "edgecolor": colour, "alpha": 0.6}


VOLUMES = (("transcaspian_mt_per_year", "Trans-Caspian (into BTC)"),
           ("diverted_to_aktau_mt_per_year", "diverted to Aktau"),
           ("surge_mt_per_year", "surge (diverted, into BTC)"),
           ("shut_in_mt_per_year", "shut in (deferred)"))


def volumes(summary: pd.DataFrame, paths: list[str], scenario_name: str,
            own: Mapping[str, Any] | None = None) -> Figure:
    """Where the crude goes: Russian route, Trans-Caspian, diverted, shut in (95% bands).

    Two rows of panels (Russian route above, the rest below), one column per slice.
    """
    panels, note = slices(summary, paths, own)
    fig = new_figure(max(3.6 * len(panels), 9.0), 7.2)
    fig.set_layout_engine("constrained")
    x = paths[0]
    for panel, (upper, lower) in zip(panels, panel_grid(fig, len(panels), 2), strict=True):
        rows = panel.rows
        upper.fill_between(rows[x], rows["russian_route_mt_per_year_ci95_low"],
                           rows["russian_route_mt_per_year_ci95_high"], color="C4", alpha=0.3)
        upper.plot(rows[x], rows["russian_route_mt_per_year_mean"], color="C4", marker="o",
                   label="Russian route")
        for i, (kpi, text) in enumerate(VOLUMES):
            lower.fill_between(rows[x], rows[f"{kpi}_ci95_low"], rows[f"{kpi}_ci95_high"],
                               color=f"C{i}", alpha=0.3)
            lower.plot(rows[x], rows[f"{kpi}_mean"], color=f"C{i}", marker="o", label=text)
        upper.set_title(("Russian-route volume" if panel.title is None else panel.title),
                        fontsize=9, color=OWN_COLOUR if panel.own else "black")
        upper.set_ylabel("Russian route (Mt/yr)", fontsize=8)
        lower.set_ylabel("Trans-Caspian, diverted, shut in (Mt/yr)", fontsize=8)
        lower.set_xlabel(label(x), fontsize=8)
        for ax, kpis in ((upper, ["russian_route_mt_per_year"]),
                         (lower, [kpi for kpi, _ in VOLUMES])):
            own_marker(ax, rows, x, own)
            ax.set_ylim(0, _top(summary, kpis))
            ax.grid(alpha=0.3)
    fig.suptitle(figure_title(scenario_name, "where the crude goes (means with 95% bands)", summary,
                        note), fontsize=10)
    figure_legend(fig, [upper, lower])
    return fig


def _top(summary: pd.DataFrame, kpis: list[str]) -> float:
    """The top of a shared y axis: the highest mean or CI end of ``kpis`` over every panel."""
    values = summary[[f"{kpi}_{stat}" for kpi in kpis for stat in ("mean", "ci95_high")]]
    top = float(np.nanmax(values.to_numpy(dtype=float))) if values.notna().any().any() else 1.0
    return max(top, 0.1) * 1.08


#: Resource use below the tanker time split: (field, label, colour, marker); colours from a
#: palette of their own, so no line shares a colour with a band of the stack above.
USE = (("aktau_berth_occupancy", "Aktau berth occupancy", "#1b9e77", "s"),
       ("baku_berth_occupancy", "Baku berth occupancy", "#d95f02", "^"),
       ("btc_allowance_use", "BTC allowance used", "#7570b3", "D"),
       ("aktau_tank_full_days_per_year", "Aktau tanks full (share of days)", "#e7298a", "v"),
       ("baku_tank_full_days_per_year", "Baku tanks full (share of days)", "#666666", "o"))


def binding(summary: pd.DataFrame, paths: list[str], scenario_name: str,
            own: Mapping[str, Any] | None = None) -> Figure:
    """Tanker time split (stacked) and resource use, one column of panels per slice."""
    panels, note = slices(summary, paths, own)
    fig = new_figure(max(3.6 * len(panels), 9.0), 8.0)
    fig.set_layout_engine("constrained")
    x = paths[0]
    for panel, (upper, lower) in zip(panels, panel_grid(fig, len(panels), 2), strict=True):
        rows = panel.rows
        shares = [rows[f"{name}_mean"] for name in TIME_SHARE_FIELDS.values()]
        upper.stackplot(rows[x], shares, alpha=0.85,
                        labels=[state.label.replace("_", " ") for state in TIME_SHARE_FIELDS])
        upper.set_ylabel("Share of tanker time", fontsize=8)
        upper.set_ylim(0, 1)
        stages = (list(dict.fromkeys(rows["capacity_binding_stage"].astype(str)))
                  if "capacity_binding_stage" in rows else [])
        binds = "binds: " + ", then ".join(stage_label(stage) for stage in stages)
        upper.set_title(binds if panel.title is None else f"{panel.title}\n{binds}",
                        fontsize=9, color=OWN_COLOUR if panel.own else "black")
        for column, text, colour, marker in USE:
            y = rows[f"{column}_mean"]
            if column.endswith("_days_per_year"):
                y = y / 365.0
            lower.plot(rows[x], y, marker=marker, color=colour, label=text)
        lower.set_ylabel("Share (0-1)", fontsize=8)
        lower.set_ylim(0, 1.05)
        lower.set_xlabel(label(x), fontsize=8)
        for ax in (upper, lower):
            own_marker(ax, rows, x, own)
            ax.grid(alpha=0.3)
    fig.suptitle(figure_title(scenario_name, "where the chain binds", summary, note), fontsize=10)
    figure_legend(fig, [upper, lower], 4, 7.5)
    return fig


def heatmap(summary: pd.DataFrame, paths: list[str], scenario_name: str,
            own: Mapping[str, Any] | None = None) -> Figure:
    """The grid at a glance: mean Trans-Caspian Mt/yr and P(>= 6.0), each with its 95% CI."""
    from matplotlib.patches import Rectangle

    x, y = paths
    columns = list(dict.fromkeys(summary[x]))
    rows_ = list(dict.fromkeys(summary[y]))
    width = max(10.0, 1.1 * len(columns) * 2 + 3)
    fig = new_figure(width, 1.0 + 0.65 * len(rows_) + 1.5)
    fig.set_layout_engine("constrained")
    axes = fig.subplots(1, 2)
    top = float(np.nanmax([summary["transcaspian_mt_per_year_ci95_high"].max(),
                           TARGET_HIGH_MT_PER_YEAR]))
    for ax, (kpi, what, digits, vmax) in zip(axes, [
            ("transcaspian_mt_per_year", "Trans-Caspian Mt/yr, mean [95% CI]", 1, top),
            ("reaches_6_0", "P(Trans-Caspian >= 6.0 Mt/yr) [95% CI]", 2, 1.0)], strict=True):
        cells = np.full((len(rows_), len(columns)), np.nan)
        text = {}
        for _, row in summary.iterrows():
            r, c = rows_.index(row[y]), columns.index(row[x])
            cells[r, c] = row[f"{kpi}_mean"]
            text[r, c] = (f"{row[f'{kpi}_mean']:.{digits}f}\n[{row[f'{kpi}_ci95_low']:.{digits}f}, "
                          f"{row[f'{kpi}_ci95_high']:.{digits}f}]")
        image = ax.imshow(cells, origin="lower", aspect="auto", vmin=0, vmax=vmax,
                          cmap="viridis")
        for (r, c), words in text.items():
            value = cells[r, c]
            ax.text(c, r, words, ha="center", va="center", fontsize=8,
                    color="white" if not np.isfinite(value) or value < 0.6 * vmax else "black")
        if own is not None and own.get(x) in columns and own.get(y) in rows_:
            ax.add_patch(Rectangle((columns.index(own[x]) - 0.5, rows_.index(own[y]) - 0.5), 1,
                                   1, fill=False, edgecolor=OWN_COLOUR, linewidth=2.5))
        ax.set_xticks(range(len(columns)), [tick(v) for v in columns])
        ax.set_yticks(range(len(rows_)), [tick(v) for v in rows_])
        ax.set_xlabel(label(x), fontsize=8)
        ax.set_ylabel(label(y), fontsize=8)
        ax.set_title(what, fontsize=9)
        fig.colorbar(image, ax=ax, shrink=0.9)
    marked = "; red box: this scenario" if own is not None and own.get(x) in columns \
        and own.get(y) in rows_ else ""
    fig.suptitle(figure_title(scenario_name, "the grid at a glance", summary, marked.lstrip("; ")),
                 fontsize=10)
    return fig
