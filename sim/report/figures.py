"""Figures of a sweep, drawn from its per-point summary table (PNG and SVG).

- ``capacity_curve``: Trans-Caspian Mt/yr against the swept field, with the 95%
  confidence band of the mean, the P5-P95 band of single years, the 6.0-6.5 Mt/yr
  target band and the deterministic ceiling of the chain.
- ``p_reach``: probability of reaching 6.0 and 6.5 Mt/yr (Wilson 95% bands).
- ``volumes``: Russian-route, diverted and shut-in Mt/yr beside the Trans-Caspian volume.
- ``binding``: where the chain binds: the tanker time split (stacked) and berth,
  tank and BTC use against the swept field.
- ``heatmap`` (two-field sweeps): probability of reaching 6.5 Mt/yr on the grid.

Figures are built as :class:`matplotlib.figure.Figure` objects without pyplot,
so drawing needs no backend and never opens a window; a notebook displays the
returned figures as usual.

Each figure is drawn on its own: one that cannot be drawn (odd values, a
folder that cannot be written) is reported in one line and the others are
still drawn. Text from the user (the scenario name, swept strings) is shown
literally: control characters escaped and ``$`` not read as mathtext.
:func:`redraw` checks what it reads (the manifest, ``summary.csv``) and refuses
a file it cannot use in one line.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np
import pandas as pd

from sim.errors import OutputError, UserError, one_line
from sim.experiments.manifest import check_manifest
from sim.experiments.results_dir import MANIFEST, atomic_write, read_manifest
from sim.model.results import TARGET_HIGH_MT_PER_YEAR, TARGET_LOW_MT_PER_YEAR, TIME_SHARE_FIELDS
from sim.report.summary import read_summary

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

LABELS = {
    "russian_route.disruption.probability":
        "Russian-route disruption probability p (share of days disrupted)",
    "russian_route.disruption.rate_per_year": "Russian-route disruptions per year",
    "fleet.tankers": "Tankers in the fleet",
    "fleet.cargo_t": "Cargo per voyage (t)",
    "aktau.berths": "Aktau oil berths",
    "aktau.storage_t": "Aktau tank room (t)",
    "baku.storage_t": "Baku tank room (t)",
    "btc.allowance_mt_per_year": "BTC allowance (Mt/yr)",
    "supply.transcaspian_nomination_mt_per_year": "Trans-Caspian nomination (Mt/yr)",
}
TARGET_COLOUR = "#e6a817"  # amber: distinct from the C0-C9 line colours


def new_figure(width_in: float, height_in: float) -> Figure:
    """A matplotlib figure of that size, without pyplot (matplotlib is imported here, lazily)."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width_in, height_in))


#: Short names of swept fields, for panel titles and legends ("p = 0.2").
SHORT_NAMES = {
    "russian_route.disruption.probability": "p",
    "russian_route.disruption.rate_per_year": "disruptions/yr",
    "fleet.tankers": "tankers",
}


def label(path: str) -> str:
    """Axis label for a dotted scenario path: its words and unit (the path and unit if unnamed)."""
    if path in LABELS:
        return LABELS[path]
    from sim.scenario.reference import UNIT_RULES

    unit = next((u for suffix, u in UNIT_RULES if path.endswith(suffix)), None)
    return f"{path} ({unit})" if unit else path


def short_name(path: str) -> str:
    """A swept field's short name: ``p``, ``tankers``, else the last part of its path."""
    return SHORT_NAMES.get(path, path.rsplit(".", 1)[-1])


FigureMaker = Callable[..., "Figure"]


@dataclass
class Drawn:
    """What :func:`draw_figures` did: the files written, and each figure that failed, why."""

    written: list[Path] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


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
    _make_folder(folder)
    shown = _literal_text(summary, paths)
    title = literal(scenario_name)
    drawn = Drawn()
    for name, make in figure_makers(paths).items():
        draw_one(name, functools.partial(make, shown, paths, title, own=own), folder, drawn)
    return drawn


def draw_one(name: str, make: Callable[[], Figure], folder: Path, drawn: Drawn) -> None:
    """Draw one figure as ``folder/name.png`` and ``.svg``, noting in ``drawn`` what happened.

    The figure's own failure (drawing or rendering) is recorded; a file that cannot be
    written is an :class:`~sim.errors.OutputError` (it would fail every figure alike).
    """
    try:
        fig = make()
    except Exception as exc:  # a figure's own failure must not cost the others
        drawn.failed[name] = f"{type(exc).__name__}: {exc}"
        return
    for ext in ("png", "svg"):
        path = folder / f"{name}.{ext}"
        try:
            atomic_write(path, _saver(fig, ext))
        except OSError as exc:
            raise OutputError(f"{path}: cannot write the figure "
                              f"({exc.strerror or exc})") from None
        except Exception as exc:  # rendering (text layout, mathtext) happens on save
            drawn.failed[name] = f"{type(exc).__name__}: {exc}"
            return
        drawn.written.append(path)


