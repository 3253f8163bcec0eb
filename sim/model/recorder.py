"""Per-event logging of one replication, off unless asked for and free when off.

An :class:`EventRecorder` is handed to :class:`~sim.model.chain.ExportChain`
(``recorder=...``); without one the chain runs exactly as before, with no check
on any hot path. With one, :meth:`EventRecorder.attach` swaps a few of the
resources' own monitors for recording twins before the first event:

- each tanker's :class:`~sim.model.monitor.StateClock` for a :class:`TankerTrace`,
  which writes one :class:`Activity` per state the tanker leaves (loading, sailing
  laden or in ballast, waiting for a berth, for cargo, for weather...);
- each tank farm's :class:`~sim.model.monitor.LinearLevel` for a :class:`LevelTrace`,
  which keeps every (time, level, slope) the farm reports, so the level is known
  exactly between samples (it is piecewise linear);
- the :class:`~sim.model.monitor.TimeWeighted` monitors of berths (ships at berth,
  berths out of service), weather gates, outage processes and the diversion
  policy for :class:`StepTrace` s, which keep every (time, value);

and it asks the BTC side of the flow network to report each stretch of
injection (the one hook in model code, behind ``if ... is not None``). The
twins compute exactly what the monitors they replace compute, so a recorded
replication gives the same results as an unrecorded one.

Times are model hours (0 is the start of warm-up); tonnes are tonnes. Rows never
straddle the end of warm-up: every open interval is cut there, so each row
belongs wholly to the warm-up or to the measured period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from sim.model.monitor import LinearLevel, StateClock, TimeWeighted
from sim.model.storage import Lot
from sim.model.tanker import (
    LOADING,
    MAINTENANCE,
    SAILING,
    UNLOADING,
    WAITING_BERTH,
    WAITING_CARGO,
    WAITING_PORT_CAPACITY,
    WAITING_TANK_ROOM,
    WAITING_WEATHER,
    Tanker,
)

if TYPE_CHECKING:
    from sim.model.chain import ExportChain

#: Activity of a BTC injection row: crude that crossed the Caspian (Trans-Caspian volume).
INJECTED = "injected_into_btc"
#: Activity of a BTC injection row: crude that was in the Baku tanks when the run began.
INJECTED_OPENING_STOCK = "injected_opening_stock"

#: Interval rows from 0/1 step series: series name -> (entity, activity, resource).
FLAG_SERIES: dict[str, tuple[str, str, str]] = {
    "russian_route_major_disruption": ("russian_route", "major_disruption", "CPC"),
    "russian_route_short_halt": ("russian_route", "short_halt", "CPC"),
    "btc_intake_stop": ("btc", "intake_stop", "btc intake"),
    "aktau_weather_closed": ("aktau", "weather_closed", "aktau weather"),
    "baku_weather_closed": ("baku", "weather_closed", "baku weather"),
    "diversion_active": ("russian_route", "diversion_active", "feeder to aktau"),
}


@dataclass(frozen=True)
class Activity:
    """One row of the event log: ``entity`` did ``activity`` at ``resource`` from start to end.

    ``tonnes`` is the crude the activity moved (a cargo loaded, carried or
    discharged; crude injected into BTC), NaN when it moves none.
    """

    entity: str
    activity: str
    resource: str
    start_h: float
    end_h: float
    tonnes: float = math.nan


@dataclass
class EventRecorder:
    """Everything one replication did, as activity rows and level and step series.

    ``levels`` maps a series name to (time h, level t, slope t/h) samples;
    ``steps`` maps a series name to (time h, value) samples (piecewise constant).
    """

    activities: list[Activity] = field(default_factory=list)
    levels: dict[str, list[tuple[float, float, float]]] = field(default_factory=dict)
    steps: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    warmup_h: float = 0.0
    end_h: float = 0.0
    _tankers: list[TankerTrace] = field(default_factory=list)

    def attach(self, chain: ExportChain) -> None:
        """Swap the chain's monitors for recording twins (before the chain runs)."""
        self.warmup_h, self.end_h = chain.warmup_hours, chain.end_hours
        for port in (chain.aktau, chain.baku):
            tanks = port.tanks
            tanks.level = LevelTrace.twin(tanks.level, self._level(f"{port.name}_tank_t"))
            berths = port.berths
            berths.busy = StepTrace.twin(berths.busy, self._step(f"{port.name}_ships_at_berth"))
            berths.out_of_service = StepTrace.twin(
                berths.out_of_service, self._step(f"{port.name}_berths_out_of_service"))
            port.weather.closed = StepTrace.twin(port.weather.closed,
                                                 self._step(f"{port.name}_weather_closed"))
        major, minor = chain.russian.outages
        (btc_stop,) = chain.btc.intake.outages
        for outage, name in ((major, "russian_route_major_disruption"),
                             (minor, "russian_route_short_halt"), (btc_stop, "btc_intake_stop")):
            outage.down = StepTrace.twin(outage.down, self._step(name))
        chain.diversion.activity = StepTrace.twin(chain.diversion.activity,
                                                  self._step("diversion_active"))
        for tanker in chain.tankers:
            self.attach_tanker(tanker)
        chain.flows[1].on_injected = self.injected

    def attach_tanker(self, tanker: Tanker) -> None:
        """Record ``tanker``'s states (at attach, or when a dated change adds it)."""
        trace = TankerTrace.twin(tanker.clock, tanker, self.activities, self.warmup_h)
        tanker.clock = trace
        self._tankers.append(trace)

    def injected(self, start_h: float, end_h: float, lot: Lot) -> None:
        """BTC took ``lot`` from the Baku tanks between ``start_h`` and ``end_h``."""
        crossed = lot.tonnes - lot.opening_t
        if crossed > 0:
            self.activities.append(Activity("btc", INJECTED, "baku tanks", start_h, end_h,
                                            crossed))
        if lot.opening_t > 0:
            self.activities.append(Activity("btc", INJECTED_OPENING_STOCK, "baku tanks",
                                            start_h, end_h, lot.opening_t))

    def finish(self, now: float) -> None:
        """Close every open interval at ``now`` (h) and turn 0/1 series into interval rows."""
        for trace in self._tankers:
            trace.enter(now, trace.state)
        for level in self.levels.values():
            if level:
                time, value, slope = level[-1]
                level.append((now, value + slope * (now - time), 0.0))
        for step in self.steps.values():
            if step:
                step.append((now, step[-1][1]))
        for name, (entity, activity, resource) in FLAG_SERIES.items():
            for start, end in flag_intervals(self.steps.get(name, []), self.warmup_h):
                self.activities.append(Activity(entity, activity, resource, start, end))

    def _level(self, name: str) -> list[tuple[float, float, float]]:
        return self.levels.setdefault(name, [])

    def _step(self, name: str) -> list[tuple[float, float]]:
        return self.steps.setdefault(name, [])


