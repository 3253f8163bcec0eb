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
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

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


def label(path: str) -> str:
    """Axis label for a dotted scenario path."""
    return LABELS.get(path, path)


FigureMaker = Callable[[pd.DataFrame, list[str], str], "Figure"]


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
                 folder: Path) -> Drawn:
    """Draw every figure for a sweep summary into ``folder``, each on its own.

    A figure that cannot be drawn is listed in :attr:`Drawn.failed` and the others
    are still drawn; a folder that cannot be written (a file, read-only, full) is
    an :class:`~sim.errors.OutputError`, as it would fail every figure alike.
    """
    _make_folder(folder)
    shown = _literal_text(summary, paths)
    title = literal(scenario_name)
    drawn = Drawn()
    for name, make in figure_makers(paths).items():
        draw_one(name, functools.partial(make, shown, paths, title), folder, drawn)
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
    return draw_figures(summary, paths, manifest["scenario"]["name"], results_dir / "figures")


def _series(summary: pd.DataFrame, paths: list[str]) -> Iterator[tuple[str | None, pd.DataFrame]]:
    """Yield (legend label or None, rows) per line: one line, or one per second-field value."""
    if len(paths) == 1:
        yield None, summary
        return
    for value, rows in summary.groupby(paths[1], sort=False):
        yield f"{paths[1].rsplit('.', 1)[-1]} = {_tick(value)}", rows


def _tick(value: object) -> str:
    """A swept value as a label: numbers shortly, booleans as in TOML, text as given."""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | int | np.number):
        return f"{value:g}"
    return str(value)


def _legend(ax: Axes, paths: list[str]) -> None:
    """Legend inside the axes for one line, beside them for a family of lines."""
    if len(paths) == 1:
        ax.legend(fontsize=8, loc="best")
    else:
        ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))


def _target_band(ax: Axes) -> None:
    ax.axhspan(TARGET_LOW_MT_PER_YEAR, TARGET_HIGH_MT_PER_YEAR, color=TARGET_COLOUR, alpha=0.25,
               label="target 6.0-6.5 Mt/yr")


def capacity_curve(summary: pd.DataFrame, paths: list[str], scenario_name: str) -> Figure:
    """Trans-Caspian Mt/yr with bands, the target band and the deterministic ceiling."""
    fig = new_figure(8, 5)
    ax = fig.subplots()
    x = paths[0]
    _target_band(ax)
    for i, (name, rows) in enumerate(_series(summary, paths)):
        colour = f"C{i}"
        prefix = "" if name is None else f"{name}: "
        ax.fill_between(rows[x], rows["transcaspian_mt_per_year_p5"],
                        rows["transcaspian_mt_per_year_p95"], color=colour, alpha=0.15,
                        label=f"{prefix}P5-P95 of single years")
        ax.fill_between(rows[x], rows["transcaspian_mt_per_year_ci95_low"],
                        rows["transcaspian_mt_per_year_ci95_high"], color=colour, alpha=0.45,
                        label=f"{prefix}95% CI of the mean")
        ax.plot(rows[x], rows["transcaspian_mt_per_year_mean"], color=colour, marker="o",
                label=f"{prefix}mean")
        ax.plot(rows[x], rows["capacity_mt_per_year"], color=colour, linestyle="--",
                label=f"{prefix}physical capacity (a)")
        ax.plot(rows[x], rows["deliverable_mt_per_year"], color=colour, linestyle=":",
                label=f"{prefix}expected deliverable (b)")
    n = summary["replications"]
    ax.set_xlabel(label(x))
    ax.set_ylabel("Trans-Caspian volume into BTC (Mt/yr)")
    ax.set_ylim(bottom=0)
    ax.set_title(f"{scenario_name}: Trans-Caspian volume\n"
                 f"({n.min()}-{n.max()} replications per point)" if n.min() != n.max() else
                 f"{scenario_name}: Trans-Caspian volume\n({n.min()} replications per point)")
    ax.grid(alpha=0.3)
    _legend(ax, paths)
    return fig


def p_reach(summary: pd.DataFrame, paths: list[str], scenario_name: str) -> Figure:
    """Probability of reaching 6.0 and 6.5 Mt/yr, with Wilson 95% bands."""
    fig = new_figure(8, 5)
    ax = fig.subplots()
    x = paths[0]
    for i, (name, rows) in enumerate(_series(summary, paths)):
        prefix = "" if name is None else f"{name}: "
        for j, (kpi, text) in enumerate([("reaches_6_0", ">= 6.0 Mt/yr"),
                                         ("reaches_6_5", ">= 6.5 Mt/yr")]):
            colour = f"C{2 * i + j}"
            ax.fill_between(rows[x], rows[f"{kpi}_ci95_low"], rows[f"{kpi}_ci95_high"],
                            color=colour, alpha=0.2)
            ax.plot(rows[x], rows[f"{kpi}_mean"], color=colour, marker="o",
                    label=f"{prefix}P(Trans-Caspian {text})")
    ax.set_xlabel(label(x))
    ax.set_ylabel("Probability (share of simulated years)")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(f"{scenario_name}: probability of reaching the target (95% bands)")
    ax.grid(alpha=0.3)
    _legend(ax, paths)
    return fig