def literal(text: str) -> str:
    """User text as a figure shows it: control characters escaped, ``$`` not mathtext."""
    return one_line(text).replace("$", r"\$")


def _literal_text(summary: pd.DataFrame, paths: list[str]) -> pd.DataFrame:
    """The summary with swept strings made literal (tick labels and legends show them)."""
    text_columns = [p for p in paths if p in summary and summary[p].dtype == object]
    if not text_columns:
        return summary
    shown = summary.copy()
    for column in text_columns:
        shown[column] = shown[column].map(lambda v: literal(v) if isinstance(v, str) else v)
    return shown


def _make_folder(folder: Path) -> None:
    """Create the figures folder, or say in one line why it cannot be."""
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: exists and is not a directory; figures cannot be drawn")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create the figures folder "
                          f"({exc.strerror or exc})") from None


def save_figure(fig: Figure, folder: Path, name: str) -> list[Path]:
    """Write ``fig`` as ``folder/name.png`` and ``.svg`` (atomically); return the files."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for ext in ("png", "svg"):
        path = folder / f"{name}.{ext}"
        atomic_write(path, _saver(fig, ext))
        written.append(path)
    return written


def _saver(fig: Figure, ext: str) -> Callable[[BinaryIO], None]:
    """A writer that saves ``fig`` in format ``ext`` to an open binary file."""
    def save(handle: BinaryIO) -> None:
        fig.savefig(handle, format=ext, dpi=150, bbox_inches="tight")
    return save


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


def own_values(scenario: Mapping[str, Any], paths: list[str]) -> dict[str, Any]:
    """The scenario's own value of each swept field (a field it does not hold is left out)."""
    found = {}
    for path in paths:
        node: Any = scenario
        for part in path.split("."):
            node = node.get(part) if isinstance(node, Mapping) else None
        if node is not None:
            found[path] = node
    return found




#: Most panels a figure shows for the slices of a two-field grid; more are thinned evenly
#: and the figure's title names the slices it shows.
MAX_PANELS = 6
PANEL_COLUMNS = 3
REACH = (("reaches_6_0", ">= 6.0 Mt/yr", "C0"), ("reaches_6_5", ">= 6.5 Mt/yr", "C1"))
OWN_COLOUR = "#c0392b"


@dataclass(frozen=True)
class Slice:
    """One panel of a figure: the rows it plots and its title (None for a one-field sweep)."""

    rows: pd.DataFrame
    title: str | None
    own: bool = False


def slices(summary: pd.DataFrame, paths: list[str],
           own: Mapping[str, Any] | None = None) -> tuple[list[Slice], str]:
    """The panels of a figure, one per value of the second swept field, and a title note.

    A one-field sweep is one panel. With more than :data:`MAX_PANELS` values, evenly
    spaced ones (the first and last included) are shown and the note names them.
    """
    if len(paths) == 1:
        return [Slice(summary, None)], ""
    second = paths[1]
    groups = list(summary.groupby(second, sort=False))
    chosen = groups
    note = f"one panel per {in_sentence(label(second))}"
    if len(groups) > MAX_PANELS:
        picks = sorted({round(i * (len(groups) - 1) / (MAX_PANELS - 1))
                        for i in range(MAX_PANELS)})
        chosen = [groups[i] for i in picks]
        note = (f"{short_name(second)} = {', '.join(tick(v) for v, _ in chosen)} shown of "
                f"{len(groups)} values (all in summary.csv)")
    mine = None if own is None else own.get(second)
    return [Slice(rows, f"{short_name(second)} = {tick(value)}"
                  + (" (this scenario)" if _same(value, mine) else ""), _same(value, mine))
            for value, rows in chosen], note


def in_sentence(text: str) -> str:
    """A label inside a sentence: lower-case first letter, unless it starts with a name."""
    names = ("Russian", "BTC", "Aktau", "Baku", "Trans-Caspian")
    return text if text.startswith(names) or not text[:1].isupper() else text[0].lower() + text[1:]


def _same(value: object, other: object) -> bool:
    """Whether a swept value is the scenario's own (numbers compared as numbers)."""
    if other is None:
        return False
    if isinstance(value, int | float | np.number) and isinstance(other, int | float):
        return bool(np.isclose(float(value), float(other)))
    return str(value) == str(other)


def panel_grid(fig: Figure, count: int, rows_per_panel: int = 1,
               sharey: bool = True) -> list[list[Axes]]:
    """Axes for ``count`` panels (each ``rows_per_panel`` axes high), at most 3 across."""
    columns = min(count, PANEL_COLUMNS) if rows_per_panel == 1 else count
    lines = -(-count // columns)
    axes = fig.subplots(lines * rows_per_panel, columns, squeeze=False,
                        sharey="row" if sharey else False, sharex="col")
    panels = []
    for i in range(count):
        line, column = divmod(i, columns)
        panels.append([axes[line * rows_per_panel + k][column] for k in range(rows_per_panel)])
    for j in range(count, lines * columns):  # empty cells of the last line
        line, column = divmod(j, columns)
        for k in range(rows_per_panel):
            axes[line * rows_per_panel + k][column].set_visible(False)
    return panels


def tick(value: object) -> str:
    """A swept value as a label: numbers shortly, booleans as in TOML, text as given."""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | int | np.number):
        return f"{value:g}"
    return str(value)


