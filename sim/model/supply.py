"""Fields, the Russian route, the feeder to Aktau and upstream storage, moved in batches.

Every ``run.batch_interval_hours`` (and at warm-up and horizon ends) the fields
offer crude at a constant rate and :meth:`SupplyNetwork.step` routes one batch:

1. The Russian route takes its share (offer minus nomination) up to the tonnes
   its disrupted capacity allowed in the interval (integrated exactly).
2. Upstream storage drains into the Russian route's remaining room.
3. The feeder takes the nomination into the Aktau tanks, up to its capacity and
   the free tank room (a full tank farm blocks the feeder). While the diversion
   policy is active (:mod:`sim.model.diversion`), the feeder capacity the
   nomination left takes the Russian route's surplus and then crude from
   upstream storage, up to the policy's extra nomination: crude that could not
   go by the Russian route, which is what "diverted" counts. It enters the
   tanks tagged as diverted, so the surge it makes at BTC can be followed.
4. Nominated crude the feeder cannot take goes the historical way if the Russian
   route has room left.
5. What is still left over goes into upstream storage, and what does not fit is
   shut in (deferred production).

All amounts are tonnes; no crude is created or lost (the mass balance in
:mod:`sim.model.invariants` checks it). The share of each batch's hours in which the feeder
could not take the whole nomination is kept as ``feeder_short_hours``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.model.diversion import DiversionPolicy
from sim.model.outages import DisruptedCapacity
from sim.model.storage import Lot, TankFarm
from sim.scenario.schema import Supply
from sim.units import HOURS_PER_DAY, mt_per_year_to_t_per_hour


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
    """Routes the fields' crude between the Russian route, Aktau, upstream storage and shut-in."""

    def __init__(self, supply: Supply, russian: DisruptedCapacity,
                 feeder_capacity_t_per_day: float, aktau_tanks: TankFarm,
                 diversion: DiversionPolicy | None) -> None:
        self.russian = russian
        self.aktau_tanks = aktau_tanks
        self.diversion = diversion if diversion is not None and diversion.enabled else None
        self.offer_t_per_hour = mt_per_year_to_t_per_hour(supply.export_mt_per_year)
        self.nomination_t_per_hour = mt_per_year_to_t_per_hour(
            supply.transcaspian_nomination_mt_per_year)
        self.feeder_t_per_hour = feeder_capacity_t_per_day / HOURS_PER_DAY
        self.upstream_capacity_t = supply.upstream_storage_t
        self.upstream_t = 0.0
        self.totals = FlowTotals()  # since the start, for the mass balance
        self._totals_at_reset = FlowTotals()
        self.feeder_short_hours = 0.0  # batch hours in which the nomination did not all fit

    def reset(self, now: float) -> None:
        """Start the measured period; call it right after a :meth:`step` up to ``now``."""
        self._totals_at_reset = FlowTotals(*self.totals.astuple())
        self.feeder_short_hours = 0.0

    def measure(self, now: float) -> SupplyStats:
        """Tonnes through each branch, and feeder-short hours, since the last reset."""
        return SupplyStats(self.totals.minus(self._totals_at_reset), self.feeder_short_hours)

    def step(self, hours: float) -> None:
        """Route the crude offered over the last ``hours`` hours."""
        offered = self.offer_t_per_hour * hours
        nominated = self.nomination_t_per_hour * hours
        russian_room = self.russian.take_available_t()
        extra = self.diversion.take_extra_allowance_t() if self.diversion is not None else 0.0

        russian_demand = offered - nominated
        to_russian = min(russian_demand, russian_room)
        russian_room -= to_russian
        russian_surplus = russian_demand - to_russian
        from_store_russian = min(self.upstream_t, russian_room)
        russian_room -= from_store_russian
        self.upstream_t -= from_store_russian

        nominated_in, diverted, from_store_feeder = self._feed_aktau(
            nominated, russian_surplus, self.upstream_t, extra, hours)
        russian_surplus -= diverted
        self.upstream_t -= from_store_feeder
        if nominated_in < nominated - 1e-9:
            self.feeder_short_hours += hours

        nominated_surplus = nominated - nominated_in
        back_to_russian = min(nominated_surplus, russian_room)
        nominated_surplus -= back_to_russian

        left_over = russian_surplus + nominated_surplus
        to_store = min(left_over, self.upstream_capacity_t - self.upstream_t)
        self.upstream_t += to_store

        totals = self.totals
        totals.produced_t += offered
        totals.russian_t += to_russian + back_to_russian + from_store_russian
        totals.feeder_t += nominated_in + diverted + from_store_feeder
        totals.diverted_t += diverted + from_store_feeder
        totals.shut_in_t += left_over - to_store

    def _feed_aktau(self, nominated: float, surplus: float, stored: float, extra: float,
                    hours: float) -> tuple[float, float, float]:
        """Tonnes the feeder moves into the Aktau tanks: (nominated, diverted, from storage).

        The nomination has the first call on the feeder's capacity; diverted crude
        (first the Russian route's surplus, then crude from upstream storage) takes
        what capacity it left, up to the diversion policy's extra nomination. When
        tank room is the limit, the room is shared in that full-flow proportion,
        which is what a continuous flow does while the tanks refill (both streams
        run until the tanks are full); it keeps the split independent of the batch
        interval. So in a full chain diverted crude does take room the nomination
        would have used later: it displaces nominated crude rather than adding to it,
        which ``extra_transcaspian_mt_per_year`` shows.
        """
        room = self.aktau_tanks.room_t
        if room <= 0:  # the full tank farm blocks the feeder (most batches of a busy chain)
            return 0.0, 0.0, 0.0
        capacity = self.feeder_t_per_hour * hours
        take_nominated = min(nominated, capacity)
        take_diverted = min(surplus, extra, capacity - take_nominated)
        take_stored = min(stored, extra - take_diverted, capacity - take_nominated - take_diverted)
        full_flow = take_nominated + take_diverted + take_stored
        if full_flow <= 0:
            return 0.0, 0.0, 0.0
        if full_flow > room:
            scale = room / full_flow
            take_nominated *= scale
            take_diverted *= scale
            take_stored *= scale
        diverted = take_diverted + take_stored
        self.aktau_tanks.add(Lot(take_nominated + diverted, diverted_t=diverted))
        return take_nominated, take_diverted, take_stored
