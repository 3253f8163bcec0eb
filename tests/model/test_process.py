"""An event marked done lets a process continue at once, without a trip through the queue."""

from __future__ import annotations

import simpy

from sim.model.process import mark_done


def test_a_process_that_yields_a_done_event_continues_in_the_same_step_with_its_value():
    env = simpy.Environment()
    seen = []

    def process():
        value = yield mark_done(env.event(), "cargo")
        seen.append((env.now, value))
        yield env.timeout(1.0)
        seen.append((env.now, "after"))

    env.process(process())
    env.step()  # the process starts and runs through the done event in one step
    assert seen == [(0.0, "cargo")]
    env.run()
    assert seen == [(0.0, "cargo"), (1.0, "after")]


def test_a_done_event_is_processed_and_never_scheduled():
    env = simpy.Environment()
    event = mark_done(env.event(), 3)
    assert event.processed
    assert event.value == 3
    assert env.peek() == float("inf")
