"""The one record every replication produces, and the vocabulary of every output.

:class:`ReplicationResult` is a frozen dataclass whose fields carry their own
metadata (group, unit, meaning, kind). Each field has one name, used verbatim in
``run`` output, JSON, Parquet, ``summary.csv`` (as ``NAME_STAT``) and figure
labels; units and "per year" are in the names. Volumes are Mt per simulated year
of the measured period; times in days or hours as their names say; shares are 0-1.
:func:`from_records` turns what the resources measured into the record.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

from sim.model.btc import BtcStats
from sim.model.outages import OutageStats
from sim.model.port import PortStats
from sim.model.supply import SupplyStats
from sim.model.tanker import TankerState, TankerStats
from sim.units import DAYS_PER_YEAR, HOURS_PER_DAY, HOURS_PER_YEAR, TONNES_PER_MT

TARGET_LOW_MT_PER_YEAR = 6.0
TARGET_HIGH_MT_PER_YEAR = 6.5

#: How a field is summarised: a continuous quantity (mean, CI, percentiles), an indicator
#: (0/1; its mean is a probability, with a Wilson interval) or an identifier (not summarised).
Kind = Literal["continuous", "indicator", "id"]

#: Output groups in the order reports show them.
GROUPS = ("id", "kpis", "russian_route", "aktau", "fleet", "baku", "btc", "bookkeeping")


def _f(group: str, unit: str, meaning: str, kind: Kind = "continuous") -> Any:
    """Declare a result field with its group, unit, meaning and kind."""
    return field(metadata={"group": group, "unit": unit, "meaning": meaning, "kind": kind})


def _share(state: str, text: str) -> Any:
    return _f("fleet", "share", f"Share of the fleet's hours spent {text} (0-1).")


@dataclass(frozen=True)
class ReplicationResult:
    """Everything measured in one replication (after warm-up)."""

    replication: int = _f("id", "-", "Replication index k (its random streams are "
                          "SeedSequence(seed, spawn_key=(k, source, i))).", "id")
    seed: int = _f("id", "-", "Root seed of the run.", "id")
    transcaspian_mt_per_year: float = _f(
        "kpis", "Mt/yr", "Trans-Caspian volume: crude that crossed the Caspian and was "
        "injected into BTC.")
    russian_route_mt_per_year: float = _f("kpis", "Mt/yr", "Crude exported by the Russian "
                                          "route (CPC).")
    diverted_mt_per_year: float = _f(
        "kpis", "Mt/yr", "Crude the Russian route could not take that the feeder moved into "
        "the Aktau tanks instead.")
    shut_in_mt_per_year: float = _f("kpis", "Mt/yr", "Production neither route nor upstream "
                                    "storage could take (deferred).")
    produced_mt_per_year: float = _f("kpis", "Mt/yr", "Crude offered by the fields to the two "
                                     "routes.")
    target_share_6_0: float = _f("kpis", "share", "Throughput-feasible share of 6.0 Mt/yr: "
                                 "Trans-Caspian volume / 6.0, capped at 1.")
    target_share_6_5: float = _f("kpis", "share", "Throughput-feasible share of 6.5 Mt/yr: "
                                 "Trans-Caspian volume / 6.5, capped at 1.")
    reaches_6_0: float = _f("kpis", "0/1", "1 if the year's Trans-Caspian volume reached "
                            "6.0 Mt/yr; its mean is P(>= 6.0).", "indicator")
    reaches_6_5: float = _f("kpis", "0/1", "1 if the year's Trans-Caspian volume reached "
                            "6.5 Mt/yr; its mean is P(>= 6.5).", "indicator")
    russian_disrupted_days_per_year: float = _f(
        "russian_route", "days/yr", "Days in a major disruption (the share of days is p).")
    russian_disruptions_per_year: float = _f("russian_route", "1/yr",
                                             "Major disruptions that began.")
    russian_minor_halt_days_per_year: float = _f(
        "russian_route", "days/yr", "Days in a short halt (reported apart from p).")
    aktau_intake_mt_per_year: float = _f("aktau", "Mt/yr", "Crude the feeder moved into the "
                                         "Aktau tanks (nominated plus diverted).")
    aktau_berth_occupancy: float = _f("aktau", "share", "Share of Aktau oil-berth hours in "
                                      "use, other traffic included (0-1).")
    aktau_berth_wait_mean_hours: float = _f("aktau", "h", "Mean wait for an Aktau berth of "
                                            "the calls granted one.")
    aktau_berth_queue_mean_ships: float = _f("aktau", "ships", "Time-weighted mean number of "
                                             "ships waiting for an Aktau berth.")
    aktau_tank_mean_t: float = _f("aktau", "t", "Time-weighted mean level of the Aktau tanks.")
    aktau_tank_max_t: float = _f("aktau", "t", "Highest level of the Aktau tanks.")
    aktau_tank_full_days_per_year: float = _f("aktau", "days/yr", "Days the Aktau tanks had "
                                              "no room for another cargo.")
    aktau_weather_closed_days_per_year: float = _f("aktau", "days/yr",
                                                   "Days Aktau was closed by weather.")
    aktau_feeder_short_days_per_year: float = _f(
        "aktau", "days/yr", "Days the feeder could not take the whole nomination into the "
        "Aktau tanks.")
    aktau_other_traffic_calls_per_year: float = _f("aktau", "1/yr", "Other-traffic calls "
                                                   "(Makhachkala and elsewhere) loaded.")
    fleet_voyages_per_year: float = _f("fleet", "1/yr", "Cargoes discharged at Baku by the "
                                       "whole fleet.")
    fleet_share_loading: float = _share("loading", "loading at Aktau")
    fleet_share_sailing: float = _share("sailing", "sailing")
    fleet_share_unloading: float = _share("unloading", "discharging at Baku")
    fleet_share_waiting_berth: float = _share("waiting_berth", "waiting for a berth")
    fleet_share_waiting_cargo: float = _share("waiting_cargo", "waiting for a whole cargo "
                                              "in the Aktau tanks")
    fleet_share_waiting_weather: float = _share("waiting_weather", "waiting for the weather")
    fleet_share_waiting_tank_room: float = _share("waiting_tank_room", "waiting for room in "
                                                  "the Baku tanks")
    fleet_share_maintenance: float = _share("maintenance", "in maintenance")
    baku_berth_occupancy: float = _f("baku", "share", "Share of Baku discharge-berth hours "
                                     "in use (0-1).")
    baku_berth_wait_mean_hours: float = _f("baku", "h", "Mean wait for a Baku berth of the "
                                           "calls granted one.")
    baku_berth_queue_mean_ships: float = _f("baku", "ships", "Time-weighted mean number of "
                                            "ships waiting for a Baku berth.")
    baku_tank_mean_t: float = _f("baku", "t", "Time-weighted mean level of the Baku "
                                 "receiving tanks.")
    baku_tank_max_t: float = _f("baku", "t", "Highest level of the Baku receiving tanks.")
    baku_tank_full_days_per_year: float = _f("baku", "days/yr", "Days the Baku tanks had no "
                                             "room for another cargo.")
    baku_weather_closed_days_per_year: float = _f("baku", "days/yr",
                                                  "Days Baku was closed by weather.")
    btc_allowance_use: float = _f("btc", "share", "Crude injected into BTC / allowance "
                                  "accrued (0-1; above 1 when carried-over allowance is used).")
    btc_disrupted_days_per_year: float = _f("btc", "days/yr", "Days the BTC intake was "
                                            "stopped.")
    upstream_storage_end_t: float = _f("bookkeeping", "t", "Crude in upstream storage at the "
                                       "end of the run.")
    mass_balance_error_t: float = _f("bookkeeping", "t", "Produced + opening stock - every "
                                     "place crude can be; checked to be under 1 t.")

    def as_dict(self) -> dict[str, float | int]:
        """The record as a plain mapping (for DataFrames and JSON)."""
        return asdict(self)


@dataclass(frozen=True)
class OutputField:
    """One output column: its name, group, unit, meaning and how it is summarised."""

    name: str
    group: str
    unit: str
    meaning: str
    kind: Kind


def output_fields() -> list[OutputField]:
    """Every field of :class:`ReplicationResult`, in column order, with its metadata."""
    return [OutputField(f.name, f.metadata["group"], f.metadata["unit"], f.metadata["meaning"],
                        f.metadata["kind"]) for f in fields(ReplicationResult)]


def result_columns() -> list[str]:
    """Column names of the per-replication table, in order."""
    return [f.name for f in fields(ReplicationResult)]


#: Names of the fleet time-split fields, by tanker state.
TIME_SHARE_FIELDS = {state: f"fleet_share_{state.label}" for state in TankerState}


@dataclass(frozen=True)
class ChainRecords:
    """What every resource of one replication measured over the measured period."""

    hours: float  # length of the measured period (h)
    supply: SupplyStats
    russian_major: OutageStats
    russian_minor: OutageStats
    aktau: PortStats
    baku: PortStats
    other_traffic_calls: int
    tankers: tuple[TankerStats, ...]
    btc: BtcStats
    upstream_storage_end_t: float


def from_records(records: ChainRecords, replication: int, seed: int,
                 mass_balance_error_t: float) -> ReplicationResult:
    """Turn the resources' measurements into per-year figures (one replication)."""
    hours = records.hours
    years = hours / HOURS_PER_YEAR
    per_year_days = DAYS_PER_YEAR / (hours / HOURS_PER_DAY)

    def mt_per_year(tonnes: float) -> float:
        return tonnes / TONNES_PER_MT / years

    def days(hours_value: float) -> float:
        return hours_value / HOURS_PER_DAY * per_year_days

    flows = records.supply.flows
    btc = records.btc
    transcaspian = mt_per_year(btc.transcaspian_t)
    by_state = [0.0] * len(TankerState)
    for tanker in records.tankers:
        for state, h in enumerate(tanker.hours_by_state):
            by_state[state] += h
    fleet_hours = sum(by_state) or 1.0
    ak, bk = records.aktau, records.baku
    return ReplicationResult(
        replication=replication, seed=seed,
        transcaspian_mt_per_year=transcaspian,
        russian_route_mt_per_year=mt_per_year(flows.russian_t),
        diverted_mt_per_year=mt_per_year(flows.diverted_t),
        shut_in_mt_per_year=mt_per_year(flows.shut_in_t),
        produced_mt_per_year=mt_per_year(flows.produced_t),
        target_share_6_0=min(1.0, transcaspian / TARGET_LOW_MT_PER_YEAR),
        target_share_6_5=min(1.0, transcaspian / TARGET_HIGH_MT_PER_YEAR),
        reaches_6_0=float(transcaspian >= TARGET_LOW_MT_PER_YEAR),
        reaches_6_5=float(transcaspian >= TARGET_HIGH_MT_PER_YEAR),
        russian_disrupted_days_per_year=days(records.russian_major.disrupted_hours),
        russian_disruptions_per_year=records.russian_major.onsets / years,
        russian_minor_halt_days_per_year=days(records.russian_minor.disrupted_hours),
        aktau_intake_mt_per_year=mt_per_year(flows.feeder_t),
        aktau_berth_occupancy=ak.berths.occupancy,
        aktau_berth_wait_mean_hours=ak.berths.wait_mean_hours,
        aktau_berth_queue_mean_ships=ak.berths.queue_mean_ships,
        aktau_tank_mean_t=ak.tanks.mean_t, aktau_tank_max_t=ak.tanks.max_t,
        aktau_tank_full_days_per_year=days(ak.tanks.full_hours),
        aktau_weather_closed_days_per_year=days(ak.closed_hours),
        aktau_feeder_short_days_per_year=days(records.supply.feeder_short_hours),
        aktau_other_traffic_calls_per_year=records.other_traffic_calls / years,
        fleet_voyages_per_year=sum(t.voyages for t in records.tankers) / years,
        **{TIME_SHARE_FIELDS[state]: by_state[state] / fleet_hours for state in TankerState},
        baku_berth_occupancy=bk.berths.occupancy,
        baku_berth_wait_mean_hours=bk.berths.wait_mean_hours,
        baku_berth_queue_mean_ships=bk.berths.queue_mean_ships,
        baku_tank_mean_t=bk.tanks.mean_t, baku_tank_max_t=bk.tanks.max_t,
        baku_tank_full_days_per_year=days(bk.tanks.full_hours),
        baku_weather_closed_days_per_year=days(bk.closed_hours),
        btc_allowance_use=btc.injected_t / btc.allowed_t if btc.allowed_t > 0 else 0.0,
        btc_disrupted_days_per_year=days(btc.outage.disrupted_hours),
        upstream_storage_end_t=records.upstream_storage_end_t,
        mass_balance_error_t=mass_balance_error_t,
    )
