"""What every figure shares: making, labelling, laying out and saving a figure.

- Making and labelling: :func:`new_figure` (a figure without pyplot, so drawing needs
  no backend and never opens a window), axis labels and short names of swept fields
  (:func:`label`, :func:`short_name`), values as labels (:func:`tick`) and user text
  shown literally (:func:`literal`: control characters escaped, ``$`` not mathtext).
- Laying out a sweep's panels: one panel per value of the second swept field
  (:func:`slices`, :func:`panel_grid`), the scenario's own value marked
  (:func:`own_values`, :func:`own_marker`), what binds written along a panel
  (:func:`binds_labels`), the target band, the shared legend and the title.
- Saving: :func:`draw_one` draws one figure as PNG and SVG and notes in :class:`Drawn`
  whether it failed (a figure's own failure costs no other figure; a file that cannot
  be written is an :class:`~sim.errors.OutputError`); :func:`save_figure` writes one.

The sweep figures themselves are in :mod:`sim.report.figures`; the other reports
and figures of the package use these parts too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np
import pandas as pd

from sim.errors import OutputError, one_line
from sim.experiments.results_dir import atomic_write
from sim.model.results import TARGET_HIGH_MT_PER_YEAR, TARGET_LOW_MT_PER_YEAR

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


@dataclass
class Drawn:
    """What drawing figures did: the files written, and each figure that failed, why.

    Filled by :func:`draw_one`, one figure at a time
    (:func:`~sim.report.figures.draw_figures` draws a sweep's figures into one).
    """

    written: list[Path] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


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


def make_folder(folder: Path) -> None:
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


def own_marker(ax: Axes, rows: pd.DataFrame, path: str, own: Mapping[str, Any] | None) -> None:
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


def binds_labels(ax: Axes, rows: pd.DataFrame, x: str) -> None:
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


def figure_legend(fig: Figure, axes: list[Axes], columns: int = 3,
                  fontsize: float = 8) -> None:
    """One legend below every panel, each label once (the panels share their series)."""
    seen: dict[str, Any] = {}
    for ax in axes:
        for handle, text in zip(*ax.get_legend_handles_labels(), strict=True):
            seen.setdefault(text, handle)
    fig.legend(list(seen.values()), list(seen), loc="outside lower center", ncols=columns,
               fontsize=fontsize)


def figure_title(scenario_name: str, what: str, summary: pd.DataFrame, note: str) -> str:
    """A figure's title: the scenario, what it shows, the replications per point, a note."""
    n = summary["replications"]
    count = f"{n.min()}" if n.min() == n.max() else f"{n.min()}-{n.max()}"
    return f"{scenario_name}: {what}\n({count} replications per point" + (
        f"; {note})" if note else ")")


def target_band(ax: Axes) -> None:
    """The 6.0-6.5 Mt/yr target band across a panel."""
    ax.axhspan(TARGET_LOW_MT_PER_YEAR, TARGET_HIGH_MT_PER_YEAR, color=TARGET_COLOUR, alpha=0.25,
               label="target 6.0-6.5 Mt/yr")
