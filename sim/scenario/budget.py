"""The event budget: how many SimPy events a scenario makes per simulated day, before it runs.

A simulation's cost is its number of events, not its simulated time. Parameters
with valid units but an absurd scale (storm closures of a nanosecond, disruptions of
a second, other-traffic cargoes of a nanogram) make millions of
events per simulated day, so a run that looks small never ends. This module
estimates the expected events per simulated day from the scenario's own rates,
durations and cargo sizes, one small function per event source, and the run's
total from its horizon and replications; :func:`check_event_budget` refuses a
scenario over :data:`MAX_EVENTS_PER_DAY` naming the field that drives the
largest source.

**Adding an event source** (a new resource or process in the model) is adding one
function to :data:`SOURCES`: it takes the scenario and returns a :class:`Load`
(expected events per simulated day, the fields it depends on, a short
description). Count every event the process schedules per occurrence (measure
it with an event-counting SimPy environment, as ``benchmarks/run.py`` does);
``tests/test_event_budget.py`` holds each estimate to the counted events.

The per-occurrence costs below were counted that way on the shipped scenarios:
the base year makes ~3,400 events (~9 per simulated day: ~6 from the tankers and
the flows that wake them, ~3 from other traffic at both ports, the rest from
weather and outages). Pipeline flows cost no event of their own: their rates
change at the events above (:mod:`sim.model.flows`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.errors import FieldRuleError
from sim.units import DAYS_PER_YEAR, HOURS_PER_DAY, TONNES_PER_MT

if TYPE_CHECKING:
    from sim.scenario.outages import Disruption
    from sim.scenario.ports import Weather
    from sim.scenario.schema import Scenario

#: Most expected events per simulated day a scenario may make. The base year makes
#: ~9 per day (~3,400 a year) and the largest shipped study ~20; 500 leaves room for
#: fleets, traffic and outages twenty times today's, and still costs at most ~1.3 s of
#: CPU per simulated year (the model runs ~140,000 events a second here). A parameter
#: off by a few orders of magnitude (a typo, a unit slip) lands far above it.
MAX_EVENTS_PER_DAY = 500

#: Most expected events one run (or one sweep) may make: ~20 core-hours at ~140,000
#: events a second, just above the simulated-years limit at the base scenario's rate
#: (1,000,000 years x ~3,400 events, with room for the diversion twin), which it
#: extends to scenarios that make more.
MAX_EVENTS_PER_RUN = 10_000_000_000

#: Events per occurrence, counted on the shipped scenarios (an upper bound: a request
#: met on the spot costs no event).
EVENTS_PER_CLOSURE = 3  # onset, reopening, the "reopened" signal
EVENTS_PER_OUTAGE = 2  # onset and recovery
EVENTS_PER_BERTH_OUTAGE = 3  # onset, berth grant after a ship leaves, return to service
EVENTS_PER_OTHER_CALL = 3  # arrival, berth grant if it waited, service end
EVENTS_PER_VOYAGE = 7  # load, two crossings, discharge, waits for cargo, berths, weather

#: Model months are a twelfth of the model year (as in :mod:`sim.model.weather`).
MONTH_DAYS = DAYS_PER_YEAR / 12


@dataclass(frozen=True)
class Load:
    """What one event source costs: expected events per simulated day, and what drives it."""

    source: str  # e.g. "pipeline batches"
    events_per_day: float  # expected events per simulated day (may be inf for absurd input)
    fields: tuple[str, ...]  # dotted paths the rate depends on (candidates to blame)
    detail: str  # how the rate follows from those fields, for the message


EventSource = Callable[["Scenario"], Load]


def aktau_weather(sc: Scenario) -> Load:
    """Storm closures at Aktau, in the stormiest month."""
    return _weather(sc.aktau.weather, "aktau")


def baku_weather(sc: Scenario) -> Load:
    """Storm closures at Baku, in the stormiest month."""
    return _weather(sc.baku.weather, "baku")


def russian_disruptions(sc: Scenario) -> Load:
    """Major disruptions of the Russian route."""
    return _outages(sc.russian_route.disruption, "russian_route.disruption",
                    "Russian-route disruptions")


def russian_minor_halts(sc: Scenario) -> Load:
    """Short halts of the Russian route."""
    return _outages(sc.russian_route.minor_halts, "russian_route.minor_halts",
                    "Russian-route minor halts")


def btc_outages(sc: Scenario) -> Load:
    """Stops of the BTC intake."""
    return _outages(sc.btc.disruption, "btc.disruption", "BTC intake stops")


def aktau_other_traffic(sc: Scenario) -> Load:
    """Other tankers calling at Aktau's oil berths (Makhachkala cargoes)."""
    aktau = sc.aktau
    return _other_traffic("other traffic at Aktau", aktau.other_traffic_mt_per_year,
                          aktau.other_traffic_cargo_t, "aktau.other_traffic_cargo_t",
                          "aktau.other_traffic_mt_per_year")


