"""A port as the model sees it: berths, tanks, weather and the pumping rate at the berth."""

from __future__ import annotations

from dataclasses import dataclass

from sim.model.berths import BerthGroup, BerthStats
from sim.model.storage import TankFarm, TankStats
from sim.model.weather import WeatherGate


@dataclass
class Port:
    """Aktau (loading) or Baku (discharge): the resources a tanker meets there."""

    name: str
    berths: BerthGroup
    tanks: TankFarm
    weather: WeatherGate
    berthing_hours: float
    pump_rate_t_per_hour: float

    def berth_hours(self, cargo_t: float) -> float:
        """Hours a call of ``cargo_t`` tonnes holds a berth once pumping can start."""
        return self.berthing_hours + cargo_t / self.pump_rate_t_per_hour

    def reset(self, now: float) -> None:
        """Start the measured period for all of the port's resources."""
        self.berths.reset(now)
        self.tanks.reset(now)
        self.weather.reset(now)

    def measure(self, now: float) -> PortStats:
        """Berths, tanks and weather since the last reset."""
        return PortStats(berths=self.berths.measure(now), tanks=self.tanks.measure(now),
                         closed_hours=self.weather.measure(now))


@dataclass(frozen=True)
class PortStats:
    """What a port's resources measured since the last reset."""

    berths: BerthStats
    tanks: TankStats
    closed_hours: float  # hours closed by weather (h)
