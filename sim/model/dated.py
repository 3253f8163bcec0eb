"""Dated events of one replication: outages and changes placed at their hour.

Each event of ``scenario.events`` (:mod:`sim.scenario.events`) becomes one or two
SimPy timeouts at the hour of its date (00:00) on the replication's calendar; a
handler then changes the running chain the way a random outage does: the flow
side is brought up to the instant (``flush``), the rate is changed, and the side
picks up the new rates (``refresh``). Dated outages act on top of the random
outage processes (their capacity factors multiply). No event draws a random
number, so every random stream is the same with or without them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import simpy

from sim.model.berth_outages import start_berth_outages
from sim.model.berths import OUTAGE_PRIORITY, BerthGroup
from sim.model.process import ProcessGenerator
from sim.model.rng import Source
from sim.scenario.events import DatedEvent
from sim.units import HOURS_PER_DAY, mt_per_year_to_t_per_hour

if TYPE_CHECKING:
    from sim.model.chain import ExportChain


def schedule_dated_events(chain: ExportChain) -> None:
    """Place every dated event of the chain's scenario at its hour."""
    events = chain.scenario.events
    if not events:
        return
    russian = RussianRouteState(chain)
    for event in events:
        at = chain.calendar.hours_of(event.date)
        if event.kind == "outage":
            _schedule_outage(chain, event, at, russian)
        else:
            _at(chain.env, at, _change_at(chain, event))


def _change_at(chain: ExportChain, event: DatedEvent) -> Callable[[simpy.Event], None]:
    """The callback that applies one dated change."""
    return lambda _: apply_change(chain, event)


def _at(env: simpy.Environment, hours: float, action: Callable[[simpy.Event], None]) -> None:
    """Call ``action`` at simulated time ``hours`` (one event; no process)."""
    env.timeout(hours - env.now).callbacks.append(action)


# --- outages ---------------------------------------------------------------------------------


class RussianRouteState:
    """Tells the diversion policy the Russian route is down while a random or dated outage is.

    The policy watches the route's major-disruption process; with dated Russian-route
    outages it watches this instead, which is down while either is.
    """

    def __init__(self, chain: ExportChain) -> None:
        self.chain = chain
        self.dated_down = False
        self._watching = False

    def watch(self) -> None:
        """Stand between the major-disruption process and its watchers (once)."""
        if self._watching:
            return
        self._watching = True
        major = self.chain.russian.outages[0]
        self._watchers, major.watchers = list(major.watchers), [self._major_changed]

    @property
    def down(self) -> bool:
        """Whether the route is in a random major disruption or a dated outage."""
        return self.chain.russian.outages[0].is_down or self.dated_down

    def set_dated(self, down: bool) -> None:
        """A dated outage starts (True) or ends."""
        was = self.down
        self.dated_down = down
        self._tell(was)

    def _major_changed(self, down: bool) -> None:
        was = self.dated_down or not down  # the state before this change
        self._tell(was)

    def _tell(self, was: bool) -> None:
        if self.down != was:
            for watcher in self._watchers:
                watcher(self.down)


def _schedule_outage(chain: ExportChain, event: DatedEvent, at: float,
                     russian: RussianRouteState) -> None:
    """Start and end one dated outage."""
    assert event.duration_days is not None
    assert event.capacity_loss_fraction is not None
    end = at + event.duration_days * HOURS_PER_DAY
    left = 1.0 - event.capacity_loss_fraction
    resource = event.resource
    if resource == "russian_route":
        russian.watch()

        def russian_outage(factor: float) -> Callable[[simpy.Event], None]:
            def act(_: simpy.Event) -> None:
                chain.russian.set_dated(chain.env.now, factor=factor)
                russian.set_dated(factor < 1.0)
            return act
        _at(chain.env, at, russian_outage(left))
        _at(chain.env, end, russian_outage(1.0))
    elif resource == "btc":
        intake = chain.btc.intake
        _at(chain.env, at, lambda _: intake.set_dated(chain.env.now, factor=left))
        _at(chain.env, end, lambda _: intake.set_dated(chain.env.now, factor=1.0))
    elif resource == "feeder":
        _at(chain.env, at, lambda _: chain.feeder_state.set(chain, factor=left))
        _at(chain.env, end, lambda _: chain.feeder_state.set(chain, factor=1.0))
    else:
        port = chain.aktau if resource == "aktau_berths" else chain.baku
        _at(chain.env, at, lambda _: _close_berths(chain.env, port.berths,
                                                   event.capacity_loss_fraction or 0.0,
                                                   end - chain.env.now))


def _close_berths(env: simpy.Environment, berths: BerthGroup, loss: float,
                  hours: float) -> None:
    """Take the share ``loss`` of the berths (at least one) out of service for ``hours``."""
    count = max(1, min(berths.berths, round(loss * berths.berths)))
    for _ in range(count):
        env.process(_hold_berth(env, berths, hours))


