"""The event log and level series of one recorded replication, as typed tables.

:func:`event_log` turns an :class:`~sim.model.recorder.EventRecorder`'s activity
rows into one table (``events.parquet`` / ``events.csv``), :func:`series_table`
its tank levels and step series (``series.parquet``). Model time 0 is the start of
warm-up; the calendar columns put it at ``start`` (default :data:`NOMINAL_START`).
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from sim.model.recorder import EventRecorder

#: Calendar time of model hour 0 when the scenario gives no date: 1 January 00:00 of a
#: nominal non-leap year, the calendar the weather model uses (a model year is 365 days).
NOMINAL_START = datetime(2025, 1, 1)

#: Columns of the event log, in order, with their meaning (docs/outputs.md lists them).
EVENT_COLUMNS: dict[str, str] = {
    "time_h": "Start of the activity, hours since model time 0 (the start of warm-up).",
    "end_h": "End of the activity (h).",
    "start": "Start as calendar time, to the second: model hour 0 is 1 January 2025 "
             "00:00, a nominal non-leap year (the weather model's calendar; scenarios carry "
             "no dates).",
    "end": "End as calendar time.",
    "entity": "Who: 'tanker 00', ..., 'btc', 'russian_route', 'aktau', 'baku'.",
    "activity": "What: a tanker state (loading, sailing_laden, sailing_ballast, "
                "waiting_berth, waiting_cargo, waiting_port_capacity, waiting_weather, "
                "waiting_tank_room, unloading, maintenance), injected_into_btc, "
                "injected_opening_stock, major_disruption, short_halt, intake_stop, "
                "weather_closed or diversion_active.",
    "resource": "Where or what it used: aktau berths, aktau tanks, aktau oil capacity, "
                "aktau weather, caspian, baku berths, baku tanks, baku weather, btc intake, "
                "CPC, feeder to aktau (empty for maintenance).",
    "tonnes": "Crude the activity moved (t): a cargo loaded, carried laden or discharged, "
              "or crude injected into BTC; empty when it moves none. A row cut at the end "
              "of warm-up carries its share of the tonnes in proportion to time.",
    "period": "'warmup' or 'measured' (no row straddles the end of warm-up); the "
              "measured rows of injected_into_btc sum to the replication's Trans-Caspian "
              "volume.",
}


#: Series of ``series.parquet``: name -> (unit, meaning).
SERIES: dict[str, tuple[str, str]] = {
    "aktau_tank_t": ("t", "Crude in the Aktau tanks (claimed or not); moves at slope_per_h "
                          "until the next sample."),
    "baku_tank_t": ("t", "Crude in the Baku receiving tanks; moves at slope_per_h until the "
                         "next sample."),
    "aktau_ships_at_berth": ("ships", "Ships at Aktau's oil berths (tankers and other "
                                      "traffic), held until the next sample."),
    "baku_ships_at_berth": ("ships", "Ships at the Baku berths (tankers and third-party "
                                     "crude)."),
    "aktau_berths_out_of_service": ("berths", "Aktau oil berths out of service."),
    "baku_berths_out_of_service": ("berths", "Baku berths out of service."),
    "aktau_weather_closed": ("0/1", "1 while Aktau is closed by weather."),
    "baku_weather_closed": ("0/1", "1 while Baku is closed by weather."),
    "russian_route_major_disruption": ("0/1", "1 during a major disruption of the Russian "
                                              "route (the state p measures)."),
    "russian_route_short_halt": ("0/1", "1 during a short halt of the Russian route."),
    "btc_intake_stop": ("0/1", "1 while the BTC intake is stopped or reduced."),
    "diversion_active": ("0/1", "1 while crude is diverted to Aktau."),
}


def calendar(hours: pd.Series | np.ndarray, start: datetime = NOMINAL_START
             ) -> pd.DatetimeIndex:
    """Calendar times of model ``hours`` (h since model time 0), to the second."""
    return (pd.Timestamp(start) + pd.to_timedelta(np.asarray(hours, dtype=float), unit="h")
            ).round("s")


def event_log(recorder: EventRecorder, start: datetime = NOMINAL_START) -> pd.DataFrame:
    """One row per activity, sorted by start time and entity (columns :data:`EVENT_COLUMNS`)."""
    rows = recorder.activities
    frame = pd.DataFrame({
        "time_h": np.array([r.start_h for r in rows], dtype=float),
        "end_h": np.array([r.end_h for r in rows], dtype=float),
        "entity": pd.Series([r.entity for r in rows], dtype=object),
        "activity": pd.Series([r.activity for r in rows], dtype=object),
        "resource": pd.Series([r.resource for r in rows], dtype=object),
        "tonnes": np.array([r.tonnes for r in rows], dtype=float),
    })
    frame["start"] = calendar(frame["time_h"], start)
    frame["end"] = calendar(frame["end_h"], start)
    frame["period"] = np.where(frame["time_h"] >= recorder.warmup_h, "measured", "warmup")
    frame = frame.sort_values(["time_h", "entity", "activity"], kind="stable")
    return frame[list(EVENT_COLUMNS)].reset_index(drop=True)


def series_table(recorder: EventRecorder, start: datetime = NOMINAL_START) -> pd.DataFrame:
    """Every level and step series: series, time_h, time, value, slope_per_h.

    Tank levels (``*_tank_t``, t) move at ``slope_per_h`` (t/h) from each sample to
    the next; step series (ships at berth, berths out of service, 0/1 flags) hold
    their value until the next sample (slope NaN).
    """
    parts = []
    for name, samples in recorder.levels.items():
        data = np.array(samples, dtype=float).reshape(-1, 3)
        parts.append(pd.DataFrame({"series": name, "time_h": data[:, 0], "value": data[:, 1],
                                   "slope_per_h": data[:, 2]}))
    for name, steps in recorder.steps.items():
        data = np.array(steps, dtype=float).reshape(-1, 2)
        parts.append(pd.DataFrame({"series": name, "time_h": data[:, 0], "value": data[:, 1],
                                   "slope_per_h": np.nan}))
    frame = pd.concat(parts, ignore_index=True)
    frame["time"] = calendar(frame["time_h"], start)
    return frame[["series", "time_h", "time", "value", "slope_per_h"]]
