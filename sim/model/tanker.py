"""Tankers: each one a SimPy process shuttling crude from Aktau to Baku and back.

One voyage: wait at Aktau for a whole cargo to be claimed in the tanks, wait for
the port's oil capacity (shared with other crude), wait for a berth, wait for
the weather, load, wait for the weather to leave, sail laden,
wait for a Baku berth and the weather, wait for tank room, discharge, wait for
the weather, sail back in ballast. Once a year each tanker spends
``maintenance_days_per_year`` out of service, starting at a random phase.
Every hour is booked to exactly one :class:`TankerState`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import simpy

from sim.model.monitor import StateClock
from sim.model.port import Port
from sim.model.process import ProcessGenerator
from sim.model.storage import EMPTY
from sim.scenario.schema import Fleet
from sim.units import HOURS_PER_DAY, HOURS_PER_YEAR


class TankerState(IntEnum):
    """What a tanker is doing; the time split reports hours in each (``label`` names it)."""

    LOADING = 0
    SAILING = 1
    UNLOADING = 2
    WAITING_BERTH = 3
    WAITING_CARGO = 4
    WAITING_WEATHER = 5
    WAITING_TANK_ROOM = 6
    MAINTENANCE = 7
    WAITING_PORT_CAPACITY = 8

    @property
    def label(self) -> str:
        """Lower-case name used in outputs, e.g. ``waiting_berth``."""
        return self.name.lower()


# Plain ints for the hot loop (enum attribute lookups cost more than the work they label).
(LOADING, SAILING, UNLOADING, WAITING_BERTH, WAITING_CARGO, WAITING_WEATHER,
 WAITING_TANK_ROOM, MAINTENANCE, WAITING_PORT_CAPACITY) = (int(state) for state in TankerState)


@dataclass(frozen=True)
class TankerStats:
    """What one tanker did since the last reset."""

    hours_by_state: tuple[float, ...]  # hours in each TankerState, in enum order
    voyages: int  # cargoes discharged at Baku


def sailing_hours(fleet: Fleet) -> float:
    """One-way crossing time including the sea margin (h)."""
    return fleet.crossing_distance_nm / fleet.speed_knots * (1.0 + fleet.sea_margin_fraction)


class Tanker:
    """One tanker of ``fleet.cargo_t`` tonnes; ``on_board`` is the crude it carries now.

    ``class_name`` names its class in a mixed fleet. From ``retire_at_hours`` on the
    tanker leaves the shuttle when it is next back at Aktau; its hours stop then.
    """

    def __init__(self, env: simpy.Environment, index: int, fleet: Fleet, aktau: Port,
                 baku: Port, rng: np.random.Generator, start_delay_hours: float,
                 class_name: str = "fleet", retire_at_hours: float = math.inf) -> None:
        self.env, self.index = env, index
        self.class_name = class_name
        self.retire_at_hours = retire_at_hours
        self.retired_at = math.inf
        self.cargo_t = fleet.cargo_t
        self.aktau, self.baku = aktau, baku
        self.sail_hours = sailing_hours(fleet)
        self.maintenance_hours = fleet.maintenance_days_per_year * HOURS_PER_DAY
        self.on_board = EMPTY
        self.voyages = 0
        self.clock = StateClock(env.now, TankerState.SAILING, TankerState)
        # Uniform phase of the yearly maintenance block (from this tanker's own stream).
        self._maintenance_due = env.now + float(rng.uniform(0.0, HOURS_PER_YEAR))
        env.process(self._run(start_delay_hours))

    def reset(self, now: float) -> None:
        """Start the measured period."""
        self.clock.reset(now)
        self.voyages = 0
        if self.retired_at < now:
            self.retired_at = now

    def measure(self, now: float) -> TankerStats:
        """Hours in each state and voyages completed since the last reset."""
        hours = self.clock.close(min(now, self.retired_at))
        return TankerStats(hours_by_state=tuple(hours[state] for state in TankerState),
                           voyages=self.voyages)

    def _run(self, start_delay_hours: float) -> ProcessGenerator:
        env, aktau, baku, cargo = self.env, self.aktau, self.baku, self.cargo_t
        clock = self.clock
        if start_delay_hours > 0:  # staggered start: approaching Aktau in ballast
            yield env.timeout(start_delay_hours)
        while True:
            if env.now >= self.retire_at_hours:
                self.clock.enter(env.now, SAILING)
                self.retired_at = env.now
                return
            if self.maintenance_hours > 0 and env.now >= self._maintenance_due:
                clock.enter(env.now, MAINTENANCE)
                yield env.timeout(self.maintenance_hours)
                self._maintenance_due += HOURS_PER_YEAR

            clock.enter(env.now, WAITING_CARGO)
            lot = yield aktau.tanks.claim_cargo(cargo)
            if aktau.throughput is not None:
                clock.enter(env.now, WAITING_PORT_CAPACITY)
                yield aktau.throughput.take(cargo)

            clock.enter(env.now, WAITING_BERTH)
            with aktau.berths.request(aktau.kazakh_priority) as berth:
                yield berth
                if not aktau.weather.is_open:
                    yield from self._wait_for_weather(aktau)
                clock.enter(env.now, LOADING)
                yield env.timeout(aktau.berth_hours(cargo))
                aktau.tanks.release_claim(lot)
                self.on_board = lot

            if not aktau.weather.is_open:
                yield from self._wait_for_weather(aktau)
            clock.enter(env.now, SAILING)
            yield env.timeout(self.sail_hours)

            clock.enter(env.now, WAITING_BERTH)
            with baku.berths.request(baku.kazakh_priority) as berth:
                yield berth
                if not baku.weather.is_open:
                    yield from self._wait_for_weather(baku)
                clock.enter(env.now, WAITING_TANK_ROOM)
                yield baku.tanks.receive_cargo(self.on_board, self._handed_over)
                clock.enter(env.now, UNLOADING)
                yield env.timeout(baku.berth_hours(cargo))
            self.voyages += 1

            if not baku.weather.is_open:
                yield from self._wait_for_weather(baku)
            clock.enter(env.now, SAILING)
            yield env.timeout(self.sail_hours)

    def _handed_over(self) -> None:
        """The cargo is in the Baku tanks now (called by the tank farm at that instant)."""
        self.on_board = EMPTY

    def _wait_for_weather(self, port: Port) -> ProcessGenerator:
        while not port.weather.is_open:
            self.clock.enter(self.env.now, WAITING_WEATHER)
            yield port.weather.reopened()
