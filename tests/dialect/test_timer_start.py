"""Timer start events start cases as durable timers: once each across processes, after restarts, in cycles."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from engine import clock
from engine.runtime.timers import fire_due_timers
from store.db import Store
from tests.dialect import drive

FIRST = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)


def _start_timers(orchestrator) -> list:
    return sorted(
        (t for t in drive.rows(orchestrator, drive.Timer) if t.case_id is None), key=lambda t: t.due_at
    )


@time_machine.travel(datetime(2029, 12, 31, 12, 0, tzinfo=UTC), tick=False)
def test_deploying_a_timer_start_event_schedules_its_first_start(orchestrator):
    drive.deploy(orchestrator, "timer_start")

    (timer,) = _start_timers(orchestrator)
    assert (timer.element_id, timer.status, clock.as_utc(timer.due_at)) == ("every_morning", "waiting", FIRST)
    assert drive.rows(orchestrator, drive.Case) == []


def test_a_due_timer_start_starts_one_case_and_schedules_the_next_morning(orchestrator):
    with time_machine.travel(datetime(2029, 12, 31, 12, 0, tzinfo=UTC), tick=False):
        drive.deploy(orchestrator, "timer_start")
    with time_machine.travel(datetime(2030, 1, 1, 9, 0, 1, tzinfo=UTC), tick=False):
        fired = fire_due_timers(orchestrator.store)
        again = fire_due_timers(Store(orchestrator.store.url))  # a second serving process finds nothing

    assert (fired, again) == (1, 0)
    (case_id,) = drive.case_ids(orchestrator, "dialect_timer_start")
    assert drive.topics(orchestrator, case_id) == ["dialect.report"]
    fired_timer, next_timer = _start_timers(orchestrator)
    assert fired_timer.status == "fired"
    assert (next_timer.status, clock.as_utc(next_timer.due_at)) == (
        "waiting",
        datetime(2030, 1, 2, 9, tzinfo=UTC),
    )


def test_a_timer_start_cycle_ends_after_its_repetitions_and_missed_mornings_fire_once(orchestrator):
    with time_machine.travel(datetime(2029, 12, 31, 12, 0, tzinfo=UTC), tick=False):
        drive.deploy(orchestrator, "timer_start")
    for day in (1, 2, 3, 4, 5):
        with time_machine.travel(datetime(2030, 1, day, 9, 0, 1, tzinfo=UTC), tick=False):
            fire_due_timers(Store(orchestrator.store.url))  # each morning, as after a restart

    assert len(drive.case_ids(orchestrator, "dialect_timer_start")) == 3
    assert [t.status for t in _start_timers(orchestrator)] == ["fired", "fired", "fired"]


def test_a_new_version_replaces_the_timer_start_of_the_old_one(orchestrator):
    with time_machine.travel(datetime(2029, 12, 31, 12, 0, tzinfo=UTC), tick=False):
        drive.deploy(orchestrator, "timer_start")
        ((name, content),) = drive.diagram("timer_start").items()
        orchestrator.deploy({name: content.replace(b"T09:00:00Z", b"T10:00:00Z")})

    old, new = sorted(_start_timers(orchestrator), key=lambda t: t.definition_id)
    assert old.status == "cancelled"
    assert (new.status, clock.as_utc(new.due_at)) == ("waiting", datetime(2030, 1, 1, 10, tzinfo=UTC))