def _hold_berth(env: simpy.Environment, berths: BerthGroup, hours: float) -> ProcessGenerator:
    """One berth out of service: it takes the next berth free and holds it until ``end``."""
    end = env.now + hours
    with berths.request(OUTAGE_PRIORITY) as berth:
        yield berth
        if env.now < end:
            yield env.timeout(end - env.now)


class FeederState:
    """The feeder's nominal capacity (t/h) and the share a dated outage leaves (0-1)."""

    def __init__(self, nominal_t_per_hour: float) -> None:
        self.nominal_t_per_hour = nominal_t_per_hour
        self.factor = 1.0

    def set(self, chain: ExportChain, nominal_t_per_hour: float | None = None,
            factor: float | None = None) -> None:
        """Change the feeder's capacity now, between a flush and a refresh of the flows."""
        feeder = chain.flows[0]
        feeder.flush(chain.env.now)
        if nominal_t_per_hour is not None:
            self.nominal_t_per_hour = nominal_t_per_hour
        if factor is not None:
            self.factor = factor
        chain.supply.feeder_t_per_hour = self.nominal_t_per_hour * self.factor
        feeder.refresh()


# --- changes ---------------------------------------------------------------------------------


def apply_change(chain: ExportChain, event: DatedEvent) -> None:
    """From now on the field ``event.path`` has ``event.value`` (one handler per path)."""
    assert event.path is not None
    CHANGE_HANDLERS[event.path](chain, event.value)


def _berths(port_name: str) -> Callable[[ExportChain, object], None]:
    def change(chain: ExportChain, value: object) -> None:
        port = chain.aktau if port_name == "aktau" else chain.baku
        section = chain.scenario.aktau if port_name == "aktau" else chain.scenario.baku
        source = Source.BERTH_OUTAGE_AKTAU if port_name == "aktau" else Source.BERTH_OUTAGE_BAKU
        new = int(value)  # type: ignore[call-overload]
        started = chain.berths_with_outages.get(port_name, section.berths)
        port.berths.set_berths(new)
        if new > started:  # berths never seen before get outage processes of their own
            start_berth_outages(chain.env, port.berths, section.berth_outages,
                                [chain.rng(source, i) for i in range(2 * started, 2 * new)],
                                first_berth=started)
            chain.berths_with_outages[port_name] = new
    return change


def _supply_rate(attribute: str) -> Callable[[ExportChain, object], None]:
    def change(chain: ExportChain, value: object) -> None:
        feeder = chain.flows[0]
        feeder.flush(chain.env.now)
        setattr(chain.supply, attribute, mt_per_year_to_t_per_hour(float(value)))  # type: ignore[arg-type]
        feeder.refresh()
    return change


def _allowance(chain: ExportChain, value: object) -> None:
    side = chain.flows[1]
    side.flush(chain.env.now)
    chain.btc.set_allowance(chain.env.now, mt_per_year_to_t_per_hour(float(value)),  # type: ignore[arg-type]
                            chain.scenario.btc.allowance_carryover_days)
    side.refresh()


def _russian_capacity(chain: ExportChain, value: object) -> None:
    chain.russian.set_dated(chain.env.now,
                            nominal_t_per_hour=mt_per_year_to_t_per_hour(float(value)))  # type: ignore[arg-type]


def _feeder_capacity(chain: ExportChain, value: object) -> None:
    chain.feeder_state.set(chain, nominal_t_per_hour=float(value) / HOURS_PER_DAY)  # type: ignore[arg-type]


def _oil_capacity(chain: ExportChain, value: object) -> None:
    throughput = chain.aktau.throughput
    assert throughput is not None
    rate = mt_per_year_to_t_per_hour(float(value))  # type: ignore[arg-type]
    throughput.set_rate(rate, rate * HOURS_PER_DAY * chain.scenario.aktau.oil_capacity_burst_days)
    chain.oil_capacity_steps.append((chain.env.now, rate))


def _tankers(chain: ExportChain, value: object) -> None:
    added = int(value) - chain.tankers_planned  # type: ignore[call-overload]
    if added > 0:
        chain.tankers_planned += added
        chain.add_tankers(added)


#: The handler of each changeable path (the same keys as sim.scenario.events.CHANGEABLE_PATHS).
CHANGE_HANDLERS: dict[str, Callable[[ExportChain, object], None]] = {
    "aktau.berths": _berths("aktau"),
    "baku.berths": _berths("baku"),
    "aktau.feeder_capacity_t_per_day": _feeder_capacity,
    "aktau.oil_capacity_mt_per_year": _oil_capacity,
    "btc.allowance_mt_per_year": _allowance,
    "supply.transcaspian_nomination_mt_per_year": _supply_rate("nomination_t_per_hour"),
    "supply.export_mt_per_year": _supply_rate("offer_t_per_hour"),
    "russian_route.capacity_mt_per_year": _russian_capacity,
    "fleet.tankers": _tankers,
}