def baku_other_traffic(sc: Scenario) -> Load:
    """Third-party tankers calling at the Baku berths the Kazakh tankers use."""
    baku = sc.baku
    return _other_traffic("other traffic at Baku", baku.other_traffic_at_berths_mt_per_year,
                          baku.other_traffic_cargo_t, "baku.other_traffic_cargo_t",
                          "baku.other_traffic_mt_per_year", "baku.other_traffic_share_at_berths")


def aktau_berth_outages(sc: Scenario) -> Load:
    """Maintenance blocks and breakdowns of each Aktau berth."""
    return _berth_outages(sc, "aktau")


def baku_berth_outages(sc: Scenario) -> Load:
    """Maintenance blocks and breakdowns of each Baku berth."""
    return _berth_outages(sc, "baku")


def tanker_voyages(sc: Scenario) -> Load:
    """Voyages of the fleet if no tanker ever waited (the nominal round trip)."""
    from sim.model.chain import nominal_cycle_hours  # the model's own cycle (lazy: heavy)

    cycle = nominal_cycle_hours(sc)
    voyages = sc.fleet.tankers * HOURS_PER_DAY / cycle if sc.fleet.tankers else 0.0
    return Load("tanker voyages", EVENTS_PER_VOYAGE * voyages,
                ("fleet.tankers", "fleet.crossing_distance_nm", "fleet.speed_knots",
                 "fleet.cargo_t", "aktau.loading_rate_t_per_hour",
                 "baku.unloading_rate_t_per_hour", "aktau.berthing_hours",
                 "baku.berthing_hours"),
                f"{sc.fleet.tankers} tankers on a nominal round trip of {_g(cycle)} h make "
                f"{_g(voyages)} voyages a day")


#: Every event source of the model; a new source is one more function here.
SOURCES: tuple[EventSource, ...] = (
    aktau_weather, baku_weather, russian_disruptions, russian_minor_halts, btc_outages,
    aktau_other_traffic, baku_other_traffic, aktau_berth_outages, baku_berth_outages,
    tanker_voyages,
)


def loads(sc: Scenario) -> list[Load]:
    """Every source's expected events per simulated day."""
    return [source(sc) for source in SOURCES]


def expected_events_per_day(sc: Scenario) -> float:
    """Expected events per simulated day, all sources together (inf if a rate overflows)."""
    return _total(loads(sc))


def expected_events_per_run(sc: Scenario, replications: int) -> float:
    """Expected events of ``replications`` replications of ``sc`` (warm-up included)."""
    days = sc.run.warmup_days + sc.run.horizon_days
    return replications * days * expected_events_per_day(sc)


def check_event_budget(sc: Scenario) -> None:
    """Refuse a scenario over :data:`MAX_EVENTS_PER_DAY`, naming the field that drives it.

    The blamed field is, among the largest source's fields, the one whose value set
    back to its default would cut that source the most: the field that was changed.
    """
    per_source = [(source, source(sc)) for source in SOURCES]
    total = _total([load for _, load in per_source])
    if total <= MAX_EVENTS_PER_DAY:
        return
    source, worst = max(per_source, key=lambda pair: _ordered(pair[1].events_per_day))
    field = _blame(sc, source, worst)
    raise FieldRuleError(
        field, _value_at(sc, field),
        f"{worst.source} would make {count(worst.events_per_day)} events per simulated day "
        f"({worst.detail}); a scenario may make at most {MAX_EVENTS_PER_DAY:,} (expected "
        f"{count(total)} in all; see sim/scenario/budget.py), so the run would not finish")


def check_run_events(sc: Scenario, replications: int, what: str) -> str | None:
    """Why ``replications`` replications of ``sc`` are too many events, or None if they fit."""
    events = expected_events_per_run(sc, replications)
    if events <= MAX_EVENTS_PER_RUN:
        return None
    return (f"{what} is about {count(events)} events ({count(expected_events_per_day(sc))} "
            f"per simulated day); a run may make at most {count(MAX_EVENTS_PER_RUN)} (~20 "
            "core-hours): use fewer replications or a shorter horizon")


