"""The timer service wakes up just after the next due time and fires missed timers at start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from engine import clock
from engine.runtime.timers import TimerService, next_due_at
from tests.conftest import read_diagram
from tests.engine import sample
from tests.engine.sample import start


@pytest.fixture
def waiting_review(orchestrator):
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    case_id = start(orchestrator, "T-1")
    sample.pass_check(orchestrator)
    return case_id


def test_the_next_due_time_is_the_earliest_waiting_timer(orchestrator, waiting_review):
    assert next_due_at(orchestrator.store) == datetime(2030, 1, 1, 9, 0, tzinfo=UTC)


def test_a_sweep_schedules_a_wake_up_just_after_the_next_due_time(orchestrator, waiting_review):
    service = TimerService(orchestrator.store)
    service.scheduler.start(paused=True)
    try:
        service.sweep()
        wake = service.scheduler.get_job("wake").next_run_time
    finally:
        service.stop()

    due = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
    assert due < wake <= due + timedelta(seconds=1)


def test_a_timer_missed_while_down_fires_at_the_first_sweep(orchestrator, waiting_review):
    service = TimerService(orchestrator.store)
    service.scheduler.start(paused=True)
    try:
        with time_machine.travel(datetime(2030, 1, 3, tzinfo=UTC), tick=False):
            service.sweep()
            service.sweep()
    finally:
        service.stop()

    (timer,) = sample.timers(orchestrator, waiting_review)
    assert timer.status == "fired"
    assert clock.as_utc(timer.fired_at) == datetime(2030, 1, 3, tzinfo=UTC)
    assert sample.case(orchestrator, waiting_review).status == "completed"
