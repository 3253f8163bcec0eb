"""The one record every replication produces, and the vocabulary of every output.

:class:`ReplicationResult` is a frozen dataclass whose fields carry their own
metadata (group, unit, meaning, kind). Each field has one name, used verbatim in
``run`` output, JSON, Parquet, ``summary.csv`` (as ``NAME_STAT``) and figure
labels; units and "per year" are in the names. Volumes are Mt per simulated year
of the measured period; times in days or hours as their names say; shares are 0-1.
:func:`from_records` turns what the resources measured into the record.
"""

from __future__ import annotations

import math
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


def _f(group: str, unit: str, meaning: str, kind: Kind = "continuous", low: float = 0.0,
       high: float | None = None) -> Any:
    """Declare a result field with its group, unit, meaning, kind and range.

    The range bounds what a replication can give (confidence intervals are cut to
    it): at least ``low`` (0 unless a difference), at most ``high`` (unless given: 1
    for shares and 0/1 indicators, 365 for days a year, else no bound).
    """
    top = high if high is not None else {"share": 1.0, "0/1": 1.0,
                                         "days/yr": DAYS_PER_YEAR}.get(unit, math.inf)
    return field(metadata={"group": group, "unit": unit, "meaning": meaning, "kind": kind,
                           "low": low, "high": top})


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
    diverted_to_aktau_mt_per_year: float = _f(
        "kpis", "Mt/yr", "Crude the Russian route could not take that the feeder moved into "
        "the Aktau tanks under the diversion policy (it may still be in tanks or on board).")
    surge_mt_per_year: float = _f(
        "kpis", "Mt/yr", "Surge: diverted crude that reached BTC (followed through well-mixed "
        "tanks and cargoes).")
    extra_transcaspian_mt_per_year: float = _f(
        "kpis", "Mt/yr", "Trans-Caspian volume minus that of the same replication with "
        "diversion off (common random numbers); 0 when diversion is off or not compared.",
        low=-math.inf)
    shut_in_mt_per_year: float = _f("kpis", "Mt/yr", "Production neither route nor upstream "
                                    "storage could take (deferred).")
    shut_in_avoided_mt_per_year: float = _f(
        "kpis", "Mt/yr", "Shut-in of the same replication with diversion off minus shut-in "
        "with it (common random numbers); 0 when diversion is off or not compared.",
        low=-math.inf)
    produced_mt_per_year: float = _f("kpis", "Mt/yr", "Crude offered by the fields to the two "
                                     "routes.")
    target_share_6_0: float = _f("kpis", "share", "Throughput-feasible share of 6.0 Mt/yr: "
                                 "Trans-Caspian volume / 6.0, capped at 1.")
    target_share_6_5: float = _f("kpis", "share", "Throughput-feasible share of 6.5 Mt/yr: "
                                 "Trans-Caspian volume / 6.5, capped at 1.")
    reaches_6_0: float = _f("kpis", "0/1", "1 if the year's Trans-Caspian volume reached "
                            "6.0 Mt/yr (to the tonne); its mean is P(>= 6.0).", "indicator")
    reaches_6_5: float = _f("kpis", "0/1", "1 if the year's Trans-Caspian volume reached "
                            "6.5 Mt/yr (to the tonne); its mean is P(>= 6.5).", "indicator")
    russian_disrupted_days_per_year: float = _f(
        "russian_route", "days/yr", "Days in a major disruption (the share of days is p).")
    russian_disruptions_per_year: float = _f("russian_route", "1/yr",
                                             "Major disruptions that began.")
    russian_minor_halt_days_per_year: float = _f(
        "russian_route", "days/yr", "Days in a short halt (reported apart from p).")
    russian_diversion_active_days_per_year: float = _f(
        "russian_route", "days/yr", "Days the diversion policy was active (a major disruption "
        "had lasted its reaction lag).")
    aktau_intake_mt_per_year: float = _f("aktau", "Mt/yr", "Crude the feeder moved into the "
                                         "Aktau tanks (nominated plus diverted).")
    aktau_loaded_mt_per_year: float = _f("aktau", "Mt/yr", "All oil loaded at Aktau, "
                                         "Trans-Caspian and other crude, against the port's "
                                         "shared oil capacity.")
    aktau_oil_capacity_use: float = _f("aktau", "share", "Oil loaded at Aktau / the port's "
                                       "oil capacity over the same time (0-1).")
    aktau_berth_occupancy: float = _f("aktau", "share", "Share of Aktau oil-berth hours in "
                                      "use by ships, other crude included (0-1).")
    aktau_berth_out_of_service_days_per_year: float = _f(
        "aktau", "days/yr", "Days each Aktau oil berth was out of service (maintenance, "
        "breakdowns), on average.")
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
    fleet_share_waiting_port_capacity: float = _share(
        "waiting_port_capacity", "waiting at Aktau for the port's shared oil capacity")
    baku_berth_occupancy: float = _f("baku", "share", "Share of Baku discharge-berth hours "
                                     "in use by ships, third-party crude included (0-1).")
    baku_berth_out_of_service_days_per_year: float = _f(
        "baku", "days/yr", "Days each Baku discharge berth was out of service, on average.")
    baku_other_traffic_calls_per_year: float = _f("baku", "1/yr", "Third-party calls "
                                                  "(Turkmen and other crude) discharged at "
                                                  "the same berths.")
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
                                  "accrued (0-1; above 1 when carried-over allowance is used).",
                                  high=math.inf)
    btc_disrupted_days_per_year: float = _f("btc", "days/yr", "Days the BTC intake was "
                                            "stopped.")
    upstream_storage_end_t: float = _f("bookkeeping", "t", "Crude in upstream storage at the "
                                       "end of the run.")
    diverted_in_chain_end_t: float = _f("bookkeeping", "t", "Diverted crude still in the Aktau "
                                        "or Baku tanks or on board at the end of the run.")
    mass_balance_error_t: float = _f("bookkeeping", "t", "Produced + opening stock - every "
                                     "place crude can be; checked to be under 1 t.",
                                     low=-math.inf)
    diverted_balance_error_t: float = _f("bookkeeping", "t", "Diverted into Aktau - surge - "
                                         "diverted crude still in the chain; checked to be "
                                         "under 1 t.", low=-math.inf)

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
    low: float = -math.inf  # the smallest value a replication can give
    high: float = math.inf  # the largest


