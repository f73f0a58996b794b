"""Timers keep firing: busy databases, changed cases and a failing timer never end a sweep."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy.exc import OperationalError

from engine import clock
from engine.people import assignment
from engine.runtime import commands, timers
from engine.runtime.timers import RETRY_SOON, TimerService, sweep_due_timers
from tests.conftest import read_diagram
from tests.engine import sample
from tests.engine.sample import start

AFTER_REVIEW_DUE = datetime(2030, 1, 3, tzinfo=UTC)
CASES = 24


@pytest.fixture
def waiting_reviews(orchestrator) -> list[str]:
    """Cases waiting in their review, each with its review timer (due 2030-01-01 09:00)."""
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    case_ids = [start(orchestrator, f"S-{n}") for n in range(CASES)]
    sample.pass_check(orchestrator)
    return case_ids


def fired_per_case(orchestrator) -> Counter:
    return Counter(e.case_id for e in sample.rows(orchestrator, sample.HistoryEvent, kind="timer_fired"))


def test_a_sweep_racing_concurrent_writers_fires_every_due_timer_once(orchestrator, waiting_reviews):
    store = orchestrator.store
    reviews = [sample.open_review(orchestrator, case_id).id for case_id in waiting_reviews]
    stop = threading.Event()
    writes = Counter()

    def write_to_the_same_cases(officer: str) -> None:
        while not stop.is_set():
            for task_id in reviews:
                try:
                    with store.unit_of_work() as session:
                        assignment.claim(session, task_id, officer)
                    with store.unit_of_work() as session:
                        assignment.unclaim(session, task_id, officer)
                    writes[officer] += 1
                except Exception:  # the timer fired first, or the other writer holds the claim
                    writes["refused"] += 1

    with time_machine.travel(AFTER_REVIEW_DUE, tick=False):
        writers = [threading.Thread(target=write_to_the_same_cases, args=(name,)) for name in ("a", "b")]
        for writer in writers:
            writer.start()
        try:
            sweep = sweep_due_timers(store)
        finally:
            stop.set()
            for writer in writers:
                writer.join(timeout=60)

    assert (sweep.fired, sweep.left) == (CASES, set())
    assert writes["a"] + writes["b"] > 0, "the writers never wrote while the sweep ran"
    assert fired_per_case(orchestrator) == Counter({case_id: 1 for case_id in waiting_reviews})
    assert {t.status for t in sample.rows(orchestrator, sample.Timer)} == {"fired"}


def test_one_failing_timer_is_left_and_every_other_due_timer_still_fires(
    orchestrator, waiting_reviews, monkeypatch
):
    broken_case = waiting_reviews[3]
    fire = commands.fire_timer

    def fire_unless_broken(session, timer, actor):
        if timer.case_id == broken_case:
            raise RuntimeError("the serializer choked")
        fire(session, timer, actor)

    monkeypatch.setattr(commands, "fire_timer", fire_unless_broken)
    with time_machine.travel(AFTER_REVIEW_DUE, tick=False):
        sweep = sweep_due_timers(orchestrator.store, pause=lambda seconds: None)

    (broken_timer,) = sample.timers(orchestrator, broken_case)
    assert (sweep.fired, sweep.left) == (CASES - 1, {broken_timer.id})
    assert broken_timer.status == "waiting"  # nothing of the failed try was kept: the next sweep retries it
    assert sum(fired_per_case(orchestrator).values()) == CASES - 1


def test_a_busy_database_is_tried_again_after_a_short_growing_pause(
    orchestrator, waiting_reviews, monkeypatch
):
    busy = Counter()
    fire = commands.fire_timer

    def busy_twice(session, timer, actor):
        if busy[timer.id] < 2:
            busy[timer.id] += 1
            raise OperationalError("UPDATE cases ...", {}, Exception("database is locked"))
        fire(session, timer, actor)

    monkeypatch.setattr(commands, "fire_timer", busy_twice)
    pauses: list[float] = []
    with time_machine.travel(AFTER_REVIEW_DUE, tick=False):
        sweep = sweep_due_timers(orchestrator.store, pause=pauses.append)

    assert (sweep.fired, sweep.left) == (CASES, set())
    assert pauses[:2] == [timers.FIRST_PAUSE, timers.FIRST_PAUSE * 2]
    assert fired_per_case(orchestrator) == Counter({case_id: 1 for case_id in waiting_reviews})


@pytest.fixture
def service(orchestrator):
    service = TimerService(orchestrator.store)
    service.scheduler.start(paused=True)
    yield service
    service.stop()


def test_a_sweep_that_fails_outright_still_sets_a_wake_up_soon(service, monkeypatch):
    def broken(*arguments, **options):
        raise OperationalError("SELECT ...", {}, Exception("database is locked"))

    monkeypatch.setattr(timers, "sweep_due_timers", broken)
    with time_machine.travel(AFTER_REVIEW_DUE, tick=False):
        service.sweep()
        wake = service.scheduler.get_job("wake").next_run_time

    assert AFTER_REVIEW_DUE < wake <= AFTER_REVIEW_DUE + RETRY_SOON + timedelta(seconds=1)


def test_a_sweep_that_left_a_timer_comes_back_soon_then_less_often(
    orchestrator, waiting_reviews, service, monkeypatch
):
    def always_broken(session, timer, actor):
        raise RuntimeError("the serializer choked")

    monkeypatch.setattr(commands, "fire_timer", always_broken)
    monkeypatch.setattr(timers, "FIRST_PAUSE", 0.0)
    waits = []
    with time_machine.travel(AFTER_REVIEW_DUE, tick=False):
        for _ in range(3):
            service.sweep()
            waits.append(service.scheduler.get_job("wake").next_run_time - AFTER_REVIEW_DUE)

    ms = timedelta(milliseconds=5)
    assert waits == [RETRY_SOON + ms, RETRY_SOON * 2 + ms, RETRY_SOON * 4 + ms]


def test_a_timer_armed_after_the_sweep_moves_the_wake_up_earlier(orchestrator, service):
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    service.sweep()  # nothing waits yet: no wake-up
    assert service.scheduler.get_job("wake") is None

    case_id = start(orchestrator, "W-1")
    sample.pass_check(orchestrator)
    service.watch()

    (timer,) = sample.timers(orchestrator, case_id)
    wake = service.scheduler.get_job("wake").next_run_time
    assert wake == clock.as_utc(timer.due_at) + timedelta(milliseconds=5)
