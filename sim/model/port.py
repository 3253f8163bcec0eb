"""A port as the model sees it: berths, tanks, weather, pumping, and what the port shares."""

from __future__ import annotations

from dataclasses import dataclass

from sim.model.berths import SHIP_PRIORITY, BerthGroup, BerthStats
from sim.model.storage import TankFarm, TankStats
from sim.model.throughput import PortThroughput
from sim.model.weather import WeatherGate


@dataclass
class Port:
    """Aktau (loading) or Baku (discharge): the resources a tanker meets there.

    ``throughput`` is the port's shared oil-handling capacity, if it has one
    (Aktau); ``kazakh_priority`` and ``third_party_priority`` order the berth
    queue (equal: first come, first served).
    """

    name: str
    berths: BerthGroup
    tanks: TankFarm
    weather: WeatherGate
    berthing_hours: float
    pump_rate_t_per_hour: float
    throughput: PortThroughput | None = None
    kazakh_priority: int = SHIP_PRIORITY
    third_party_priority: int = SHIP_PRIORITY

    def berth_hours(self, cargo_t: float) -> float:
        """Hours a call of ``cargo_t`` tonnes holds a berth once pumping can start."""
        return self.berthing_hours + cargo_t / self.pump_rate_t_per_hour

    def reset(self, now: float) -> None:
        """Start the measured period for all of the port's resources."""
        self.berths.reset(now)
        self.tanks.reset(now)
        self.weather.reset(now)
        if self.throughput is not None:
            self.throughput.reset(now)

    def measure(self, now: float) -> PortStats:
        """Berths, tanks, weather and tonnes loaded since the last reset."""
        loaded = self.throughput.measure(now).loaded_t if self.throughput is not None else 0.0
        return PortStats(berths=self.berths.measure(now), tanks=self.tanks.measure(now),
                         closed_hours=self.weather.measure(now), loaded_t=loaded)


@dataclass(frozen=True)
class PortStats:
    """What a port's resources measured since the last reset."""

    berths: BerthStats
    tanks: TankStats
    closed_hours: float  # hours closed by weather (h)
    loaded_t: float  # tonnes loaded against the port's oil capacity (t; 0 without one)
