"""Assembly of the export chain and one replication of it.

:func:`run_replication` builds a fresh SimPy environment from a scenario, runs
warm-up plus horizon, checks the invariants (mass balance to the tonne, tank
bounds) and returns a :class:`~sim.results.ReplicationResult`. It owns its
environment and random streams, so replications are independent and can run in
any process in any order.
"""

from __future__ import annotations

from enum import IntEnum

import simpy

from sim.berths import BerthGroup
from sim.btc import BtcIntake
from sim.disruption import DisruptedCapacity
from sim.errors import SimulationInvariantError
from sim.other_traffic import OtherTraffic
from sim.pipeline import FlowTotals, SupplyNetwork
from sim.port import Port
from sim.results import TARGET_HIGH_MT_PER_YEAR, TARGET_LOW_MT_PER_YEAR, ReplicationResult
from sim.rng import Source, stream
from sim.scenario import (
    DAYS_PER_YEAR,
    HOURS_PER_DAY,
    HOURS_PER_YEAR,
    TONNES_PER_MT,
    Scenario,
)
from sim.storage import TankFarm
from sim.tanker import Tanker, TankerState, sailing_hours
from sim.weather import WeatherGate

#: The mass balance must close to within this many tonnes in every replication.
MASS_BALANCE_TOLERANCE_T = 1.0


