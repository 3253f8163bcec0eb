"""Results per calendar year: running totals taken at each 1 January, and the rows they make.

With a calendar (``run.start_date``) the chain takes a :class:`YearSnapshot` of
its running totals at the start of the measured period, at each 1 January inside
it and at its end: one event a year. A year's figures are the differences
between consecutive snapshots, so they add up to the whole run's. Rates are per
365-day year, like the whole run's (a leap year's volume x 365/366); ``days``
says how much of the year the measured period covers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.model.results import TARGET_HIGH_MT_PER_YEAR, TARGET_LOW_MT_PER_YEAR, reaches
from sim.model.tanker import TankerState
from sim.units import HOURS_PER_DAY, HOURS_PER_YEAR, TONNES_PER_MT

if TYPE_CHECKING:
    from sim.model.chain import ExportChain

#: Waiting states of the fleet whose shares a year row reports.
WAIT_STATES = (TankerState.WAITING_BERTH, TankerState.WAITING_CARGO,
               TankerState.WAITING_WEATHER, TankerState.WAITING_TANK_ROOM,
               TankerState.WAITING_PORT_CAPACITY)


#: Columns of a year row: name -> (unit, meaning). ``CLASS`` is a tanker class's name and
#: ``STATE`` a waiting state of the fleet.
YEAR_COLUMNS: dict[str, tuple[str, str]] = {
    "replication": ("-", "Replication index k."),
    "year": ("-", "Calendar year."),
    "month": ("-", "Calendar month (1-12), only with run.results_by_month."),
    "days": ("days", "Days of the year (or month) inside the measured period."),
    "transcaspian_mt": ("Mt", "Trans-Caspian volume injected into BTC in those days."),
    "transcaspian_mt_per_year": ("Mt/yr", "The same per 365 days (a leap year x 365/366)."),
    "reaches_6_0": ("0/1", "1 if the year's rate reached 6.0 Mt/yr; its mean is P(>= 6.0)."),
    "reaches_6_5": ("0/1", "1 if the year's rate reached 6.5 Mt/yr."),
    "surge_mt_per_year": ("Mt/yr", "Diverted crude that reached BTC."),
    "russian_route_mt_per_year": ("Mt/yr", "Crude exported by the Russian route."),
    "diverted_to_aktau_mt_per_year": ("Mt/yr", "Crude diverted into the Aktau tanks."),
    "shut_in_mt_per_year": ("Mt/yr", "Production neither route could take."),
    "produced_mt_per_year": ("Mt/yr", "Crude offered by the fields."),
    "btc_allowance_use": ("share", "Trans-Caspian crude injected / allowance accrued in the "
                          "year (above 1 when banked allowance is caught up)."),
    "fleet_voyages": ("1", "Cargoes discharged at Baku by the whole fleet."),
    "fleet_share_STATE": ("share", "Share of the fleet's hours waiting for a berth, cargo, "
                          "weather, tank room or port capacity."),
    "voyages_CLASS": ("1", "Cargoes discharged at Baku by the ships of one tanker class."),
    "discharged_mt_CLASS": ("Mt", "Tonnes those cargoes carried (voyages x the class's cargo)."),
    "seed": ("-", "Root seed of the run."),
}


@dataclass(frozen=True)
class YearSnapshot:
    """Running totals of one replication at one instant (t, h, counts)."""

    hours: float  # simulated time (h)
    year: int  # calendar year that begins (or continues) here
    month: int  # calendar month (1-12) that begins (or continues) here
    transcaspian_t: float
    surge_t: float
    allowed_t: float  # BTC allowance accrued since the measured period began
    produced_t: float
    russian_t: float
    diverted_t: float
    shut_in_t: float
    voyages: dict[str, int]  # by tanker class
    tonnes: dict[str, float]  # delivered at Baku, by tanker class
    fleet_hours: tuple[float, ...]  # hours of the whole fleet in each TankerState


def snapshot(chain: ExportChain, now: float) -> YearSnapshot:
    """The chain's running totals now (the flows must be brought up to ``now``)."""
    totals = chain.supply.totals
    voyages: dict[str, int] = {}
    tonnes: dict[str, float] = {}
    fleet_hours = [0.0] * len(TankerState)
    for ship_class in chain.scenario.fleet.ship_classes():
        voyages[ship_class.name], tonnes[ship_class.name] = 0, 0.0
    for tanker in chain.tankers:
        voyages[tanker.class_name] += tanker.voyages
        tonnes[tanker.class_name] += tanker.voyages * tanker.cargo_t
        for state, hours in enumerate(tanker.measure(now).hours_by_state):
            fleet_hours[state] += hours
    return YearSnapshot(
        hours=now, year=chain.calendar.date_at(now).year,
        month=chain.calendar.date_at(now).month,
        transcaspian_t=chain.btc.transcaspian_t, surge_t=chain.btc.surge_t,
        allowed_t=chain.btc.allowed_t(now), produced_t=totals.produced_t,
        russian_t=totals.russian_t, diverted_t=totals.diverted_t, shut_in_t=totals.shut_in_t,
        voyages=voyages, tonnes=tonnes, fleet_hours=tuple(fleet_hours))


def year_rows(snapshots: list[YearSnapshot], replication: int, by_month: bool = False
              ) -> list[dict[str, Any]]:
    """One row per calendar year (or month) of the measured period.

    Each row is the difference of the running totals at its two ends.
    """
    rows = []
    for start, end in zip(snapshots, snapshots[1:], strict=False):
        hours = end.hours - start.hours
        if hours <= 0:
            continue
        years = hours / HOURS_PER_YEAR

        def rate(attribute: str, a: YearSnapshot = start, b: YearSnapshot = end,
                 y: float = years) -> float:
            tonnes: float = getattr(b, attribute) - getattr(a, attribute)
            return tonnes / TONNES_PER_MT / y

        transcaspian = rate("transcaspian_t")
        allowed = end.allowed_t - start.allowed_t
        fleet = [b - a for a, b in zip(start.fleet_hours, end.fleet_hours, strict=True)]
        fleet_total = sum(fleet) or 1.0
        row: dict[str, Any] = {
            "replication": replication, "year": start.year,
            **({"month": start.month} if by_month else {}),
            "days": hours / HOURS_PER_DAY,
            "transcaspian_mt": (end.transcaspian_t - start.transcaspian_t) / TONNES_PER_MT,
            "transcaspian_mt_per_year": transcaspian,
            "reaches_6_0": float(reaches(transcaspian, TARGET_LOW_MT_PER_YEAR)),
            "reaches_6_5": float(reaches(transcaspian, TARGET_HIGH_MT_PER_YEAR)),
            "surge_mt_per_year": rate("surge_t"),
            "russian_route_mt_per_year": rate("russian_t"),
            "diverted_to_aktau_mt_per_year": rate("diverted_t"),
            "shut_in_mt_per_year": rate("shut_in_t"),
            "produced_mt_per_year": rate("produced_t"),
            "btc_allowance_use": ((end.transcaspian_t - start.transcaspian_t) / allowed
                                  if allowed > 0 else 0.0),
            "fleet_voyages": sum(end.voyages.values()) - sum(start.voyages.values()),
        }
        for state in WAIT_STATES:
            row[f"fleet_share_{state.label}"] = fleet[state] / fleet_total
        for name in end.voyages:
            row[f"voyages_{name}"] = end.voyages[name] - start.voyages.get(name, 0)
            row[f"discharged_mt_{name}"] = (end.tonnes[name] - start.tonnes.get(name, 0.0)
                                           ) / TONNES_PER_MT
        rows.append(row)
    return rows
