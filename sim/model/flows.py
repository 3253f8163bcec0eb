"""The flow network: pipeline crude as rates that change only when something changes them.

Crude moves continuously on two sides of the sea, which never share a rate:

- :class:`FeederFlows`: the fields, the Russian route, upstream storage and the
  feeder into the Aktau tanks (:mod:`sim.model.supply`);
- :class:`BtcFlows`: the Baku tanks into BTC (:mod:`sim.model.btc`).

On each side the rates are piecewise constant. They change

- when something outside the side changes: an outage starts or ends (Russian
  route, BTC intake) or the diversion policy starts or stops; the
  :class:`~sim.model.outages.DisruptedCapacity` or the policy calls
  :meth:`FlowSide.flush` before and :meth:`FlowSide.refresh` after;
- when a tanker claims, loads or discharges a cargo: the tank farm asks the side
  to catch up before and calls :meth:`FlowSide.tank_changed` after;
- when the flows themselves cross a *switch*: the Aktau tanks fill (the feeder
  stops), the Baku tanks run dry, upstream storage fills or empties, the BTC
  bank is caught up. Nobody waits for a switch, so it costs no SimPy event: the
  side knows when the next one is due, and the next time it is asked to catch
  up it integrates up to each switch passed exactly and carries on with the new
  rates.

The side wakes the SimPy clock only when the flows will let a waiting tanker
go on: a claimed cargo is all in the Aktau tanks, or the Baku tanks have room for
a waiting cargo. Switches can only slow those flows, so the wake-up is never
late; if it comes early, the side computes the hour again.

No time step or batch interval enters the results: between switches every rate
is constant and integrated exactly.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable

import simpy

from sim.errors import SimulationInvariantError
from sim.model.btc import BtcIntake
from sim.model.diversion import DiversionPolicy
from sim.model.outages import DisruptedCapacity
from sim.model.storage import Lot, TankFarm
from sim.model.supply import SupplyNetwork

#: Switches allowed in one catch-up before the side is declared stuck (a bug guard).
MAX_SWITCHES_PER_CATCH_UP = 1_000


class FlowSide(ABC):
    """Integrates one side's rates, switch by switch, and wakes when a waiting tanker can go.

    Two clocks: the tank farm is settled at every lump of crude, while the
    side's own totals (what each branch carried, the BTC bank) are integrated
    only when the rates change or when someone reads them (:meth:`flush`).
    """

    def __init__(self, env: simpy.Environment, tanks: TankFarm) -> None:
        self.env, self.tanks = env, tanks
        self._since = env.now  # the side's totals are integrated up to here (h)
        self._switch_at = math.inf  # the next switch at the current rates (h)
        self._other_switch_at = math.inf  # the next switch not of the tanks' making (h)
        self._wake_at = math.inf  # the earliest pending wake-up (h)
        tanks.before_change = self._catch_up_now
        tanks.changed = self.tank_changed

    def flush(self, now: float) -> None:
        """Bring the tanks and the side's totals up to ``now`` (h)."""
        self._catch_up(now)
        self._integrate(now)

    def refresh(self) -> None:
        """Something outside changed the rates: set them anew (after :meth:`flush`)."""
        self._set_rates(self.env.now)
        self._schedule()

    def tank_changed(self) -> None:
        """A lump of crude moved: new rates if the tanks crossed full or empty."""
        now = self.env.now
        if self._regime_changed():
            self._set_rates(now)
        else:
            self._switch_at = min(self._other_switch_at, now + self.tanks.hours_to_brim())
        self._schedule()

    def _catch_up(self, now: float) -> None:
        """Cross every switch due by ``now``, settle the tanks to ``now``, serve waiters."""
        switches = 0
        while self._switch_at <= now:
            at = self._switch_at
            self.tanks.settle(at)
            self._set_rates(at)
            switches += 1
            if switches > MAX_SWITCHES_PER_CATCH_UP:
                raise SimulationInvariantError(f"{self.tanks.name}: flows stuck at {at:.6f} h")
        self.tanks.settle(now)
        self.tanks.serve()

    def _catch_up_now(self) -> None:
        self._catch_up(self.env.now)

    def _set_rates(self, at: float) -> None:
        """Integrate the totals to ``at`` (h), set the rates from the state then.

        Also find the next switch at the new rates.
        """
        self._integrate(at)
        other_hours = self._new_rates(at)
        self._other_switch_at = at + other_hours
        self._switch_at = min(self._other_switch_at, at + self.tanks.hours_to_brim())

    def _integrate(self, now: float) -> None:
        """Integrate the side's totals up to ``now`` at the current rates."""
        hours = now - self._since
        if hours > 0:
            self._advance(hours)
            self._since = now

    @abstractmethod
    def _advance(self, hours: float) -> None:
        """Integrate the side's own totals over ``hours`` at the current rates."""

    @abstractmethod
    def _new_rates(self, at: float) -> float:
        """Set the rates from the state at ``at`` (h); return hours to the next other switch.

        Other: not the tanks filling or running dry (inf: none).
        """

    @abstractmethod
    def _regime_changed(self) -> bool:
        """Whether the tanks crossed a state the rates depend on (full, empty)."""

    def _schedule(self) -> None:
        """Wake when the flows meet the first waiting tanker, unless already due by then."""
        hours = self.tanks.hours_to_waiter()
        at = self.env.now + hours
        if at < self._wake_at:
            self._wake_at = at
            self.env.timeout(hours).callbacks.append(self._wake)

    def _wake(self, _: simpy.Event) -> None:
        """A waiting tanker's cargo or room is due: catch up to now and serve it."""
        if self.env.now >= self._wake_at:
            self._wake_at = math.inf
        self._catch_up(self.env.now)
        self._schedule()