def flag_intervals(samples: list[tuple[float, float]], cut_h: float
                   ) -> list[tuple[float, float]]:
    """The (start, end) hours during which a 0/1 step series is 1, cut at ``cut_h``."""
    intervals = []
    since: float | None = None
    for time, value in samples:
        if value > 0 and since is None:
            since = time
        elif value <= 0 and since is not None:
            intervals.append((since, time))
            since = None
    if since is not None and samples:
        intervals.append((since, samples[-1][0]))
    cut = []
    for start, end in intervals:
        if start < cut_h < end:
            cut += [(start, cut_h), (cut_h, end)]
        elif end > start:
            cut.append((start, end))
    return cut


T = TypeVar("T")


def _copy_state(source: TimeWeighted | LinearLevel | StateClock, target: T) -> T:
    """Give ``target`` (a subclass instance) the monitor state of ``source``."""
    for slot in type(source).__slots__:
        setattr(target, slot, getattr(source, slot))
    return target


class StepTrace(TimeWeighted):
    """A :class:`TimeWeighted` that also keeps every (time h, value) it is given."""

    __slots__ = ("samples",)
    samples: list[tuple[float, float]]

    @classmethod
    def twin(cls, monitor: TimeWeighted, samples: list[tuple[float, float]]) -> StepTrace:
        """A recording copy of ``monitor`` that appends to ``samples``."""
        trace = _copy_state(monitor, cls.__new__(cls))
        trace.samples = samples
        samples.append((trace._since, trace._value))
        return trace

    def update(self, now: float, value: float) -> None:
        """Record that the level became ``value`` at time ``now``."""
        super().update(now, value)
        self.samples.append((now, value))


