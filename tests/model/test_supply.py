"""The supply network's routing order, branch by branch, on one hand-worked batch each.

Every case offers 10,000 t in one hour (87.6 Mt/yr), nominates 1,000 t of it to
Aktau (8.76 Mt/yr) and lets the feeder carry up to 2,000 t/h; what differs is the
Russian route's room, the tank room, upstream storage and the diversion policy's
extra nomination for the batch (10,000 t unless said). Tonnes are
always conserved: produced = Russian route + feeder + into storage + shut in.
"""

from __future__ import annotations

import pytest
import simpy

from sim.model.storage import TankFarm
from sim.model.supply import SupplyNetwork
from sim.scenario.schema import Supply


class FixedRoom:
    """A Russian route that allows a fixed tonnage per batch (stands in for its outages)."""

    def __init__(self, tonnes: float) -> None:
        self.tonnes = tonnes

    def take_available_t(self) -> float:
        return self.tonnes


class FixedDiversion:
    """A diversion policy that allows a fixed extra tonnage per batch (active all along)."""

    enabled = True

    def __init__(self, tonnes: float) -> None:
        self.tonnes = tonnes

    def take_extra_allowance_t(self) -> float:
        return self.tonnes


def network(russian_room_t: float, *, extra_t: float | None = 10_000.0, upstream_t: float = 0.0,
            upstream_capacity_t: float = 2_500.0, tank_room_t: float = 1e6,
            feeder_t_per_hour: float = 2_000.0) -> SupplyNetwork:
    """The hand-worked network; ``extra_t`` is the diversion budget per batch (None: off)."""
    env = simpy.Environment()
    tanks = TankFarm(env, "aktau tanks", capacity_t=1e6, initial_t=1e6 - tank_room_t,
                     full_margin_t=0.0)
    supply = Supply(export_mt_per_year=87.6, transcaspian_nomination_mt_per_year=8.76,
                    upstream_storage_t=upstream_capacity_t)
    policy = None if extra_t is None else FixedDiversion(extra_t)
    net = SupplyNetwork(supply, FixedRoom(russian_room_t),  # type: ignore[arg-type]
                        feeder_t_per_hour * 24, tanks, policy)  # type: ignore[arg-type]
    net.upstream_t = upstream_t
    return net


def routed(net: SupplyNetwork) -> dict[str, float]:
    before = net.upstream_t
    net.step(1.0)
    t = net.totals
    assert t.produced_t == pytest.approx(t.russian_t + t.feeder_t + (net.upstream_t - before)
                                         + t.shut_in_t)
    return {"russian": t.russian_t, "feeder": t.feeder_t, "diverted": t.diverted_t,
            "stored": net.upstream_t, "shut_in": t.shut_in_t}


def test_1_the_russian_route_takes_its_share_and_the_feeder_the_nomination():
    assert routed(network(20_000)) == pytest.approx(
        {"russian": 9_000, "feeder": 1_000, "diverted": 0, "stored": 0, "shut_in": 0})


def test_2_upstream_storage_drains_into_the_russian_routes_spare_room():
    # (without diversion, so the rest of the store stays where it is)
    assert routed(network(9_500, upstream_t=1_000, extra_t=None)) == pytest.approx(
        {"russian": 9_500, "feeder": 1_000, "diverted": 0, "stored": 500, "shut_in": 0})


def test_3_diversion_fills_the_feeders_spare_capacity_with_the_russian_surplus():
    # Russian room 5,000 of 9,000: 4,000 surplus; the feeder has 1,000 t spare.
    assert routed(network(5_000)) == pytest.approx(
        {"russian": 5_000, "feeder": 2_000, "diverted": 1_000, "stored": 2_500,
         "shut_in": 500})


def test_3b_diversion_also_empties_upstream_storage_through_the_feeder():
    # The Russian route has room for its own share only, so there is no surplus; the
    # feeder's 1,000 t of spare capacity empties the 600 t store instead.
    assert routed(network(9_000, upstream_t=600)) == pytest.approx(
        {"russian": 9_000, "feeder": 1_600, "diverted": 600, "stored": 0, "shut_in": 0})


def test_3c_the_policy_caps_what_is_diverted():
    assert routed(network(5_000, extra_t=300)) == pytest.approx(
        {"russian": 5_000, "feeder": 1_300, "diverted": 300, "stored": 2_500,
         "shut_in": 1_200})


def test_3d_without_diversion_the_surplus_goes_to_storage_and_then_is_shut_in():
    assert routed(network(5_000, extra_t=None)) == pytest.approx(
        {"russian": 5_000, "feeder": 1_000, "diverted": 0, "stored": 2_500,
         "shut_in": 1_500})


def test_3e_tank_room_is_shared_in_the_full_flow_proportion():
    # Full flow would be 1,000 nominated + 1,000 diverted; 600 t of room takes 300 + 300
    # (both streams run while the tanks refill). The 700 t of nomination left over
    # cannot go back (the Russian route is full).
    assert routed(network(5_000, tank_room_t=600)) == pytest.approx(
        {"russian": 5_000, "feeder": 600, "diverted": 300, "stored": 2_500, "shut_in": 1_900})


def test_3f_a_full_tank_farm_blocks_the_feeder():
    net = network(20_000, tank_room_t=0)
    assert routed(net) == pytest.approx(
        {"russian": 10_000, "feeder": 0, "diverted": 0, "stored": 0, "shut_in": 0})
    assert net.feeder_short_hours == 1.0


def test_4_nomination_the_feeder_cannot_take_goes_the_historical_way():
    net = network(20_000, feeder_t_per_hour=400)
    assert routed(net) == pytest.approx(
        {"russian": 9_600, "feeder": 400, "diverted": 0, "stored": 0, "shut_in": 0})
    assert net.feeder_short_hours == 1.0


def test_5_what_nothing_can_take_fills_storage_then_is_shut_in():
    assert routed(network(0, extra_t=None, upstream_capacity_t=4_000)) == pytest.approx(
        {"russian": 0, "feeder": 1_000, "diverted": 0, "stored": 4_000, "shut_in": 5_000})


def test_diverted_crude_enters_the_tanks_tagged_as_diverted():
    net = network(5_000)
    net.step(1.0)
    assert (net.aktau_tanks.physical_t, net.aktau_tanks.diverted_t) == (2_000.0, 1_000.0)


def test_measure_reports_only_the_measured_period():
    net = network(20_000)
    net.step(1.0)
    net.reset(1.0)
    net.step(2.0)
    stats = net.measure(3.0)
    assert stats.flows.produced_t == pytest.approx(20_000)
    assert stats.flows.feeder_t == pytest.approx(2_000)
    assert stats.feeder_short_hours == 0.0
