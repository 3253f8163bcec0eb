"""The supply network's routing order, branch by branch, on hand-worked rates.

Every case offers 10,000 t/h (87.6 Mt/yr), nominates 1,000 t/h of it to Aktau
(8.76 Mt/yr) and lets the feeder carry up to 2,000 t/h; what differs is the
Russian route's capacity, whether the Aktau tanks are full, the state of upstream
storage and the diversion policy's extra nomination (10,000 t/h unless said).
Rates always add up: offer = Russian route + feeder + into storage - out of
storage + shut in.
"""

from __future__ import annotations

import math

import pytest

from sim.model.supply import SupplyNetwork, SupplyRates, route
from sim.scenario.schema import Supply


def split(russian_capacity: float, *, extra: float = 10_000.0, feeder_open: bool = True,
          stored: bool = False, store_full: bool = False, feeder: float = 2_000.0
          ) -> dict[str, float]:
    """The hand-worked split (t/h), with the conservation of every tonne checked."""
    rates = route(10_000.0, 1_000.0, russian_capacity, feeder, extra, feeder_open,
                  store_has_crude=stored, store_has_room=not store_full)
    assert rates.produced == pytest.approx(rates.russian + rates.feeder + rates.store_net
                                           + rates.shut_in)
    return {"russian": rates.russian, "feeder": rates.feeder, "diverted": rates.diverted,
            "store_net": rates.store_net, "shut_in": rates.shut_in}


def test_1_the_russian_route_takes_its_share_and_the_feeder_the_nomination():
    assert split(20_000) == pytest.approx(
        {"russian": 9_000, "feeder": 1_000, "diverted": 0, "store_net": 0, "shut_in": 0})


def test_2_upstream_storage_drains_into_the_russian_routes_spare_room():
    assert split(9_500, stored=True, extra=0) == pytest.approx(
        {"russian": 9_500, "feeder": 1_000, "diverted": 0, "store_net": -500, "shut_in": 0})


def test_3_diversion_fills_the_feeders_spare_capacity_with_the_russian_surplus():
    # Russian capacity 5,000 of 9,000: 4,000 surplus; the feeder has 1,000 spare.
    assert split(5_000) == pytest.approx(
        {"russian": 5_000, "feeder": 2_000, "diverted": 1_000, "store_net": 3_000,
         "shut_in": 0})


def test_3b_diversion_also_empties_upstream_storage_through_the_feeder():
    # The Russian route has room for its own share only, so there is no surplus; the
    # feeder's 1,000 t/h of spare capacity drains the store instead.
    assert split(9_000, stored=True) == pytest.approx(
        {"russian": 9_000, "feeder": 2_000, "diverted": 1_000, "store_net": -1_000,
         "shut_in": 0})


def test_3c_the_policy_caps_what_is_diverted():
    assert split(5_000, extra=300) == pytest.approx(
        {"russian": 5_000, "feeder": 1_300, "diverted": 300, "store_net": 3_700, "shut_in": 0})


def test_3d_without_diversion_the_surplus_goes_to_storage_and_then_is_shut_in():
    assert split(5_000, extra=0) == pytest.approx(
        {"russian": 5_000, "feeder": 1_000, "diverted": 0, "store_net": 4_000, "shut_in": 0})
    assert split(5_000, extra=0, stored=True, store_full=True) == pytest.approx(
        {"russian": 5_000, "feeder": 1_000, "diverted": 0, "store_net": 0, "shut_in": 4_000})


def test_3e_a_full_tank_farm_blocks_the_feeder_and_the_nomination_goes_back_to_russia():
    assert split(20_000, feeder_open=False) == pytest.approx(
        {"russian": 10_000, "feeder": 0, "diverted": 0, "store_net": 0, "shut_in": 0})


def test_4_nomination_the_feeder_cannot_take_goes_the_historical_way():
    assert split(20_000, feeder=400) == pytest.approx(
        {"russian": 9_600, "feeder": 400, "diverted": 0, "store_net": 0, "shut_in": 0})


def test_5_what_nothing_can_take_fills_storage_then_is_shut_in():
    assert split(0, extra=0) == pytest.approx(
        {"russian": 0, "feeder": 1_000, "diverted": 0, "store_net": 9_000, "shut_in": 0})
    assert split(0, extra=0, stored=True, store_full=True) == pytest.approx(
        {"russian": 0, "feeder": 1_000, "diverted": 0, "store_net": 0, "shut_in": 9_000})


def test_full_storage_still_passes_crude_on_while_it_drains():
    # Stored crude drains into the Russian route's spare room (500 t/h) while the
    # nomination the full tanks refuse (1,000 t/h) refills it: a full store takes only
    # what it passes on, and the rest is shut in.
    rates = route(10_000.0, 1_000.0, 9_500.0, 2_000.0, 0.0, False, True, False)
    assert (rates.store_to_russian, rates.to_store, rates.shut_in) == (500.0, 500.0, 500.0)


def network(upstream_capacity_t: float = 2_500.0) -> SupplyNetwork:
    supply = Supply(export_mt_per_year=87.6, transcaspian_nomination_mt_per_year=8.76,
                    upstream_storage_t=upstream_capacity_t)
    return SupplyNetwork(supply, feeder_capacity_t_per_day=2_000.0 * 24)


def test_the_network_integrates_the_rates_exactly_and_fills_storage_up_to_its_capacity():
    net = network()
    rates = net.rates(5_000.0, 0.0, feeder_open=True)
    assert net.hours_to_threshold(rates) == pytest.approx(2_500 / 4_000)
    net.advance(0.625, rates)
    assert net.upstream_t == pytest.approx(2_500.0)
    full = net.rates(5_000.0, 0.0, feeder_open=True)
    assert full.shut_in == pytest.approx(4_000.0)
    assert net.hours_to_threshold(full) == math.inf
    net.advance(2.0, full)
    t = net.totals
    assert (t.produced_t, t.russian_t, t.feeder_t, t.shut_in_t) == pytest.approx(
        (26_250.0, 13_125.0, 2_625.0, 8_000.0))


def test_the_feeder_counts_the_hours_it_could_not_take_the_whole_nomination():
    net = network()
    net.advance(3.0, net.rates(20_000.0, 0.0, feeder_open=False))
    net.advance(1.0, net.rates(20_000.0, 0.0, feeder_open=True))
    assert net.feeder_short_hours == 3.0


def test_measure_reports_only_the_measured_period():
    net = network()
    rates: SupplyRates = net.rates(20_000.0, 0.0, feeder_open=True)
    net.advance(1.0, rates)
    net.reset(1.0)
    net.advance(2.0, rates)
    stats = net.measure(3.0)
    assert stats.flows.produced_t == pytest.approx(20_000)
    assert stats.flows.feeder_t == pytest.approx(2_000)
    assert stats.feeder_short_hours == 0.0
