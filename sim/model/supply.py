"""Fields, the Russian route, the feeder to Aktau and upstream storage, as continuous flows.

The fields offer crude at a constant rate. At every instant :func:`route` splits
it, in this order:

1. The Russian route takes its share (offer minus nomination) up to the capacity
   its outages leave.
2. Upstream storage, if it holds crude, drains into the Russian route's spare room.
3. The feeder takes the nomination into the Aktau tanks, up to its capacity, unless
   the tanks are full (a full tank farm blocks the feeder). While the diversion
   policy is active (:mod:`sim.model.diversion`), the feeder capacity the
   nomination left takes the Russian route's surplus and then crude from upstream
   storage, up to the policy's extra nomination: crude that could not go by the
   Russian route, which is what "diverted" counts. It enters the tanks tagged as
   diverted, so the surge it makes at BTC can be followed.
4. Nominated crude the feeder cannot take goes the historical way if the Russian
   route has room left.
5. What is still left over goes into upstream storage while it has room, and what
   does not fit is shut in (deferred production).

The rates hold until something changes them (an outage starts or ends, the Aktau
tanks fill or get room, upstream storage fills or empties, diversion starts or
stops); :class:`SupplyNetwork` integrates them exactly in between. All amounts
are tonnes or tonnes per hour; no crude is created or lost (the mass balance in
:mod:`sim.model.invariants` checks it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

from sim.scenario.schema import Supply
from sim.units import HOURS_PER_DAY, mt_per_year_to_t_per_hour

#: Rounding allowed when upstream storage is compared with empty or full (t).
STORE_TOLERANCE_T = 1e-6


@dataclass(frozen=True)
class SupplyRates:
    """Where the fields' crude goes at one instant (t/h each).

    The sums are computed once per split (a split is reused whenever its inputs recur).
    """

    produced: float
    to_russian: float  # the Russian route's share, straight from the fields
    store_to_russian: float  # upstream storage drained into the Russian route's spare room
    back_to_russian: float  # nominated crude the feeder could not take, sent the historical way
    feeder_nominated: float  # the nomination, into the Aktau tanks
    feeder_diverted: float  # the Russian route's surplus, diverted into the Aktau tanks
    store_to_feeder: float  # stored crude diverted into the Aktau tanks
    to_store: float  # into upstream storage
    shut_in: float  # deferred production

    @cached_property
    def russian(self) -> float:
        """Everything the Russian route carries (t/h)."""
        return self.to_russian + self.store_to_russian + self.back_to_russian

    @cached_property
    def feeder(self) -> float:
        """Everything the feeder carries into the Aktau tanks (t/h)."""
        return self.feeder_nominated + self.feeder_diverted + self.store_to_feeder

    @cached_property
    def diverted(self) -> float:
        """Diverted crude in the feeder (t/h)."""
        return self.feeder_diverted + self.store_to_feeder

    @cached_property
    def store_net(self) -> float:
        """Rate at which upstream storage fills (negative: empties) (t/h)."""
        return self.to_store - self.store_to_russian - self.store_to_feeder


def route(offer: float, nomination: float, russian_capacity: float, feeder_capacity: float,
          extra: float, feeder_open: bool, store_has_crude: bool, store_has_room: bool
          ) -> SupplyRates:
    """Split the offer (t/h) between the branches, in the order of the module docstring.

    ``extra`` is the diversion policy's extra nomination now (0 when inactive);
    ``feeder_open`` is false while the Aktau tanks are full.
    """
    russian_demand = offer - nomination
    to_russian = min(russian_demand, russian_capacity)
    russian_room = russian_capacity - to_russian
    surplus = russian_demand - to_russian
    store_to_russian = russian_room if store_has_crude else 0.0
    russian_room -= store_to_russian

    nominated_in = diverted = from_store = 0.0
    if feeder_open:
        nominated_in = min(nomination, feeder_capacity)
        spare = feeder_capacity - nominated_in
        diverted = min(surplus, extra, spare)
        if store_has_crude:
            from_store = min(extra - diverted, spare - diverted)
    surplus -= diverted

    nominated_left = nomination - nominated_in
    back_to_russian = min(nominated_left, russian_room)
    left_over = surplus + nominated_left - back_to_russian
    # Full storage takes only what it passes on, so its level holds.
    to_store = left_over if store_has_room else min(left_over, store_to_russian + from_store)
    return SupplyRates(produced=offer, to_russian=to_russian, store_to_russian=store_to_russian,
                       back_to_russian=back_to_russian, feeder_nominated=nominated_in,
                       feeder_diverted=diverted, store_to_feeder=from_store, to_store=to_store,
                       shut_in=left_over - to_store)


@dataclass
class FlowTotals:
    """Cumulative tonnes through each branch of the supply network."""

    produced_t: float = 0.0
    russian_t: float = 0.0
    feeder_t: float = 0.0
    diverted_t: float = 0.0
    shut_in_t: float = 0.0

    def minus(self, earlier: FlowTotals) -> FlowTotals:
        """Totals accumulated since ``earlier`` (t)."""
        return FlowTotals(*(a - b for a, b in zip(self.astuple(), earlier.astuple(),
                                                  strict=True)))

    def astuple(self) -> tuple[float, ...]:
        """The totals in field order (t)."""
        return (self.produced_t, self.russian_t, self.feeder_t, self.diverted_t, self.shut_in_t)


@dataclass(frozen=True)
class SupplyStats:
    """What the supply network moved since its last reset."""

    flows: FlowTotals  # tonnes through each branch (t)
    feeder_short_hours: float  # hours in which the feeder could not take the whole nomination


class SupplyNetwork:
    """The fields' offer, the nomination, the feeder's capacity and upstream storage (t, t/h).

    The flow network (:mod:`sim.model.flows`) asks for the :meth:`rates` whenever
    something changes and calls :meth:`advance` to integrate them up to the next change.
    """

    def __init__(self, supply: Supply, feeder_capacity_t_per_day: float) -> None:
        self.offer_t_per_hour = mt_per_year_to_t_per_hour(supply.export_mt_per_year)
        self.nomination_t_per_hour = mt_per_year_to_t_per_hour(
            supply.transcaspian_nomination_mt_per_year)
        self.feeder_t_per_hour = feeder_capacity_t_per_day / HOURS_PER_DAY
        self.upstream_capacity_t = supply.upstream_storage_t
        self.upstream_t = 0.0
        self.totals = FlowTotals()  # since the start, for the mass balance
        self._totals_at_reset = FlowTotals()
        self.feeder_short_hours = 0.0  # hours in which the nomination did not all fit
        # The split is a pure function of a few inputs that take few distinct values in
        # a run (the tanks flip between full and not, outages come and go): each is
        # computed once.
        self._splits: dict[tuple[float, float, float, float, float, bool, bool, bool],
                           SupplyRates] = {}

    def rates(self, russian_capacity_t_per_hour: float, extra_t_per_hour: float,
              feeder_open: bool) -> SupplyRates:
        """The split now, given the Russian route's capacity and the diversion allowance (t/h)."""
        key = (self.offer_t_per_hour, self.nomination_t_per_hour, russian_capacity_t_per_hour,
               self.feeder_t_per_hour, extra_t_per_hour, feeder_open,
               self.upstream_t > STORE_TOLERANCE_T,
               self.upstream_t < self.upstream_capacity_t - STORE_TOLERANCE_T)
        rates = self._splits.get(key)
        if rates is None:
            rates = self._splits[key] = route(*key)
        return rates

    def hours_to_threshold(self, rates: SupplyRates) -> float:
        """Hours until upstream storage fills or empties at these rates (inf if never)."""
        net = rates.store_net
        if net < 0:
            return self.upstream_t / -net
        if net > 0:
            return max(0.0, self.upstream_capacity_t - self.upstream_t) / net
        return math.inf

    def advance(self, hours: float, rates: SupplyRates) -> None:
        """Move ``hours`` of crude at ``rates`` (constant over the interval)."""
        totals = self.totals
        totals.produced_t += rates.produced * hours
        totals.russian_t += rates.russian * hours
        totals.feeder_t += rates.feeder * hours
        totals.diverted_t += rates.diverted * hours
        totals.shut_in_t += rates.shut_in * hours
        self.upstream_t = min(self.upstream_capacity_t,
                              max(0.0, self.upstream_t + rates.store_net * hours))
        if rates.feeder_nominated < self.nomination_t_per_hour - 1e-9:
            self.feeder_short_hours += hours

    def reset(self, now: float) -> None:
        """Start the measured period (the flows must have been advanced to ``now``)."""
        self._totals_at_reset = FlowTotals(*self.totals.astuple())
        self.feeder_short_hours = 0.0

    def measure(self, now: float) -> SupplyStats:
        """Tonnes through each branch, and feeder-short hours, since the last reset."""
        return SupplyStats(self.totals.minus(self._totals_at_reset), self.feeder_short_hours)
