"""Validation by consequence: values each in range, but broken in the model's own formulas.

Such a scenario is refused before it runs. The schema checks every field
against its range; these checks look at what the model will compute from
several fields together: a measured period too short to annualise, a berth call
or round trip that takes no time at all (so a ceiling
divides by zero), storms so rare that finding the next one takes billions of
steps, more events per simulated day than a run can process
(:mod:`sim.scenario.budget`), a berth queue that would outgrow memory, or a
run whose total events are beyond any sensible study. Checks on one section
alone (the Beta distribution of a capacity loss) live in that section's
validator. Each check is a small function raising
:class:`~sim.errors.FieldRuleError` that names the field and why; the loader
turns it into a one-line :class:`~sim.errors.ScenarioError`.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.errors import FieldRuleError
from sim.scenario.budget import check_event_budget, check_run_events
from sim.scenario.schema import Scenario
from sim.units import DAYS_PER_YEAR, HOURS_PER_DAY, HOURS_PER_YEAR, TONNES_PER_MT

#: Most other-traffic calls that may be left waiting for an Aktau berth (~1 kB each).
MAX_WAITING_CALLS = 1_000_000
#: Fewest storms a year a port with weather on may have (rarer storms are off in all but
#: cost: the weather process walks ~12 / rate months to find the next one).
MIN_CLOSURES_PER_YEAR = 1e-3
#: Shortest measured period (h): the finest scale the model resolves.
MIN_HORIZON_HOURS = 1.0


def measured_period_is_long_enough(sc: Scenario) -> None:
    """The measured period must last at least :data:`MIN_HORIZON_HOURS`.

    Every figure is per year of the measured period; nothing in the model happens on
    a scale below an hour (berthing, pumping, outages), and a shorter period would
    annualise a single tonne into an arbitrarily large rate.
    """
    hours = sc.run.horizon_days * HOURS_PER_DAY
    if hours < MIN_HORIZON_HOURS:
        raise FieldRuleError("run.horizon_days", sc.run.horizon_days,
                             f"a measured period of {hours:.3g} h is shorter than "
                             f"{MIN_HORIZON_HOURS:g} h, so every per-year figure would "
                             f"annualise next to nothing; use at least "
                             f"{MIN_HORIZON_HOURS / HOURS_PER_DAY:.3g} days")


def berth_calls_take_time(sc: Scenario) -> None:
    """A berth call must take some time, or berth ceilings divide by zero."""
    calls = [("fleet.cargo_t", sc.fleet.cargo_t, "Aktau", sc.aktau.berthing_hours,
              sc.aktau.loading_rate_t_per_hour, "aktau.loading_rate_t_per_hour"),
             ("fleet.cargo_t", sc.fleet.cargo_t, "Baku", sc.baku.berthing_hours,
              sc.baku.unloading_rate_t_per_hour, "baku.unloading_rate_t_per_hour")]
    if sc.aktau.other_traffic_mt_per_year > 0:
        calls.append(("aktau.other_traffic_cargo_t", sc.aktau.other_traffic_cargo_t, "Aktau",
                      sc.aktau.berthing_hours, sc.aktau.loading_rate_t_per_hour,
                      "aktau.loading_rate_t_per_hour"))
    for path, cargo, port, berthing, rate, rate_path in calls:
        if not berthing + cargo / rate > 0:
            raise FieldRuleError(path, cargo, f"a call at the {port} berths would take no time "
                                 f"(the cargo / {rate_path} is {cargo / rate:g} h and berthing "
                                 "takes 0 h), so berth capacity is undefined; use a cargo of "
                                 "at least 1 t or some berthing hours")


def other_traffic_queue_stays_in_memory(sc: Scenario) -> None:
    """Other traffic beyond Aktau's berth time must not queue up more calls than memory holds.

    Its calls arrive whatever the queue (a Poisson stream), so at a berth
    utilisation above 1 the queue grows by the excess every day, each waiting
    call held in memory, while no Trans-Caspian tanker is served.
    """
    aktau = sc.aktau
    calls = aktau.other_traffic_mt_per_year * TONNES_PER_MT / aktau.other_traffic_cargo_t
    call_hours = aktau.berthing_hours + aktau.other_traffic_cargo_t / aktau.loading_rate_t_per_hour
    utilisation = calls * call_hours / (aktau.berths * HOURS_PER_YEAR)
    if utilisation <= 1:
        return
    days = sc.run.warmup_days + sc.run.horizon_days
    waiting = calls * (1 - 1 / utilisation) * days / DAYS_PER_YEAR
    if waiting > MAX_WAITING_CALLS:
        raise FieldRuleError("aktau.other_traffic_mt_per_year", aktau.other_traffic_mt_per_year,
                             f"other traffic alone would need {utilisation:.0%} of the berth "
                             f"time of Aktau's {aktau.berths} berth(s), so ~{waiting:,.0f} "
                             f"calls would be waiting by the end of the run (at most "
                             f"{MAX_WAITING_CALLS:,} fit in memory); use less traffic, more "
                             "berths or a shorter horizon")


def storms_can_be_drawn(sc: Scenario) -> None:
    """Storm closures must be either off (no closed days) or not vanishingly rare.

    The next storm is found by walking the monthly hazard month by month, about
    12 / (closures per year) steps per storm: a few closed seconds a year would
    take billions of steps before the first storm.
    """
    for port, weather in (("aktau", sc.aktau.weather), ("baku", sc.baku.weather)):
        per_year = sum(weather.closure_days_per_month) / weather.mean_closure_days
        if weather.enabled and 0 < per_year < MIN_CLOSURES_PER_YEAR:
            raise FieldRuleError(f"{port}.weather.closure_days_per_month",
                                 weather.closure_days_per_month,
                                 f"only {per_year:.3g} storms a year (closures of "
                                 f"{weather.mean_closure_days:.3g} days on average): drawing "
                                 f"each would take ~{12 / per_year:.1e} steps; use 0 closed "
                                 f"days (or enabled = false) for no storms, or enough for at "
                                 f"least {MIN_CLOSURES_PER_YEAR:g} storms a year")


def round_trip_takes_time(sc: Scenario) -> None:
    """A tanker's round trip must take some time, or the fleet ceiling divides by zero."""
    from sim.model.chain import nominal_cycle_hours  # the model's own cycle (lazy: heavy)

    if not nominal_cycle_hours(sc) > 0:
        raise FieldRuleError("fleet.crossing_distance_nm", sc.fleet.crossing_distance_nm,
                             "a round trip would take no time (sailing, berthing and pumping "
                             "all round to 0 h), so the fleet's capacity is undefined")


def events_per_day_within_budget(sc: Scenario) -> None:
    """The expected events per simulated day must fit the budget (:mod:`.budget`)."""
    check_event_budget(sc)


def run_within_event_limit(sc: Scenario) -> None:
    """The run's replications x days x events per day must fit the limit of one run."""
    problem = check_run_events(sc, sc.run.replications,
                               f"{sc.run.replications:,} replications x "
                               f"{sc.run.warmup_days + sc.run.horizon_days:g} days")
    if problem is not None:
        raise FieldRuleError("run.replications", sc.run.replications, problem)


#: Every check, in the order they are tried (cheap and specific first).
CHECKS: tuple[Callable[[Scenario], None], ...] = (
    measured_period_is_long_enough, berth_calls_take_time, round_trip_takes_time,
    storms_can_be_drawn, events_per_day_within_budget, other_traffic_queue_stays_in_memory,
    run_within_event_limit,
)


def check_consequences(sc: Scenario) -> None:
    """Run every check; the first that fails raises FieldRuleError."""
    for check in CHECKS:
        check(sc)
