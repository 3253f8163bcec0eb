"""A minimal hand-written SimPy tanker shuttle: the yardstick the model is measured against.

Written the obvious way, with clock-tick processes: an hourly producer fills the
Aktau tank, a daily consumer drains the Baku tank into BTC, and a daily check
flips a disruption flag. Tankers load, sail, unload and return, with one berth
resource on each side. It has none of the model's detail (no weather, no other
traffic, no statistics, no mass balance); it only sets the pace a naive model runs at.
"""

from __future__ import annotations

import numpy as np
import simpy


def run_shuttle(tankers: int, cargo_t: float, years: float, seed: int,
                berths_each_side: int = 2, env: simpy.Environment | None = None) -> float:
    """Simulate ``years`` of the shuttle; return tonnes delivered into BTC."""
    env = simpy.Environment() if env is None else env
    rng = np.random.default_rng(seed)
    aktau = simpy.Container(env, capacity=150_000, init=75_000)
    baku = simpy.Container(env, capacity=100_000, init=20_000)
    aktau_berths = simpy.Resource(env, capacity=berths_each_side)
    baku_berths = simpy.Resource(env, capacity=berths_each_side)
    state = {"disrupted": False, "delivered": 0.0}

    def producer():
        while True:
            yield env.timeout(1.0)
            room = aktau.capacity - aktau.level
            amount = min(6.5e6 / 8760.0, room)
            if amount > 0:
                yield aktau.put(amount)

    def consumer():
        while True:
            yield env.timeout(24.0)
            amount = min(6.5e6 / 365.0, baku.level)
            if amount > 0 and not state["disrupted"]:
                yield baku.get(amount)
                state["delivered"] += amount

    def disruption_check():
        while True:
            yield env.timeout(24.0)
            state["disrupted"] = rng.random() < 0.05

    def tanker():
        while True:
            with aktau_berths.request() as berth:
                yield berth
                yield aktau.get(cargo_t)
                yield env.timeout(4 + cargo_t / 450.0)
            yield env.timeout(265 / 10.0)
            with baku_berths.request() as berth:
                yield berth
                yield baku.put(cargo_t)
                yield env.timeout(4 + cargo_t / 700.0)
            yield env.timeout(265 / 10.0)

    env.process(producer())
    env.process(consumer())
    env.process(disruption_check())
    for _ in range(tankers):
        env.process(tanker())
    env.run(until=years * 8760.0)
    return state["delivered"]