class ExportChain:
    """Every resource of one replication, wired together on one SimPy environment."""

    def __init__(self, scenario: Scenario, replication: int, seed: int,
                 env: simpy.Environment | None = None) -> None:
        self.scenario = sc = scenario
        self.replication, self.seed = replication, seed
        self.env = env = simpy.Environment() if env is None else env

        def rng(source: Source, index: int = 0):  # noqa: ANN202
            return stream(seed, replication, source, index)

        self.aktau = Port("aktau", BerthGroup(env, "aktau berths", sc.aktau.berths),
                          TankFarm(env, "aktau tanks", sc.aktau.storage_t,
                                   sc.aktau.initial_level_fraction * sc.aktau.storage_t,
                                   sc.fleet.cargo_t),
                          WeatherGate(env, sc.aktau.weather, rng(Source.WEATHER_AKTAU)),
                          sc.aktau.berthing_hours, sc.aktau.loading_rate_t_per_hour)
        self.baku = Port("baku", BerthGroup(env, "baku berths", sc.baku.berths),
                         TankFarm(env, "baku tanks", sc.baku.storage_t,
                                  sc.baku.initial_level_fraction * sc.baku.storage_t,
                                  sc.fleet.cargo_t),
                         WeatherGate(env, sc.baku.weather, rng(Source.WEATHER_BAKU)),
                         sc.baku.berthing_hours, sc.baku.unloading_rate_t_per_hour)
        self.initial_inventory_t = self.aktau.tanks.physical_t + self.baku.tanks.physical_t

        route = sc.russian_route
        self.russian = DisruptedCapacity(
            env, route.capacity_mt_per_year * TONNES_PER_MT / HOURS_PER_YEAR,
            [(route.disruption, rng(Source.RUSSIAN_MAJOR)),
             (route.minor_halts, rng(Source.RUSSIAN_MINOR))])
        self.supply = SupplyNetwork(sc.supply, self.russian, sc.aktau.feeder_capacity_t_per_day,
                                    self.aktau.tanks)
        allowance_t_per_hour = sc.btc.allowance_mt_per_year * TONNES_PER_MT / HOURS_PER_YEAR
        self.btc = BtcIntake(
            DisruptedCapacity(env, sc.btc.max_intake_t_per_day / HOURS_PER_DAY,
                              [(sc.btc.disruption, rng(Source.BTC_OUTAGE))]),
            allowance_t_per_hour,
            allowance_t_per_hour * sc.btc.allowance_carryover_days * HOURS_PER_DAY,
            self.baku.tanks, opening_stock_t=self.baku.tanks.physical_t)
        self.other_traffic = OtherTraffic(env, self.aktau, sc.aktau.other_traffic_mt_per_year,
                                          sc.aktau.other_traffic_cargo_t,
                                          rng(Source.OTHER_TRAFFIC))

        n = sc.fleet.tankers
        stagger = nominal_cycle_hours(sc) / n if n else 0.0
        self.tankers = [Tanker(env, i, sc.fleet, self.aktau, self.baku, rng(Source.TANKER, i),
                               start_delay_hours=i * stagger) for i in range(n)]

        self.warmup_hours = sc.run.warmup_days * HOURS_PER_DAY
        self.end_hours = self.warmup_hours + sc.run.horizon_days * HOURS_PER_DAY
        self._last_batch = 0.0
        self.flows_at_warmup = FlowTotals()
        self.transcaspian_at_warmup_t = 0.0
        self.injected_at_warmup_t = 0.0
        env.process(self._batches(sc.run.batch_interval_hours))
        if self.warmup_hours > 0:
            env.process(self._warmup())

    # --- processes -----------------------------------------------------------------------

    def _batches(self, interval_hours: float):  # noqa: ANN202 - SimPy generator
        while True:
            yield self.env.timeout(interval_hours)
            self._flow_batch()

    def _flow_batch(self) -> None:
        """Move pipeline crude for the time since the previous batch."""
        now = self.env.now
        self.supply.step(now - self._last_batch)
        self.btc.step(now - self._last_batch)
        self._last_batch = now

    def _warmup(self):  # noqa: ANN202 - SimPy generator
        yield self.env.timeout(self.warmup_hours)
        self._start_measuring()

    def _start_measuring(self) -> None:
        now = self.env.now
        self._flow_batch()
        self.flows_at_warmup = FlowTotals(*self.supply.totals.astuple())
        self.transcaspian_at_warmup_t = self.btc.transcaspian_t
        self.injected_at_warmup_t = self.btc.injected_t
        self.supply.reset()
        for outage in (*self.russian.outages, *self.btc.intake.outages):
            outage.reset(now)
        self.aktau.reset(now)
        self.baku.reset(now)
        self.other_traffic.reset(now)
        for tanker in self.tankers:
            tanker.reset(now)

    # --- running -------------------------------------------------------------------------

    def run(self) -> None:
        """Run warm-up and horizon, then bring the pipeline flows up to the end time."""
        if self.warmup_hours == 0:
            self._start_measuring()
        self.env.run(until=self.end_hours)
        self._flow_batch()

    def mass_balance_error_t(self) -> float:
        """Produced + initial stock minus every place crude can be (t); 0 when nothing is lost."""
        totals = self.supply.totals
        accounted = (totals.russian_t + self.btc.injected_t + totals.shut_in_t
                     + self.supply.upstream_t + self.aktau.tanks.physical_t
                     + self.baku.tanks.physical_t + sum(t.on_board_t for t in self.tankers))
        return totals.produced_t + self.initial_inventory_t - accounted

    def check_invariants(self) -> float:
        """Raise SimulationInvariantError if crude was lost or a tank left its bounds."""
        self.aktau.tanks.check_bounds()
        self.baku.tanks.check_bounds()
        for tanker in self.tankers:
            if not 0 <= tanker.on_board_t <= tanker.cargo_t:
                raise SimulationInvariantError(f"tanker {tanker.index} carries "
                                               f"{tanker.on_board_t} t of a {tanker.cargo_t} t "
                                               "cargo")
        if not 0 <= self.supply.upstream_t <= self.supply.upstream_capacity_t + 1e-6:
            raise SimulationInvariantError("upstream storage outside its bounds")
        error = self.mass_balance_error_t()
        if abs(error) > MASS_BALANCE_TOLERANCE_T:
            raise SimulationInvariantError(f"mass balance off by {error:.3f} t")
        return error


def nominal_cycle_hours(scenario: Scenario) -> float:
    """Round trip of one tanker without any waiting (h)."""
    cargo = scenario.fleet.cargo_t
    return (2 * sailing_hours(scenario.fleet)
            + scenario.aktau.berthing_hours + cargo / scenario.aktau.loading_rate_t_per_hour
            + scenario.baku.berthing_hours + cargo / scenario.baku.unloading_rate_t_per_hour)


def run_replication(scenario: Scenario, replication: int, seed: int | None = None
                    ) -> ReplicationResult:
    """Simulate one replication and return its measured results."""
    seed = scenario.run.seed if seed is None else seed
    chain = ExportChain(scenario, replication, seed)
    chain.run()
    try:
        error = chain.check_invariants()
    except SimulationInvariantError as exc:
        raise SimulationInvariantError(f"replication {replication} (seed {seed}): {exc}") from exc
    return _measure(chain, replication, seed, error)