class LevelTrace(LinearLevel):
    """A :class:`LinearLevel` that also keeps every (time h, level, slope per h) it is given."""

    __slots__ = ("samples",)
    samples: list[tuple[float, float, float]]

    @classmethod
    def twin(cls, monitor: LinearLevel, samples: list[tuple[float, float, float]]
             ) -> LevelTrace:
        """A recording copy of ``monitor`` that appends to ``samples``."""
        trace = _copy_state(monitor, cls.__new__(cls))
        trace.samples = samples
        samples.append((trace._since, trace._value, trace._slope))
        return trace

    def update(self, now: float, value: float, slope: float = 0.0) -> None:
        """From ``now`` on the level is ``value`` and moves at ``slope`` per hour."""
        super().update(now, value, slope)
        self.samples.append((now, value, slope))


#: Where a tanker is between states: at Aktau, at sea or at Baku.
AKTAU, SEA, BAKU = "aktau", "sea", "baku"


class TankerTrace(StateClock):
    """A tanker's :class:`StateClock` that also writes an :class:`Activity` per state left.

    It names each state by where the tanker is (a laden crossing ends at Baku,
    a ballast one at Aktau), so waits for a berth or the weather are booked to the
    right port and sailing is split into laden and ballast. A state that spans the
    end of warm-up is written as two rows, its tonnes shared in proportion to time.
    """

    __slots__ = ("tanker", "rows", "cut_h", "row_since", "at", "laden_leg", "cargo_t")
    tanker: Tanker
    rows: list[Activity]
    cut_h: float  # the end of warm-up (h): rows are cut there
    row_since: float  # start of the row being timed (h)
    at: str  # AKTAU, SEA or BAKU
    laden_leg: bool  # whether the last crossing was laden
    cargo_t: float  # the last cargo on board (t)

    @classmethod
    def twin(cls, clock: StateClock, tanker: Tanker, rows: list[Activity], cut_h: float
             ) -> TankerTrace:
        """A recording copy of ``clock`` (a tanker approaching Aktau in ballast)."""
        trace = _copy_state(clock, cls.__new__(cls))
        trace.tanker, trace.rows, trace.cut_h = tanker, rows, cut_h
        trace.row_since = trace._since
        trace.at, trace.laden_leg, trace.cargo_t = SEA, False, tanker.on_board.tonnes
        return trace

    @property
    def state(self) -> int:
        """The state the tanker is in now."""
        return self._state

    def enter(self, now: float, state: int) -> None:
        """Write the row of the state left, then switch to ``state`` at ``now`` (h)."""
        if now > self.row_since:
            self._write(self.row_since, now)
            self.row_since = now
        super().enter(now, state)
        if state == SAILING:
            self.at, self.laden_leg = SEA, self.tanker.on_board.tonnes > 0
        elif state in (WAITING_CARGO, MAINTENANCE):
            self.at = AKTAU
        elif self.at == SEA:
            self.at = BAKU if self.laden_leg else AKTAU

    def _write(self, start: float, end: float) -> None:
        """Write the current state from ``start`` to ``end`` (h), cut at the end of warm-up."""
        on_board = self.tanker.on_board.tonnes
        if on_board > 0:
            self.cargo_t = on_board
        state = self._state
        activity, resource = tanker_activity(state, self.at, self.laden_leg)
        moves = state in (LOADING, UNLOADING) or (state == SAILING and self.laden_leg)
        tonnes = self.cargo_t if moves else math.nan
        entity = f"tanker {self.tanker.index:02d}"
        parts = ([(start, self.cut_h), (self.cut_h, end)] if start < self.cut_h < end
                 else [(start, end)])
        for first, last in parts:
            self.rows.append(Activity(entity, activity, resource, first, last,
                                      tonnes * (last - first) / (end - start)))


def tanker_activity(state: int, at: str, laden_leg: bool) -> tuple[str, str]:
    """The log's (activity, resource) for a tanker in ``state`` at ``at``."""
    if state == SAILING:
        return ("sailing_laden" if laden_leg else "sailing_ballast"), "caspian"
    names = {LOADING: ("loading", "aktau berths"), UNLOADING: ("unloading", "baku berths"),
             WAITING_CARGO: ("waiting_cargo", "aktau tanks"),
             WAITING_PORT_CAPACITY: ("waiting_port_capacity", "aktau oil capacity"),
             WAITING_TANK_ROOM: ("waiting_tank_room", "baku tanks"),
             WAITING_BERTH: ("waiting_berth", f"{at} berths"),
             WAITING_WEATHER: ("waiting_weather", f"{at} weather"),
             MAINTENANCE: ("maintenance", "")}
    return names[state]
