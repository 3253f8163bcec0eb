"""Typed per-replication results and their summaries.

:class:`ReplicationResult` is the one fixed record every replication produces;
a list of them turns into a pandas DataFrame (and Parquet) without loss.
Volumes are Mt per simulated year of the measured period; times in days or
hours as their names say; shares are 0-1.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from sim.tanker import TankerState

TARGET_LOW_MT_PER_YEAR = 6.0
TARGET_HIGH_MT_PER_YEAR = 6.5

TANKER_STATES = tuple(state.label for state in TankerState)


@dataclass(frozen=True)
class ReplicationResult:
    """Everything measured in one replication (after warm-up)."""

    replication: int
    seed: int
    # Headline volumes (Mt/yr)
    transcaspian_mt_per_year: float
    russian_route_mt_per_year: float
    diverted_mt_per_year: float
    shut_in_mt_per_year: float
    produced_mt_per_year: float
    aktau_intake_mt_per_year: float
    # Target (share capped at 1; reach is 1.0 or 0.0)
    target_share_6_0: float
    target_share_6_5: float
    reach_6_0: float
    reach_6_5: float
    # Disruptions
    russian_disrupted_days: float
    russian_disruptions: float
    russian_minor_halt_days: float
    btc_disrupted_days: float
    btc_allowance_use: float
    # Aktau
    aktau_berth_occupancy: float
    aktau_mean_wait_hours: float
    aktau_mean_queue: float
    aktau_tank_mean_t: float
    aktau_tank_max_t: float
    aktau_tank_days_full: float
    aktau_weather_closed_days: float
    aktau_feeder_short_days: float
    other_traffic_calls: float
    # Baku
    baku_berth_occupancy: float
    baku_mean_wait_hours: float
    baku_mean_queue: float
    baku_tank_mean_t: float
    baku_tank_max_t: float
    baku_tank_days_full: float
    baku_weather_closed_days: float
    # Fleet
    voyages_per_year: float
    share_loading: float
    share_sailing: float
    share_unloading: float
    share_waiting_berth: float
    share_waiting_cargo: float
    share_waiting_weather: float
    share_waiting_tank_room: float
    share_maintenance: float
    # Upstream and bookkeeping
    upstream_storage_end_t: float
    mass_balance_error_t: float

    def as_dict(self) -> dict[str, float | int]:
        """The record as a plain mapping (for DataFrames and JSON)."""
        return asdict(self)


def result_columns() -> list[str]:
    """Column names of the per-replication table, in order."""
    return [f.name for f in fields(ReplicationResult)]


#: Per-replication metrics reported under ``kpis`` (name in output -> column).
KPI_COLUMNS = {
    "transcaspian_mt_per_year": "transcaspian_mt_per_year",
    "russian_route_mt_per_year": "russian_route_mt_per_year",
    "diverted_mt_per_year": "diverted_mt_per_year",
    "shut_in_mt_per_year": "shut_in_mt_per_year",
    "produced_mt_per_year": "produced_mt_per_year",
    "target_share_6_0": "target_share_6_0",
    "target_share_6_5": "target_share_6_5",
    "p_reach_6_0": "reach_6_0",
    "p_reach_6_5": "reach_6_5",
}

#: Per-resource figures reported under ``resources`` (resource -> output name -> column).
RESOURCE_COLUMNS = {
    "russian_route": {"disrupted_days_per_year": "russian_disrupted_days",
                      "disruptions_per_year": "russian_disruptions",
                      "minor_halt_days_per_year": "russian_minor_halt_days"},
    "aktau": {"berth_occupancy": "aktau_berth_occupancy",
              "mean_wait_for_berth_hours": "aktau_mean_wait_hours",
              "mean_queue_length": "aktau_mean_queue",
              "tank_mean_t": "aktau_tank_mean_t", "tank_max_t": "aktau_tank_max_t",
              "tank_days_full_per_year": "aktau_tank_days_full",
              "weather_closed_days_per_year": "aktau_weather_closed_days",
              "feeder_short_days_per_year": "aktau_feeder_short_days",
              "other_traffic_calls_per_year": "other_traffic_calls",
              "intake_mt_per_year": "aktau_intake_mt_per_year"},
    "fleet": {"voyages_per_year": "voyages_per_year",
              **{f"time_share_{state}": f"share_{state}" for state in TANKER_STATES}},
    "baku": {"berth_occupancy": "baku_berth_occupancy",
             "mean_wait_for_berth_hours": "baku_mean_wait_hours",
             "mean_queue_length": "baku_mean_queue",
             "tank_mean_t": "baku_tank_mean_t", "tank_max_t": "baku_tank_max_t",
             "tank_days_full_per_year": "baku_tank_days_full",
             "weather_closed_days_per_year": "baku_weather_closed_days"},
    "btc": {"allowance_use": "btc_allowance_use",
            "disrupted_days_per_year": "btc_disrupted_days"},
}