def _measure(chain: ExportChain, replication: int, seed: int, error: float
             ) -> ReplicationResult:
    now = chain.env.now
    hours = now - chain.warmup_hours
    years = hours / HOURS_PER_YEAR
    per_year_days = DAYS_PER_YEAR / (hours / HOURS_PER_DAY)

    def mt_per_year(tonnes: float) -> float:
        return tonnes / TONNES_PER_MT / years

    flows = chain.supply.totals.minus(chain.flows_at_warmup)
    injected = chain.btc.injected_t - chain.injected_at_warmup_t
    allowed = chain.btc.allowance_t_per_hour * hours
    transcaspian = mt_per_year(chain.btc.transcaspian_t - chain.transcaspian_at_warmup_t)

    major, minor = chain.russian.outages
    (btc_outage,) = chain.btc.intake.outages

    shares: dict[IntEnum, float] = dict.fromkeys(TankerState, 0.0)
    for tanker in chain.tankers:
        for state, h in tanker.clock.close(now).items():
            shares[state] += h
    fleet_hours = sum(shares.values()) or 1.0

    def port_figures(port: Port) -> dict[str, float]:
        tanks = port.tanks
        return {"occupancy": port.berths.occupancy(now),
                "wait": port.berths.waits.mean(),
                "queue": port.berths.mean_queue_length(now),
                "tank_mean": tanks.level.mean(now), "tank_max": tanks.level.maximum(),
                "tank_full": tanks.level.hours_full(now) / HOURS_PER_DAY * per_year_days,
                "closed": port.weather.closed_hours(now) / HOURS_PER_DAY * per_year_days}

    ak, bk = port_figures(chain.aktau), port_figures(chain.baku)

    def days(hours_value: float) -> float:
        return hours_value / HOURS_PER_DAY * per_year_days

    return ReplicationResult(
        replication=replication, seed=seed,
        transcaspian_mt_per_year=transcaspian,
        russian_route_mt_per_year=mt_per_year(flows.russian_t),
        diverted_mt_per_year=mt_per_year(flows.diverted_t),
        shut_in_mt_per_year=mt_per_year(flows.shut_in_t),
        produced_mt_per_year=mt_per_year(flows.produced_t),
        aktau_intake_mt_per_year=mt_per_year(flows.feeder_t),
        target_share_6_0=min(1.0, transcaspian / TARGET_LOW_MT_PER_YEAR),
        target_share_6_5=min(1.0, transcaspian / TARGET_HIGH_MT_PER_YEAR),
        reach_6_0=float(transcaspian >= TARGET_LOW_MT_PER_YEAR),
        reach_6_5=float(transcaspian >= TARGET_HIGH_MT_PER_YEAR),
        russian_disrupted_days=days(major.disrupted_hours(now)),
        russian_disruptions=major.onsets / years,
        russian_minor_halt_days=days(minor.disrupted_hours(now)),
        btc_disrupted_days=days(btc_outage.disrupted_hours(now)),
        btc_allowance_use=injected / allowed if allowed > 0 else 0.0,
        aktau_berth_occupancy=ak["occupancy"], aktau_mean_wait_hours=ak["wait"],
        aktau_mean_queue=ak["queue"], aktau_tank_mean_t=ak["tank_mean"],
        aktau_tank_max_t=ak["tank_max"], aktau_tank_days_full=ak["tank_full"],
        aktau_weather_closed_days=ak["closed"],
        aktau_feeder_short_days=days(chain.supply.feeder_short_hours),
        other_traffic_calls=chain.other_traffic.calls / years,
        baku_berth_occupancy=bk["occupancy"], baku_mean_wait_hours=bk["wait"],
        baku_mean_queue=bk["queue"], baku_tank_mean_t=bk["tank_mean"],
        baku_tank_max_t=bk["tank_max"], baku_tank_days_full=bk["tank_full"],
        baku_weather_closed_days=bk["closed"],
        voyages_per_year=sum(t.voyages for t in chain.tankers) / years,
        **{f"share_{state.label}": shares[state] / fleet_hours for state in TankerState},
        upstream_storage_end_t=chain.supply.upstream_t,
        mass_balance_error_t=error,
    )