def _numeric(values: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(values)) and not pd.api.types.is_bool_dtype(values)


def _own_marker(ax: Axes, rows: pd.DataFrame, path: str, own: Mapping[str, Any] | None) -> None:
    """A vertical line at the scenario's own value of the swept field (numbers only)."""
    value = None if own is None else own.get(path)
    if (isinstance(value, int | float) and not isinstance(value, bool)
            and _numeric(rows[path])):
        ax.axvline(float(value), color=OWN_COLOUR, linestyle=":", linewidth=1.4,
                   label=f"this scenario: {short_name(path)} = {tick(value)}")


def stage_label(stage: str) -> str:
    """A physical stage as a short label (``aktau_oil_capacity`` -> ``Aktau oil capacity``)."""
    words = stage.replace("_", " ")
    return words.replace("aktau", "Aktau").replace("baku", "Baku").replace("btc", "BTC")


def _binds_labels(ax: Axes, rows: pd.DataFrame, x: str) -> None:
    """Write what binds along the bottom of the panel: one label per run of the same stage."""
    if "capacity_binding_stage" not in rows or not len(rows) or not _numeric(rows[x]):
        return
    stages = rows["capacity_binding_stage"].astype(str).tolist()
    xs = rows[x].to_numpy(dtype=float)
    start = 0
    for i in range(1, len(stages) + 1):
        if i == len(stages) or stages[i] != stages[start]:
            left, right = xs[start], xs[i - 1]
            align = ("left" if start == 0 and i < len(stages) else
                     "right" if i == len(stages) and start > 0 else "center")
            at = {"left": left, "right": right, "center": (left + right) / 2}[align]
            ax.text(at, 0.03, f"binds: {stage_label(stages[start])}", ha=align,
                    transform=ax.get_xaxis_transform(), fontsize=7.5, color="0.2",
                    bbox={"facecolor": "white", "alpha": 0.8, "linewidth": 0, "pad": 1})
            start = i


def _figure_legend(fig: Figure, axes: list[Axes], columns: int = 3,
                   fontsize: float = 8) -> None:
    """One legend below every panel, each label once (the panels share their series)."""
    seen: dict[str, Any] = {}
    for ax in axes:
        for handle, text in zip(*ax.get_legend_handles_labels(), strict=True):
            seen.setdefault(text, handle)
    fig.legend(list(seen.values()), list(seen), loc="outside lower center", ncols=columns,
               fontsize=fontsize)


def _title(scenario_name: str, what: str, summary: pd.DataFrame, note: str) -> str:
    n = summary["replications"]
    count = f"{n.min()}" if n.min() == n.max() else f"{n.min()}-{n.max()}"
    return f"{scenario_name}: {what}\n({count} replications per point" + (
        f"; {note})" if note else ")")


def _target_band(ax: Axes) -> None:
    ax.axhspan(TARGET_LOW_MT_PER_YEAR, TARGET_HIGH_MT_PER_YEAR, color=TARGET_COLOUR, alpha=0.25,
               label="target 6.0-6.5 Mt/yr")


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
        _target_band(ax)
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
        _binds_labels(ax, rows, x)
        _own_marker(ax, rows, x, own)
        if panel.title:
            ax.set_title(panel.title, fontsize=9,
                         color=OWN_COLOUR if panel.own else "black")
        ax.set_xlabel(label(x), fontsize=8)
        ax.set_ylabel("Trans-Caspian into BTC (Mt/yr)", fontsize=8)
        ax.set_ylim(0, top * 1.15)
        ax.grid(alpha=0.3)
    fig.suptitle(_title(scenario_name, "Trans-Caspian volume into BTC", summary, note),
                 fontsize=10)
    _figure_legend(fig, [ax])
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
        _own_marker(ax, rows, x, own)
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
    fig.suptitle(_title(scenario_name, "probability of reaching the target", summary, note),
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
            _own_marker(ax, rows, x, own)
            ax.set_ylim(0, _top(summary, kpis))
            ax.grid(alpha=0.3)
    fig.suptitle(_title(scenario_name, "where the crude goes (means with 95% bands)", summary,
                        note), fontsize=10)
    _figure_legend(fig, [upper, lower])
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
            _own_marker(ax, rows, x, own)
            ax.grid(alpha=0.3)
    fig.suptitle(_title(scenario_name, "where the chain binds", summary, note), fontsize=10)
    _figure_legend(fig, [upper, lower], 4, 7.5)
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
    fig.suptitle(_title(scenario_name, "the grid at a glance", summary, marked.lstrip("; ")),
                 fontsize=10)
    return fig