class FeederFlows(FlowSide):
    """Fields to the Russian route, upstream storage and, through the feeder, the Aktau tanks."""

    def __init__(self, env: simpy.Environment, supply: SupplyNetwork,
                 russian: DisruptedCapacity, diversion: DiversionPolicy,
                 tanks: TankFarm) -> None:
        super().__init__(env, tanks)
        self.supply, self.russian, self.diversion = supply, russian, diversion
        russian.listener = diversion.listener = self
        self.refresh()

    def _advance(self, hours: float) -> None:
        self.supply.advance(hours, self._rates)

    def _new_rates(self, at: float) -> float:
        self._full = full = self.tanks.is_full
        rates = self._rates = self.supply.rates(self.russian.rate_t_per_hour,
                                                self.diversion.extra_now_t_per_hour,
                                                feeder_open=not full)
        feeder = rates.feeder
        self.tanks.set_flows(at, feeder, rates.diverted / feeder if feeder > 0 else 0.0, 0.0)
        return self.supply.hours_to_threshold(rates)

    def _regime_changed(self) -> bool:
        return self.tanks.is_full != self._full


class BtcFlows(FlowSide):
    """The Baku tanks into BTC, within the allowance."""

    def __init__(self, env: simpy.Environment, btc: BtcIntake, tanks: TankFarm) -> None:
        super().__init__(env, tanks)
        self.btc = btc
        #: Told of each stretch of injection (start h, end h, crude); None: nobody listens.
        self.on_injected: Callable[[float, float, Lot], None] | None = None
        btc.intake.listener = self
        self.refresh()

    def _advance(self, hours: float) -> None:
        lot = self.tanks.take_drained()
        self.btc.advance(hours, self._rate, self._stock, lot)
        if self.on_injected is not None:
            self.on_injected(self._since, self._since + hours, lot)

    def _new_rates(self, at: float) -> float:
        self._stock = stock = not self.tanks.is_empty
        rate = self._rate = self.btc.rate(stock)
        self.tanks.set_flows(at, 0.0, 0.0, rate)
        return self.btc.hours_to_threshold(rate)

    def _regime_changed(self) -> bool:
        return self.tanks.is_empty == self._stock