def volumes(summary: pd.DataFrame, paths: list[str], scenario_name: str) -> Figure:
    """Where the crude goes: Russian route, diverted to Aktau, shut in (Mt/yr, 95% bands)."""
    rows = summary if len(paths) == 1 else next(iter(_series(summary, paths)))[1]
    x = rows[paths[0]]
    fig = new_figure(11, 4.5)
    left, right = fig.subplots(1, 2)
    left.fill_between(x, rows["russian_route_mt_per_year_ci95_low"],
                      rows["russian_route_mt_per_year_ci95_high"], color="C3", alpha=0.3)
    left.plot(x, rows["russian_route_mt_per_year_mean"], color="C3", marker="o",
              label="Russian route")
    left.set_ylabel("Mt/yr")
    left.set_title("Russian-route volume")
    for i, (kpi, text) in enumerate([("transcaspian_mt_per_year", "Trans-Caspian (into BTC)"),
                                     ("diverted_to_aktau_mt_per_year", "diverted to Aktau"),
                                     ("surge_mt_per_year", "surge (diverted, into BTC)"),
                                     ("shut_in_mt_per_year", "shut in (deferred)")]):
        right.fill_between(x, rows[f"{kpi}_ci95_low"], rows[f"{kpi}_ci95_high"],
                           color=f"C{i}", alpha=0.3)
        right.plot(x, rows[f"{kpi}_mean"], color=f"C{i}", marker="o", label=text)
    right.set_title("Trans-Caspian, diverted and shut-in volume")
    for ax in (left, right):
        ax.set_xlabel(label(paths[0]))
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"{scenario_name}: where the crude goes (means with 95% bands)")
    fig.tight_layout()
    return fig


def binding(summary: pd.DataFrame, paths: list[str], scenario_name: str) -> Figure:
    """Tanker time split (stacked) and resource use against the first swept field."""
    rows = summary if len(paths) == 1 else next(iter(_series(summary, paths)))[1]
    x = rows[paths[0]]
    fig = new_figure(8, 8)
    top, bottom = fig.subplots(2, 1, sharex=True)
    shares = [rows[f"{name}_mean"] for name in TIME_SHARE_FIELDS.values()]
    top.stackplot(x, shares, labels=[state.label.replace("_", " ") for state in TIME_SHARE_FIELDS],
                  alpha=0.85)
    top.set_ylabel("Share of tanker time")
    top.set_ylim(0, 1)
    top.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
    top.set_title(f"{scenario_name}: where the chain binds"
                  + ("" if len(paths) == 1 else f" ({next(iter(_series(summary, paths)))[0]})"))
    for column, text in [("aktau_berth_occupancy", "Aktau berth occupancy"),
                         ("baku_berth_occupancy", "Baku berth occupancy"),
                         ("btc_allowance_use", "BTC allowance used"),
                         ("aktau_tank_full_days_per_year", "Aktau tanks full (share of days)"),
                         ("baku_tank_full_days_per_year", "Baku tanks full (share of days)")]:
        y = rows[f"{column}_mean"]
        if column.endswith("_days_per_year"):
            y = y / 365.0
        bottom.plot(x, y, marker="o", label=text)
    bottom.set_ylabel("Share (0-1)")
    bottom.set_ylim(0, 1.05)
    bottom.set_xlabel(label(paths[0]))
    bottom.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
    for ax in (top, bottom):
        ax.grid(alpha=0.3)
    return fig


def heatmap(summary: pd.DataFrame, paths: list[str], scenario_name: str) -> Figure:
    """Probability of reaching 6.5 Mt/yr over a two-field grid."""
    grid = summary.pivot_table(index=paths[1], columns=paths[0], values="reaches_6_5_mean",
                               aggfunc="mean", sort=False, dropna=False)
    fig = new_figure(8, 5)
    ax = fig.subplots()
    image = ax.imshow(grid.to_numpy(dtype=float), origin="lower", aspect="auto", vmin=0,
                      vmax=1, cmap="viridis")
    ax.set_xticks(range(len(grid.columns)), [_tick(v) for v in grid.columns], rotation=45)
    ax.set_yticks(range(len(grid.index)), [_tick(v) for v in grid.index])
    cells = grid.to_numpy()
    for r, c in itertools.product(range(cells.shape[0]), range(cells.shape[1])):
        value = cells[r, c]
        ax.text(c, r, f"{value:.2f}", ha="center", va="center", fontsize=7,
                color="white" if value < 0.6 else "black")
    ax.set_xlabel(label(paths[0]))
    ax.set_ylabel(label(paths[1]))
    fig.colorbar(image, ax=ax, label="P(Trans-Caspian >= 6.5 Mt/yr)")
    ax.set_title(f"{scenario_name}: probability of reaching 6.5 Mt/yr")
    return fig
