"""The timeline of one traced replication: what every tanker, tank, berth and outage did.

Panels, on one calendar axis (model hour 0 at the trace's calendar start):

1. a Gantt chart of every tanker's states (loading, sailing laden or in ballast,
   waiting for a berth, cargo, the port's oil capacity, weather or tank room,
   discharging, maintenance);
2. outages and closures: the Russian route's major disruptions and short halts,
   diversion to Aktau, BTC intake stops and weather closures at Aktau and Baku;
3. the Aktau and Baku tank levels (exact: piecewise linear between samples) with
   their capacities;
4. berth occupancy at Aktau and at Baku: ships at berth (Trans-Caspian tankers and
   other traffic) and berths out of service, against the number of berths;
5. cumulative Trans-Caspian tonnes into BTC over the measured period against the
   pace of 6.0 and 6.5 Mt/yr.

The Russian route's major disruptions and BTC stops are also shaded behind
panels 3-5; warm-up is hatched grey. Drawn without pyplot (no window, no backend).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.model.recorder import INJECTED
from sim.model.results import TARGET_HIGH_MT_PER_YEAR, TARGET_LOW_MT_PER_YEAR
from sim.report.event_log import NOMINAL_START
from sim.report.figure_plumbing import TARGET_COLOUR, literal, new_figure
from sim.units import HOURS_PER_DAY, HOURS_PER_YEAR, TONNES_PER_MT

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from sim.experiments.trace import Trace

#: Tanker states in the Gantt chart: (activity, resource or None: any) -> (label, colour).
TANKER_STATES: dict[tuple[str, str | None], tuple[str, str]] = {
    ("loading", None): ("loading (Aktau)", "#1b9e77"),
    ("sailing_laden", None): ("sailing laden", "#2c7fb8"),
    ("unloading", None): ("discharging (Baku)", "#6a3d9a"),
    ("sailing_ballast", None): ("sailing back in ballast", "#a6cee3"),
    ("waiting_berth", "aktau berths"): ("waiting for a berth at Aktau", "#e31a1c"),
    ("waiting_berth", "baku berths"): ("waiting for a berth at Baku", "#f768a1"),
    ("waiting_cargo", None): ("waiting for cargo (Aktau tanks)", "#fdbf6f"),
    ("waiting_port_capacity", None): ("waiting for Aktau oil capacity", "#ff7f00"),
    ("waiting_tank_room", None): ("waiting for tank room (Baku)", "#b15928"),
    ("waiting_weather", None): ("waiting for weather", "#636363"),
    ("maintenance", None): ("maintenance", "#000000"),
}

#: Rows of the outage panel: (entity, activity) -> (label, colour).
OUTAGE_ROWS: dict[tuple[str, str], tuple[str, str]] = {
    ("russian_route", "major_disruption"): ("Russian route: major disruption", "#d7301f"),
    ("russian_route", "short_halt"): ("Russian route: short halt", "#fc8d59"),
    ("russian_route", "diversion_active"): ("diversion to Aktau active", "#fdd49e"),
    ("btc", "intake_stop"): ("BTC intake stop", "#756bb1"),
    ("aktau", "weather_closed"): ("Aktau closed by weather", "#636363"),
    ("baku", "weather_closed"): ("Baku closed by weather", "#969696"),
}
PORT_COLOURS = {"aktau": "#1b9e77", "baku": "#6a3d9a"}
WARMUP_HATCH = {"facecolor": "#f0f0f0", "edgecolor": "#cccccc", "hatch": "///", "lw": 0}


def timeline_figure(trace: Trace, events: pd.DataFrame) -> Figure:
    """The five-panel timeline of one traced replication (``events``: its event log)."""
    import matplotlib.dates as mdates

    sc = trace.scenario
    origin = mdates.date2num(trace.start)  # days (matplotlib's date unit) at model hour 0
    tankers = sorted(events.loc[events["entity"].str.startswith("tanker"), "entity"].unique())
    gantt_in = 0.8 + 0.32 * max(len(tankers), 1)
    heights = [gantt_in, 1.9, 2.0, 1.2, 1.2, 2.2]
    fig = new_figure(15, sum(heights) + 1.6)
    axes = fig.subplots(len(heights), 1, sharex=True, height_ratios=heights)
    gantt, outages, tanks, aktau_berths, baku_berths, cumulative = axes

    def days(hours: np.ndarray | pd.Series | float) -> np.ndarray:
        return np.asarray(origin + np.asarray(hours, dtype=float) / HOURS_PER_DAY)

    _gantt(gantt, events, tankers, days)
    _outages(outages, events, days)
    series = trace.recorder
    _tank_levels(tanks, series.levels, days, {"aktau": sc.aktau.storage_t,
                                              "baku": sc.baku.storage_t})
    _berths(aktau_berths, "Aktau", series.steps, "aktau", sc.aktau.berths, series.end_h, days)
    _berths(baku_berths, "Baku", series.steps, "baku", sc.baku.berths, series.end_h, days)
    _cumulative(cumulative, events, series.warmup_h, series.end_h, days)

    shaded = events[((events["entity"] == "russian_route")
                     & (events["activity"] == "major_disruption"))
                    | ((events["entity"] == "btc") & (events["activity"] == "intake_stop"))]
    spans = [(OUTAGE_ROWS[(str(entity), str(activity))][1], float(start), float(end))
             for entity, activity, start, end in zip(shaded["entity"], shaded["activity"],
                                                     shaded["time_h"], shaded["end_h"],
                                                     strict=True)]
    for ax in (tanks, aktau_berths, baku_berths, cumulative):
        for colour, start, end in spans:
            ax.axvspan(days(start), days(end), color=colour, alpha=0.10, lw=0)
    for ax in axes:
        if series.warmup_h > 0:
            ax.axvspan(days(0.0), days(series.warmup_h), zorder=0, **WARMUP_HATCH)
        ax.grid(axis="x", alpha=0.3)
    if series.warmup_h > 0:
        gantt.text(days(series.warmup_h / 2), 1.01, "warm-up", ha="center", va="bottom",
                   fontsize=8, color="#555555", transform=gantt.get_xaxis_transform())
    cumulative.set_xlim(days(0.0), days(series.end_h))
    ticks = (mdates.MonthLocator() if series.end_h <= 1.5 * HOURS_PER_YEAR
             else mdates.MonthLocator(bymonth=(1, 7)))  # a plan of years: January and July
    cumulative.xaxis.set_major_locator(ticks)
    cumulative.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ticks))
    cumulative.set_xlabel(f"calendar time (model hour 0 = {trace.start:%d %B %Y}, "
                          f"{'nominal' if trace.start == NOMINAL_START else 'scenario'} calendar)")
    result = trace.result
    one_year = series.end_h - series.warmup_h <= 1.01 * HOURS_PER_YEAR
    fig.suptitle(f"{literal(sc.name)}, replication {trace.replication} (seed {trace.seed}): "
                 f"{literal(trace.chosen_by)}; Trans-Caspian "
                 f"{result.transcaspian_mt_per_year:.2f} Mt/yr over the measured "
                 f"{'year' if one_year else 'period'}\n"
                 "shaded: Russian-route major disruptions (red) and BTC intake stops (purple); "
                 "hatched: warm-up", fontsize=11)
    fig.align_ylabels(axes)
    fig.subplots_adjust(left=0.1, right=0.8, top=1 - 0.75 / (sum(heights) + 1.6), bottom=0.05,
                        hspace=0.18)
    return fig


def _gantt(ax: Axes, events: pd.DataFrame, tankers: list[str], days: _Days) -> None:
    """One row per tanker, one colour per state."""
    rows = events[events["entity"].isin(tankers)]
    for (activity, resource), (text, colour) in TANKER_STATES.items():
        of_kind = rows[rows["activity"] == activity]
        if resource is not None:
            of_kind = of_kind[of_kind["resource"] == resource]
        shown = False
        for i, tanker in enumerate(tankers):
            part = of_kind[of_kind["entity"] == tanker]
            if part.empty:
                continue
            start = days(part["time_h"])
            ax.broken_barh(list(zip(start, days(part["end_h"]) - start, strict=True)),
                           (i - 0.4, 0.8), facecolors=colour, lw=0,
                           label=None if shown else text)
            shown = True
    ax.set_yticks(range(len(tankers)), tankers, fontsize=8)
    ax.set_ylim(len(tankers) - 0.5, -0.5)
    ax.set_ylabel("tankers")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False,
              title="tanker state", title_fontsize=8)


def _outages(ax: Axes, events: pd.DataFrame, days: _Days) -> None:
    """One row per kind of outage or closure."""
    labels = []
    for i, ((entity, activity), (text, colour)) in enumerate(OUTAGE_ROWS.items()):
        part = events[(events["entity"] == entity) & (events["activity"] == activity)]
        labels.append(text)
        if part.empty:
            continue
        start = days(part["time_h"])
        # at least ~2 h wide, so that short halts show at this scale
        widths = np.maximum(days(part["end_h"]) - start, 2 / HOURS_PER_DAY)
        ax.broken_barh(list(zip(start, widths, strict=True)), (i - 0.4, 0.8),
                       facecolors=colour, lw=0)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_ylabel("outages and\nclosures")


def _tank_levels(ax: Axes, levels: dict[str, list[tuple[float, float, float]]], days: _Days,
                 capacities: dict[str, float]) -> None:
    """Aktau and Baku tank levels (kt), exact between samples, with their capacities."""
    for port, capacity_t in capacities.items():
        samples = np.array(levels.get(f"{port}_tank_t", []), dtype=float).reshape(-1, 3)
        if not len(samples):
            continue
        t, value, slope = samples[:, 0], samples[:, 1], samples[:, 2]
        # each segment starts at its sample and moves at its slope until the next sample
        ends = value[:-1] + slope[:-1] * np.diff(t)
        x = np.repeat(t, 2)[1:-1]
        y = np.column_stack([value[:-1], ends]).ravel()
        colour = PORT_COLOURS[port]
        ax.plot(days(x), y / 1000, color=colour, lw=0.8, label=f"{port.title()} tanks")
        ax.axhline(capacity_t / 1000, color=colour, ls="--", lw=0.8,
                   label=f"{port.title()} capacity {capacity_t / 1000:,.0f} kt")
    ax.set_ylim(bottom=0)
    ax.set_ylabel("tank level (kt)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)


def _berths(ax: Axes, name: str, steps: dict[str, list[tuple[float, float]]], port: str,
            berths: int, end_h: float, days: _Days) -> None:
    """Daily mean ships at berth and berths out of service (stacked) against the berth count."""
    edges = np.arange(0.0, end_h + HOURS_PER_DAY, HOURS_PER_DAY)
    edges[-1] = min(edges[-1], end_h)
    at_berth = daily_mean(_step_values(steps.get(f"{port}_ships_at_berth", [])), edges)
    outage = daily_mean(_step_values(steps.get(f"{port}_berths_out_of_service", [])), edges)
    x = days(edges)
    colour = PORT_COLOURS[port]
    ax.stairs(at_berth, x, fill=True, color=colour, alpha=0.6, lw=0,
              label="ships at berth (daily mean, other traffic included)")
    ax.stairs(at_berth + outage, x, baseline=at_berth, fill=True, facecolor="none",
              edgecolor="#444444", hatch="xxxx", lw=0, label="berths out of service")
    ax.axhline(berths, color="black", lw=0.8, ls="--", label=f"{berths} berths")
    ax.set_ylim(0, berths + 0.3)
    ax.set_yticks(range(berths + 1))
    ax.set_ylabel(f"{name}\nberths")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)


def daily_mean(series: tuple[np.ndarray, np.ndarray], edges: np.ndarray) -> np.ndarray:
    """Time-weighted mean of a step series over each interval between ``edges`` (h)."""
    t, v = series
    area = np.concatenate([[0.0], np.cumsum(v[:-1] * np.diff(t))])  # integral up to t[i]

    def integral(x: np.ndarray) -> np.ndarray:
        k = np.clip(np.searchsorted(t, x, side="right") - 1, 0, None)
        return np.where(x >= t[0], area[k] + v[k] * (x - t[k]), 0.0)

    return np.diff(integral(edges)) / np.diff(edges)


def _cumulative(ax: Axes, events: pd.DataFrame, warmup_h: float, end_h: float,
                days: _Days) -> None:
    """Trans-Caspian tonnes into BTC since the end of warm-up, against the target pace."""
    rows = events[(events["activity"] == INJECTED) & (events["period"] == "measured")]
    rows = rows.sort_values("time_h")
    t = np.concatenate([[warmup_h], rows["end_h"].to_numpy(), [end_h]])
    tonnes = rows["tonnes"].cumsum().to_numpy()
    total = np.concatenate([[0.0], tonnes, tonnes[-1:] if len(tonnes) else [0.0]])
    total = total / TONNES_PER_MT
    ax.plot(days(t), total, color="black", lw=1.4, label="Trans-Caspian into BTC")
    span = np.array([warmup_h, end_h])
    for pace, style in ((TARGET_LOW_MT_PER_YEAR, "--"), (TARGET_HIGH_MT_PER_YEAR, ":")):
        ax.plot(days(span), pace * (span - warmup_h) / HOURS_PER_YEAR, color=TARGET_COLOUR,
                ls=style, lw=1.6, label=f"pace of {pace:.1f} Mt/yr")
    ax.annotate(f"{total[-1]:.2f} Mt", (days(t[-1]), total[-1]), xytext=(-4, 6),
                textcoords="offset points", ha="right", fontsize=8)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("cumulative\nTrans-Caspian (Mt)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)


def _step_values(samples: list[tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Times and values of a step series (the last value at a repeated time wins)."""
    data = np.array(samples, dtype=float).reshape(-1, 2)
    if not len(data):
        return np.array([0.0]), np.array([0.0])
    t, v = data[:, 0], data[:, 1]
    last = np.append(t[1:] != t[:-1], True)
    return t[last], v[last]


if TYPE_CHECKING:
    from collections.abc import Callable

    _Days = Callable[[np.ndarray | pd.Series | float], np.ndarray]
