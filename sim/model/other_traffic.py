"""Other crude at a port's berths: cargoes to Makhachkala at Aktau, third-party crude at Baku.

Calls arrive as a Poisson stream of ``mt_per_year / cargo_t`` a year. At a port
with a shared oil capacity (Aktau) a call first draws its cargo from the port's
reserve; then it queues for the same berths as the Trans-Caspian tankers (at
the port's third-party priority), respects the weather and holds a berth for
berthing plus pumping. Its crude comes from its own supply and tankage, outside
the Trans-Caspian mass balance: it competes for the port's capacity only.
"""

from __future__ import annotations

import numpy as np
import simpy

from sim.model.berths import BerthRequest
from sim.model.port import Port
from sim.model.process import ProcessGenerator
from sim.units import HOURS_PER_YEAR, TONNES_PER_MT

#: Inter-arrival gaps drawn from the stream at a time.
GAPS_PER_DRAW = 64


class OtherTraffic:
    """Poisson arrivals of other tankers calling at one port's berths."""

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
            # Gaps drawn in blocks: the same numbers, in the same order, as one draw per
            # call (this stream draws nothing else), at a fraction of the cost.
            gaps = self.rng.standard_exponential(GAPS_PER_DRAW) * self.mean_interarrival_hours
            for gap_hours in gaps.tolist():
                yield self.env.timeout(gap_hours)
                self._arrive()

    def _arrive(self) -> None:
        """A call arrives: it draws its cargo from the port's reserve, then asks for a berth."""
        if self.port.throughput is None:
            self._ask_for_berth()
        else:
            taken = self.port.throughput.take(self.cargo_t)
            if taken.processed:  # the reserve held the cargo
                self._ask_for_berth()
            else:
                taken.callbacks.append(self._ask_for_berth)

    # A call is a chain of callbacks rather than a process of its own: it has no
    # state worth a generator, and this saves a process start-up event per call.

    def _ask_for_berth(self, _: object = None) -> None:
        request = self.port.berths.request(self.port.third_party_priority)
        if request.processed:  # granted on the spot
            self._when_open(request)
        else:
            request.callbacks.append(self._when_open)

    def _when_open(self, request: simpy.Event) -> None:
        assert isinstance(request, BerthRequest)
        weather = self.port.weather
        if not weather.is_open:
            weather.reopened().callbacks.append(lambda _: self._when_open(request))
            return
        service = self.env.timeout(self.port.berth_hours(self.cargo_t))
        service.callbacks.append(lambda _: self._leave(request))

    def _leave(self, request: BerthRequest) -> None:
        request.release()
        self.calls += 1
