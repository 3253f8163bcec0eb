"""Other traffic at Aktau's oil berths (cargoes to Makhachkala and elsewhere).

Calls arrive as a Poisson stream of ``other_traffic_mt_per_year / other_traffic_cargo_t``
per year, queue for the same berths as the Trans-Caspian tankers, respect the
weather and hold a berth for berthing plus pumping. Their crude comes from
their own supply and tankage, outside the Trans-Caspian mass balance: they
compete for berth time only.
"""

from __future__ import annotations

import numpy as np
import simpy

from sim.model.berths import BerthRequest
from sim.model.port import Port
from sim.model.process import ProcessGenerator
from sim.units import HOURS_PER_YEAR, TONNES_PER_MT


class OtherTraffic:
    """Poisson arrivals of other tankers that load at Aktau's oil berths."""

    def __init__(self, env: simpy.Environment, port: Port, mt_per_year: float, cargo_t: float,
                 rng: np.random.Generator) -> None:
        self.env, self.port, self.cargo_t, self.rng = env, port, cargo_t, rng
        self.calls = 0
        calls_per_year = mt_per_year * TONNES_PER_MT / cargo_t
        self.mean_interarrival_hours = HOURS_PER_YEAR / calls_per_year if calls_per_year else 0.0
        if calls_per_year > 0:
            env.process(self._arrivals())

    def reset(self, now: float) -> None:
        """Start the measured period."""
        self.calls = 0

    def measure(self, now: float) -> int:
        """Calls completed since the last reset."""
        return self.calls

    def _arrivals(self) -> ProcessGenerator:
        while True:
            yield self.env.timeout(self.mean_interarrival_hours * self.rng.standard_exponential())
            request = self.port.berths.request()
            request.callbacks.append(self._when_open)

    # A call is a chain of callbacks rather than a process of its own: it has no
    # state worth a generator, and this saves a process start-up event per call.

    def _when_open(self, request: BerthRequest) -> None:
        weather = self.port.weather
        if not weather.is_open:
            weather.reopened().callbacks.append(lambda _: self._when_open(request))
            return
        service = self.env.timeout(self.port.berth_hours(self.cargo_t))
        service.callbacks.append(lambda _: self._leave(request))

    def _leave(self, request: BerthRequest) -> None:
        request.release()
        self.calls += 1
