"""The export chain of one replication: every resource, wired together on one SimPy environment.

:class:`ExportChain` builds the resources from a scenario (with one random
stream per source), lets the flow network move pipeline crude, starts every resource's
measured period at the end of warm-up and collects what each measured. The
chain never reads a figure out of a resource by name: each resource has
``reset(now)`` and ``measure(now)``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Protocol

import numpy as np
import simpy

from sim.model.berth_outages import start_berth_outages
from sim.model.berths import SHIP_PRIORITY, BerthGroup
from sim.model.btc import BtcIntake
from sim.model.calendar import Calendar
from sim.model.dated import FeederState, schedule_dated_events
from sim.model.diversion import DiversionPolicy
from sim.model.flows import BtcFlows, FeederFlows
from sim.model.other_traffic import OtherTraffic
from sim.model.outages import DisruptedCapacity
from sim.model.port import Port
from sim.model.process import ProcessGenerator
from sim.model.results import ChainRecords
from sim.model.rng import Source, stream
from sim.model.storage import TankFarm
from sim.model.supply import SupplyNetwork
from sim.model.tanker import Tanker, sailing_hours
from sim.model.throughput import PortThroughput
from sim.model.weather import WeatherGate
from sim.model.years import YearSnapshot, snapshot
from sim.scenario.schema import Aktau, Baku, Fleet, Scenario, TankerClass
from sim.units import HOURS_PER_DAY, mt_per_year_to_t_per_hour

if TYPE_CHECKING:
    from sim.model.recorder import EventRecorder


class Measured(Protocol):
    """A resource that keeps its own statistics over a measured period."""

    def reset(self, now: float) -> None:
        """Start the measured period at ``now`` (h)."""


class ExportChain:
    """Every resource of one replication, wired together on one SimPy environment."""

    def __init__(self, scenario: Scenario, replication: int, seed: int,
                 env: simpy.Environment | None = None,
                 recorder: EventRecorder | None = None) -> None:
        self.scenario = sc = scenario
        self.replication, self.seed = replication, seed
        self.env = env = simpy.Environment() if env is None else env
        self.recorder: EventRecorder | None = None  # attached once the chain is built

        def rng(source: Source, index: int = 0) -> np.random.Generator:
            return stream(seed, replication, source, index)

        self.rng = rng
        self.warmup_hours = sc.run.warmup_days * HOURS_PER_DAY
        self.end_hours = self.warmup_hours + sc.run.horizon_days * HOURS_PER_DAY
        self.calendar = Calendar(sc.run.start_date, self.warmup_hours)
        cargo_t = sc.fleet.largest_cargo_t
        self.aktau = build_port(env, "aktau", sc.aktau, sc.aktau.loading_rate_t_per_hour,
                                cargo_t, rng(Source.WEATHER_AKTAU), calendar=self.calendar)
        self.aktau.throughput = PortThroughput(env, sc.aktau.oil_capacity_t_per_hour,
                                               sc.aktau.oil_capacity_burst_t)
        self.baku = build_port(env, "baku", sc.baku, sc.baku.unloading_rate_t_per_hour,
                               cargo_t, rng(Source.WEATHER_BAKU), tag_opening=True,
                               calendar=self.calendar)
        self.baku.kazakh_priority, self.baku.third_party_priority = BERTH_PRIORITIES[
            sc.baku.berth_priority]
        for port, section, source in ((self.aktau, sc.aktau, Source.BERTH_OUTAGE_AKTAU),
                                      (self.baku, sc.baku, Source.BERTH_OUTAGE_BAKU)):
            start_berth_outages(env, port.berths, section.berth_outages,
                                [rng(source, i) for i in range(2 * section.berths)])
        self.initial_inventory_t = self.aktau.tanks.physical_t + self.baku.tanks.physical_t

        route = sc.russian_route
        self.russian = DisruptedCapacity(
            env, mt_per_year_to_t_per_hour(route.capacity_mt_per_year),
            [(route.disruption, rng(Source.RUSSIAN_MAJOR)),
             (route.minor_halts, rng(Source.RUSSIAN_MINOR))])
        self.diversion = DiversionPolicy(env, sc.supply.diversion, self.russian.outages[0])
        self.supply = SupplyNetwork(sc.supply, sc.aktau.feeder_capacity_t_per_day)
        self.feeder_state = FeederState(self.supply.feeder_t_per_hour)
        #: Aktau's oil capacity (t/h) from each time on (h); dated changes append.
        self.oil_capacity_steps = [(0.0, sc.aktau.oil_capacity_t_per_hour)]
        self.tankers_planned = sc.fleet.tankers  # ships of every class (dated changes add)
        self.berths_with_outages: dict[str, int] = {}  # berths whose outages run, if changed
        allowance_t_per_hour = mt_per_year_to_t_per_hour(sc.btc.allowance_mt_per_year)
        self.btc = BtcIntake(
            DisruptedCapacity(env, sc.btc.max_intake_t_per_day / HOURS_PER_DAY,
                              [(sc.btc.disruption, rng(Source.BTC_OUTAGE))]),
            allowance_t_per_hour,
            allowance_t_per_hour * sc.btc.allowance_carryover_days * HOURS_PER_DAY)
        self.flows = (FeederFlows(env, self.supply, self.russian, self.diversion,
                                  self.aktau.tanks),
                      BtcFlows(env, self.btc, self.baku.tanks))
        self.other_traffic = OtherTraffic(env, self.aktau, sc.aktau.other_traffic_mt_per_year,
                                          sc.aktau.other_traffic_cargo_t,
                                          rng(Source.OTHER_TRAFFIC))
        self.baku_other_traffic = OtherTraffic(env, self.baku,
                                               sc.baku.other_traffic_at_berths_mt_per_year,
                                               sc.baku.other_traffic_cargo_t,
                                               rng(Source.BAKU_OTHER_TRAFFIC))

        self.tankers: list[Tanker] = []
        for ship_class in sc.fleet.ship_classes():
            self._add_class(ship_class)

        self.year_snapshots: list[YearSnapshot] = []
        if self.warmup_hours > 0:
            env.process(self._warmup())
        schedule_dated_events(self)
        boundaries = ([at for _, _, at in self.calendar.months(self.warmup_hours,
                                                                 self.end_hours)]
                      if sc.run.results_by_month else
                      [at for _, at, _ in self.calendar.years(self.warmup_hours,
                                                               self.end_hours)])
        for at in boundaries[1:]:
            env.timeout(at).callbacks.append(self._snapshot_year)
        if recorder is not None:
            recorder.attach(self)
            self.recorder = recorder

    # --- the fleet -----------------------------------------------------------------------

    def _add_class(self, ship_class: TankerClass, tankers: int | None = None) -> None:
        """Start a class's ships (``tankers`` of them, default all) now or at its date.

        Ships already in service at the start are staggered over one round trip; a class
        that enters service later starts every ship at Aktau on its date.
        """
        count = ship_class.tankers if tankers is None else tankers
        fleet = class_fleet(self.scenario.fleet, ship_class)
        retire = (math.inf if ship_class.out_of_service is None
                  else self.calendar.hours_of(ship_class.out_of_service))
        if ship_class.in_service is not None and self.env.now == 0:
            at = self.calendar.hours_of(ship_class.in_service)
            self.env.timeout(at).callbacks.append(
                lambda _: self._add_class(ship_class.model_copy(update={"in_service": None}),
                                          count))
            return
        stagger = cycle_hours(self.scenario, fleet) / count if count and self.env.now == 0 else 0
        for i in range(count):
            index = len(self.tankers)
            tanker = Tanker(self.env, index, fleet, self.aktau, self.baku,
                            self.rng(Source.TANKER, index), start_delay_hours=i * stagger,
                            class_name=ship_class.name, retire_at_hours=retire)
            self.tankers.append(tanker)
            if self.recorder is not None:  # a ship that joins after the chain was built
                self.recorder.attach_tanker(tanker)

    def add_tankers(self, tankers: int) -> None:
        """A dated change: ``tankers`` more ships of the first class start now at Aktau."""
        first = self.scenario.fleet.ship_classes()[0]
        self._add_class(first.model_copy(update={"in_service": None, "out_of_service": None}),
                        tankers)

    # --- processes -----------------------------------------------------------------------

    def _warmup(self) -> ProcessGenerator:
        yield self.env.timeout(self.warmup_hours)
        self._start_measuring()

    def _start_measuring(self) -> None:
        """Bring the flows up to now, start every resource's measured period, set the rates."""
        now = self.env.now
        for side in self.flows:
            side.flush(now)
        for resource in self.resources():
            resource.reset(now)
        for side in self.flows:
            side.refresh()  # the BTC bank starts empty
        if self.calendar.dated:
            self._snapshot_year()

    def _snapshot_year(self, _: object = None) -> None:
        """Record the running totals now: a calendar year (or the measured period) begins."""
        now = self.env.now
        for side in self.flows:
            side.flush(now)
        self.year_snapshots.append(snapshot(self, now))

    def resources(self) -> list[Measured]:
        """Every resource that keeps statistics of its own."""
        return [self.supply, self.russian, self.diversion, self.btc, self.aktau, self.baku,
                self.other_traffic, self.baku_other_traffic, *self.tankers]

    # --- running -------------------------------------------------------------------------

    def run(self) -> None:
        """Run warm-up and horizon, then bring the pipeline flows up to the end time."""
        if self.warmup_hours == 0:
            self._start_measuring()
        self.env.run(until=self.end_hours)
        for side in self.flows:
            side.flush(self.end_hours)
        if self.calendar.dated:
            self.year_snapshots.append(snapshot(self, self.end_hours))
        if self.recorder is not None:
            self.recorder.finish(self.end_hours)

    def measure(self) -> ChainRecords:
        """What every resource measured over the measured period (call after :meth:`run`)."""
        now = self.env.now
        major, minor = self.russian.outages
        return ChainRecords(
            hours=now - self.warmup_hours, supply=self.supply.measure(now),
            russian_major=major.measure(now), russian_minor=minor.measure(now),
            aktau=self.aktau.measure(now), baku=self.baku.measure(now),
            other_traffic_calls=self.other_traffic.measure(now),
            baku_other_traffic_calls=self.baku_other_traffic.measure(now),
            tankers=tuple(tanker.measure(now) for tanker in self.tankers),
            btc=self.btc.measure(now), diversion_active_hours=self.diversion.active_hours(now),
            aktau_oil_capacity_t_per_hour=self.mean_oil_capacity_t_per_hour(now),
            upstream_storage_end_t=self.supply.upstream_t,
            diverted_in_chain_end_t=self.diverted_in_chain_t())

    def mean_oil_capacity_t_per_hour(self, now: float) -> float:
        """Aktau's oil capacity averaged over the measured period (t/h)."""
        steps = self.oil_capacity_steps
        if len(steps) == 1:
            return steps[0][1]
        start = self.warmup_hours
        total = 0.0
        for (at, rate), (until, _) in zip(steps, [*steps[1:], (now, 0.0)], strict=True):
            total += rate * max(0.0, min(until, now) - max(at, start))
        return total / (now - start) if now > start else steps[-1][1]

    def diverted_in_chain_t(self) -> float:
        """Diverted crude in the Aktau and Baku tanks and on board tankers now (t)."""
        return (self.aktau.tanks.diverted_t + self.baku.tanks.diverted_t
                + sum(tanker.on_board.diverted_t for tanker in self.tankers))