def output_fields() -> list[OutputField]:
    """Every field of :class:`ReplicationResult`, in column order, with its metadata."""
    return [OutputField(f.name, f.metadata["group"], f.metadata["unit"], f.metadata["meaning"],
                        f.metadata["kind"], f.metadata["low"], f.metadata["high"])
            for f in fields(ReplicationResult)]


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
    other_traffic_calls: int  # at Aktau
    baku_other_traffic_calls: int
    tankers: tuple[TankerStats, ...]
    btc: BtcStats
    diversion_active_hours: float
    aktau_oil_capacity_t_per_hour: float
    upstream_storage_end_t: float
    diverted_in_chain_end_t: float


@dataclass(frozen=True)
class Counterfactual:
    """The same replication with diversion off: what it delivered and shut in (t)."""

    transcaspian_t: float
    shut_in_t: float


def from_records(records: ChainRecords, replication: int, seed: int,
                 errors: tuple[float, float], without_diversion: Counterfactual | None = None
                 ) -> ReplicationResult:
    """Turn the resources' measurements into per-year figures (one replication).

    ``errors`` are the mass-balance and diverted-balance errors (t);
    ``without_diversion`` is the same replication with diversion off, if it was run.
    """
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
    extra, avoided = 0.0, 0.0
    if without_diversion is not None:
        extra = transcaspian - mt_per_year(without_diversion.transcaspian_t)
        avoided = mt_per_year(without_diversion.shut_in_t - flows.shut_in_t)
    capacity_t = records.aktau_oil_capacity_t_per_hour * hours
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
        diverted_to_aktau_mt_per_year=mt_per_year(flows.diverted_t),
        surge_mt_per_year=mt_per_year(btc.surge_t),
        extra_transcaspian_mt_per_year=extra,
        shut_in_mt_per_year=mt_per_year(flows.shut_in_t),
        shut_in_avoided_mt_per_year=avoided,
        produced_mt_per_year=mt_per_year(flows.produced_t),
        target_share_6_0=min(1.0, transcaspian / TARGET_LOW_MT_PER_YEAR),
        target_share_6_5=min(1.0, transcaspian / TARGET_HIGH_MT_PER_YEAR),
        reaches_6_0=float(reaches(transcaspian, TARGET_LOW_MT_PER_YEAR)),
        reaches_6_5=float(reaches(transcaspian, TARGET_HIGH_MT_PER_YEAR)),
        russian_disrupted_days_per_year=days(records.russian_major.disrupted_hours),
        russian_disruptions_per_year=records.russian_major.onsets / years,
        russian_minor_halt_days_per_year=days(records.russian_minor.disrupted_hours),
        russian_diversion_active_days_per_year=days(records.diversion_active_hours),
        aktau_intake_mt_per_year=mt_per_year(flows.feeder_t),
        aktau_loaded_mt_per_year=mt_per_year(ak.loaded_t),
        aktau_oil_capacity_use=ak.loaded_t / capacity_t if capacity_t > 0 else 0.0,
        aktau_berth_occupancy=ak.berths.occupancy,
        aktau_berth_out_of_service_days_per_year=DAYS_PER_YEAR * ak.berths.out_of_service_share,
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
        baku_berth_out_of_service_days_per_year=DAYS_PER_YEAR * bk.berths.out_of_service_share,
        baku_other_traffic_calls_per_year=records.baku_other_traffic_calls / years,
        baku_berth_wait_mean_hours=bk.berths.wait_mean_hours,
        baku_berth_queue_mean_ships=bk.berths.queue_mean_ships,
        baku_tank_mean_t=bk.tanks.mean_t, baku_tank_max_t=bk.tanks.max_t,
        baku_tank_full_days_per_year=days(bk.tanks.full_hours),
        baku_weather_closed_days_per_year=days(bk.closed_hours),
        btc_allowance_use=btc.injected_t / btc.allowed_t if btc.allowed_t > 0 else 0.0,
        btc_disrupted_days_per_year=days(btc.outage.disrupted_hours),
        upstream_storage_end_t=records.upstream_storage_end_t,
        diverted_in_chain_end_t=records.diverted_in_chain_end_t,
        mass_balance_error_t=errors[0],
        diverted_balance_error_t=errors[1],
    )


#: Reaching a target allows for rounding: a year reaches X Mt/yr if it delivers X less 1 t.
REACH_TOLERANCE_MT_PER_YEAR = 1e-6


def reaches(transcaspian_mt_per_year: float, target_mt_per_year: float) -> bool:
    """Whether a year's Trans-Caspian volume reached a target (to the tonne)."""
    return transcaspian_mt_per_year >= target_mt_per_year - REACH_TOLERANCE_MT_PER_YEAR
