"""The tanker fleet in the scenario."""

from __future__ import annotations

from sim.scenario.base import F, Section


class Fleet(Section):
    """Tankers dedicated to the Aktau-Baku crude shuttle."""

    tankers: int = F(6, "Number of tankers.", "sources §3.1: 3 x 12,400 + 2 x 8,000 dwt "
                     "+ 1 chartered.", ge=0, le=500)
    cargo_t: float = F(8_400.0, "Cargo per voyage (t).", "sources §3.1, §3.3: 0.8 x dwt, "
                       "fleet-weighted mean of the default fleet.", gt=0, le=200_000)
    speed_knots: float = F(10.0, "Service speed, laden and ballast (kn).",
                           "sources §3.4: 10 kn.", gt=0, le=30)
    crossing_distance_nm: float = F(265.0, "Aktau to the Sangachal discharge berth (nm).",
                                    "sources §3.4: 254 nm Baku-Aktau + ~10 nm (ESTIMATE).",
                                    gt=0, le=2_000)
    sea_margin_fraction: float = F(0.05, "Extra sailing time for sea state and pilotage, as a "
                                   "share of the still-water time.", "sources §7.7 (ESTIMATE).",
                                   ge=0, le=2)
    maintenance_days_per_year: float = F(10.0, "Days per year each tanker is out of service "
                                         "for maintenance (one block per year).",
                                         "sources §7.7 (ESTIMATE).", ge=0, le=180)