def count(events: float) -> str:
    """An event count for a message: ``1,234``, ``3.2e+09`` or ``an unbounded number of``."""
    if not math.isfinite(events):
        return "an unbounded number of"
    return f"{events:,.0f}" if events < 1e7 else f"{events:.1e}"


# --- helpers -------------------------------------------------------------------------------

def _weather(weather: Weather, port: str) -> Load:
    """Closures per day in the stormiest month: closed days / mean closure / month length."""
    if not weather.enabled:
        return Load(f"weather closures at {port.capitalize()}", 0.0, (), "weather off")
    worst = max(weather.closure_days_per_month)
    per_day = worst / weather.mean_closure_days / MONTH_DAYS
    return Load(f"weather closures at {port.capitalize()}", EVENTS_PER_CLOSURE * per_day,
                (f"{port}.weather.median_closure_days", f"{port}.weather.closure_sigma_log",
                 f"{port}.weather.closure_days_per_month"),
                f"{_g(worst)} closed days in the stormiest month in closures of "
                f"{_g(weather.mean_closure_days)} days on average")


def _outages(disruption: Disruption, path: str, source: str) -> Load:
    """Onsets per day from the rate per year of up-time (an upper bound on calendar days)."""
    rate = disruption.onset_rate_per_year
    per_day = rate / DAYS_PER_YEAR
    how = (f"p = {disruption.probability!r} with a mean duration of "
           f"{_g(disruption.mean_duration_days)} days" if disruption.mode == "probability"
           else f"{_g(rate)} per year")
    return Load(source, EVENTS_PER_OUTAGE * per_day,
                (f"{path}.mean_duration_days", f"{path}.probability", f"{path}.rate_per_year"),
                f"{how} is {_g(per_day)} onsets a day")


def _other_traffic(source: str, mt_per_year: float, cargo_t: float, *fields: str) -> Load:
    """Calls per day of a stream of ``mt_per_year`` in cargoes of ``cargo_t``."""
    calls_per_day = mt_per_year * TONNES_PER_MT / cargo_t / DAYS_PER_YEAR
    return Load(source, EVENTS_PER_OTHER_CALL * calls_per_day, fields,
                f"{_g(mt_per_year)} Mt/yr in cargoes of {_g(cargo_t)} t is "
                f"{_g(calls_per_day)} calls a day")


def _berth_outages(sc: Scenario, port: str) -> Load:
    """Outages per day of all of a port's berths, both kinds."""
    section = getattr(sc, port)
    outages = section.berth_outages
    per_day = section.berths * (outages.maintenance_per_year
                                + outages.breakdowns_per_year) / DAYS_PER_YEAR
    return Load(f"berth outages at {port.capitalize()}", EVENTS_PER_BERTH_OUTAGE * per_day,
                (f"{port}.berth_outages.breakdowns_per_year",
                 f"{port}.berth_outages.maintenance_per_year", f"{port}.berths"),
                f"{section.berths} berths with {_g(outages.maintenance_per_year)} maintenance "
                f"blocks and {_g(outages.breakdowns_per_year)} breakdowns a year each is "
                f"{_g(per_day)} outages a day")


def _total(per_source: list[Load]) -> float:
    total = sum(_ordered(load.events_per_day) for load in per_source)
    return total if math.isfinite(total) else math.inf


def _ordered(events: float) -> float:
    """NaN (0 x inf in a rate) counts as unbounded."""
    return math.inf if math.isnan(events) else events


def _blame(sc: Scenario, source: EventSource, load: Load) -> str:
    """The field of ``load`` whose default value would cut ``source`` the most."""
    best, best_events = load.fields[0] if load.fields else "", _ordered(load.events_per_day)
    for field in load.fields:
        default = _value_at(_default_scenario(), field)
        if default is None or _value_at(sc, field) is None:
            continue
        try:
            events = _ordered(source(_replaced(sc, field, default)).events_per_day)
        except (ArithmeticError, ValueError):
            continue
        if events < best_events:
            best, best_events = field, events
    return best


@functools.cache
def _default_scenario() -> Scenario:
    from sim.scenario.schema import Scenario

    return Scenario()


def _value_at(node: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        node = getattr(node, part, None)
    return node


def _replaced(node: Any, dotted: str, value: Any) -> Any:
    """A copy of the frozen model ``node`` with the field at ``dotted`` set (not validated)."""
    head, _, rest = dotted.partition(".")
    if not rest:
        return node.model_copy(update={head: value})
    return node.model_copy(update={head: _replaced(getattr(node, head), rest, value)})


def _g(value: float | None) -> str:
    """A number, shortly."""
    return "none" if value is None else f"{value:.3g}"