#: Berth priorities (Kazakh tankers, third-party tankers) at Baku; lower goes first.
BERTH_PRIORITIES: dict[str, tuple[int, int]] = {
    "first_come_first_served": (SHIP_PRIORITY, SHIP_PRIORITY),
    "kazakh_first": (SHIP_PRIORITY, SHIP_PRIORITY + 1),
    "third_party_first": (SHIP_PRIORITY + 1, SHIP_PRIORITY),
}


def build_port(env: simpy.Environment, name: str, section: Aktau | Baku,
               pump_rate_t_per_hour: float, cargo_t: float, weather_rng: np.random.Generator,
               tag_opening: bool = False, calendar: Calendar | None = None) -> Port:
    """A port's berths, tank farm (full when no cargo of ``cargo_t`` fits) and weather gate.

    With ``tag_opening`` the crude in the tanks at the start is followed as opening stock.
    """
    return Port(name, BerthGroup(env, f"{name} berths", section.berths),
                TankFarm(env, f"{name} tanks", section.storage_t,
                         section.initial_level_fraction * section.storage_t, cargo_t,
                         opening_stock_is_tagged=tag_opening),
                WeatherGate(env, section.weather, weather_rng, calendar),
                section.berthing_hours,
                pump_rate_t_per_hour)


def nominal_cycle_hours(scenario: Scenario) -> float:
    """Round trip of one tanker without any waiting (h)."""
    return cycle_hours(scenario, scenario.fleet)


def cycle_hours(scenario: Scenario, fleet: Fleet) -> float:
    """Round trip without any waiting of a tanker of ``fleet``'s cargo and speed (h)."""
    cargo = fleet.cargo_t
    return (2 * sailing_hours(fleet)
            + scenario.aktau.berthing_hours + cargo / scenario.aktau.loading_rate_t_per_hour
            + scenario.baku.berthing_hours + cargo / scenario.baku.unloading_rate_t_per_hour)


def class_fleet(fleet: Fleet, ship_class: TankerClass) -> Fleet:
    """The fleet's settings with one class's cargo and speed (what a tanker of it reads)."""
    if not fleet.classes:
        return fleet
    return fleet.model_copy(update={"cargo_t": ship_class.cargo_t,
                                    "speed_knots": ship_class.speed_knots,
                                    "tankers": ship_class.tankers, "classes": ()})
