"""Due timers are claimed in batches under a lease: each fires once, and a dead claimer's are taken again."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from engine import clock
from engine.runtime import timers
from engine.runtime.timers import LEASE, TimerService, claim_due, next_due_at, sweep_due_timers
from store.db import Store
from tests.conftest import read_diagram
from tests.engine import sample
from tests.engine.sample import start

REVIEW_DUE = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
AFTER_REVIEW_DUE = datetime(2030, 1, 3, tzinfo=UTC)
CASES = 24


@pytest.fixture
def waiting_reviews(orchestrator) -> list[str]:
    """Cases waiting in their review, each with its review timer (due 2030-01-01 09:00)."""
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    case_ids = [start(orchestrator, f"C-{n}") for n in range(CASES)]
    sample.pass_check(orchestrator)
    return case_ids


def fired_per_case(orchestrator) -> Counter:
    return Counter(e.case_id for e in sample.rows(orchestrator, sample.HistoryEvent, kind="timer_fired"))


def fired_once_each(orchestrator, case_ids) -> bool:
    return fired_per_case(orchestrator) == Counter({case_id: 1 for case_id in case_ids})


def test_a_claim_takes_at_most_its_batch_and_two_claims_take_disjoint_timers(orchestrator, waiting_reviews):
    with time_machine.travel(AFTER_REVIEW_DUE, tick=False):
        first = claim_due(orchestrator.store, "first", 5)
        second = claim_due(orchestrator.store, "second", 100)
        third = claim_due(orchestrator.store, "third", 100)

    assert len(first) == 5
    assert len(second) == CASES - 5
    assert set(first).isdisjoint(second)
    assert third == []


def test_two_services_sweeping_at_once_fire_each_due_timer_once(orchestrator, waiting_reviews):
    # Given two serving processes: each its own connections and its own firing threads
    stores = [Store(orchestrator.store.url) for _ in range(2)]
    pools = [ThreadPoolExecutor(2) for _ in range(2)]
    try:
        with time_machine.travel(AFTER_REVIEW_DUE, tick=False):
            sweeps = sample.together(
                *(
                    lambda s=s, p=p: sweep_due_timers(s, pool=p, batch=3)
                    for s, p in zip(stores, pools, strict=True)
                )
            )
    finally:
        for store, pool in zip(stores, pools, strict=True):
            pool.shutdown()
            store.dispose()

    assert [type(sweep) for sweep in sweeps] == [timers.Sweep, timers.Sweep], sweeps
    assert sum(sweep.fired for sweep in sweeps) == CASES
    assert all(sweep.left == set() for sweep in sweeps)
    assert fired_once_each(orchestrator, waiting_reviews)
    assert {t.status for t in sample.rows(orchestrator, sample.Timer)} == {"fired"}


def test_timers_claimed_by_a_process_that_died_fire_once_its_lease_lapses(orchestrator, waiting_reviews):
    store = orchestrator.store
    with time_machine.travel(AFTER_REVIEW_DUE, tick=False):
        held = claim_due(store, "died-after-claiming", 100)  # and never fired them
        within_the_lease = sweep_due_timers(store)
    with time_machine.travel(AFTER_REVIEW_DUE + LEASE + timedelta(seconds=1), tick=False):
        after_the_lease = sweep_due_timers(store)

    assert len(held) == CASES
    assert within_the_lease.fired == 0
    assert after_the_lease.fired == CASES
    assert fired_once_each(orchestrator, waiting_reviews)


def test_a_claimer_whose_lease_lapsed_and_was_taken_over_fires_nothing(orchestrator, waiting_reviews):
    store = orchestrator.store
    with time_machine.travel(AFTER_REVIEW_DUE, tick=False):
        (late_timer,) = claim_due(store, "slow", 1)
    with time_machine.travel(AFTER_REVIEW_DUE + LEASE + timedelta(seconds=1), tick=False):
        taken_over = claim_due(store, "next", 100)
        fired_by_the_slow_one = timers._fire(store, late_timer, "slow", "timer")
        sweep = sweep_due_timers(store)  # the next claimer's sweep: its own claims are not free

    assert late_timer in taken_over
    assert fired_by_the_slow_one is False
    assert sweep.fired == 0
    assert fired_per_case(orchestrator) == Counter()


def test_a_timer_that_cannot_fire_is_given_back_to_the_next_sweep(orchestrator, waiting_reviews, monkeypatch):
    broken_case = waiting_reviews[0]
    fire = timers.commands.fire_timer

    def fire_unless_broken(session, timer, actor):
        if timer.case_id == broken_case:
            raise RuntimeError("the serializer choked")
        fire(session, timer, actor)

    monkeypatch.setattr(timers.commands, "fire_timer", fire_unless_broken)
    with time_machine.travel(AFTER_REVIEW_DUE, tick=False):
        first = sweep_due_timers(orchestrator.store, pause=lambda seconds: None)
        monkeypatch.setattr(timers.commands, "fire_timer", fire)
        second = sweep_due_timers(orchestrator.store)

    assert (first.fired, len(first.left), second.fired) == (CASES - 1, 1, 1)
    assert fired_once_each(orchestrator, waiting_reviews)


def test_the_next_wake_up_is_when_a_dead_claimers_lease_lapses(orchestrator, waiting_reviews):
    service = TimerService(orchestrator.store)
    service.scheduler.start(paused=True)
    try:
        with time_machine.travel(AFTER_REVIEW_DUE, tick=False):
            claim_due(orchestrator.store, "died-after-claiming", 100)
            service.sweep()
            wake = service.scheduler.get_job("wake").next_run_time
    finally:
        service.stop()

    assert next_due_at(orchestrator.store) == AFTER_REVIEW_DUE + LEASE
    assert wake == AFTER_REVIEW_DUE + LEASE + timedelta(milliseconds=5)


def test_the_service_wakes_at_the_next_due_time_and_fires_it(orchestrator, waiting_reviews):
    service = TimerService(orchestrator.store)
    service.scheduler.start(paused=True)
    try:
        service.sweep()  # before the reviews are due: nothing fires, the wake-up is set
        wake = service.scheduler.get_job("wake")
        with time_machine.travel(wake.next_run_time, tick=False):
            wake.func()  # what the scheduler runs at that moment
    finally:
        service.stop()

    assert wake.next_run_time == REVIEW_DUE + timedelta(milliseconds=5)
    assert clock.as_utc(sample.timers(orchestrator, waiting_reviews[0])[0].fired_at) == wake.next_run_time
    assert fired_once_each(orchestrator, waiting_reviews)


def test_a_service_asked_to_stop_gives_back_what_it_claimed_and_did_not_fire(orchestrator, waiting_reviews):
    asked = iter([False, False])  # the sweep's first look and the first fire; then the stop comes

    def stopping() -> bool:
        return next(asked, True)

    with time_machine.travel(AFTER_REVIEW_DUE, tick=False):
        stopped = sweep_due_timers(orchestrator.store, stopping=stopping)
        next_sweep = sweep_due_timers(orchestrator.store)  # at once: no lease to wait for

    assert (stopped.fired, stopped.left) == (1, set())
    assert next_sweep.fired == CASES - 1
    assert fired_once_each(orchestrator, waiting_reviews)
