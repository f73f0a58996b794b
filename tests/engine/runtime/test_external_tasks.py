"""External tasks: locks, retries with backoff, incidents, re-delivery after a lost lock."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from engine import clock
from engine.errors import LockLost
from tests.conftest import read_diagram
from tests.engine import sample
from tests.engine.sample import LOCK, start


@pytest.fixture
def deployed(orchestrator):
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    return orchestrator


def test_a_locked_task_is_not_handed_to_a_second_worker(deployed):
    start(deployed, "L-1")

    assert len(deployed.fetch_and_lock("w1", ["sample.check"], LOCK)) == 1
    assert deployed.fetch_and_lock("w2", ["sample.check"], LOCK) == []


def test_only_the_lock_owner_may_complete(deployed):
    start(deployed, "L-2")
    (task,) = deployed.fetch_and_lock("w1", ["sample.check"], LOCK)

    with pytest.raises(LockLost):
        deployed.complete_external_task(task.id, "w2", {})


def test_an_expired_lock_makes_the_task_available_again_and_costs_a_retry(deployed):
    case_id = start(deployed, "L-3")
    (task,) = deployed.fetch_and_lock("w1", ["sample.check"], LOCK)

    with time_machine.travel(clock.now() + LOCK + timedelta(seconds=1), tick=False):
        (again,) = deployed.fetch_and_lock("w2", ["sample.check"], LOCK)
        with pytest.raises(LockLost):
            deployed.complete_external_task(task.id, "w1", {})
        deployed.complete_external_task(again.id, "w2", {"skip_review": False})

    assert again.id == task.id
    assert again.retries == 2
    assert sample.open_review(deployed, case_id).element_id == "review"


def test_a_failure_is_retried_after_a_growing_backoff(deployed):
    start(deployed, "L-4")
    (task,) = deployed.fetch_and_lock("w1", ["sample.check"], LOCK)
    failed_at = clock.now()

    deployed.fail_external_task(task.id, "w1", "registry timed out")

    (row,) = sample.rows(deployed, sample.ExternalTask, id=task.id)
    assert (row.status, row.retries, row.error_message) == ("available", 2, "registry timed out")
    assert clock.as_utc(row.available_at) > failed_at
    assert deployed.fetch_and_lock("w1", ["sample.check"], LOCK) == []
    with time_machine.travel(clock.as_utc(row.available_at) + timedelta(seconds=1), tick=False):
        assert len(deployed.fetch_and_lock("w1", ["sample.check"], LOCK)) == 1


def test_a_task_out_of_retries_becomes_an_incident_that_a_person_can_retry(deployed):
    case_id = start(deployed, "L-5")
    (task,) = deployed.fetch_and_lock("w1", ["sample.check"], LOCK)

    deployed.fail_external_task(task.id, "w1", "gateway answered 500", details="trace", retries=0)

    (incident,) = sample.rows(deployed, sample.Incident, case_id=case_id)
    assert incident.message == "gateway answered 500"
    assert deployed.fetch_and_lock("w1", ["sample.check"], LOCK) == []

    deployed.retry_incident(incident.id, retries=2, actor="officer1")

    (again,) = deployed.fetch_and_lock("w1", ["sample.check"], LOCK)
    assert again.id == task.id and again.retries == 2
    assert sample.rows(deployed, sample.Incident, case_id=case_id)[0].resolved_by == "officer1"


def test_three_lost_locks_in_a_row_raise_an_incident(deployed):
    case_id = start(deployed, "L-6")
    moment = clock.now()
    for _ in range(3):
        with time_machine.travel(moment, tick=False):
            deployed.fetch_and_lock("w1", ["sample.check"], LOCK)
        moment += LOCK + timedelta(minutes=15)
    with time_machine.travel(moment, tick=False):
        assert deployed.fetch_and_lock("w1", ["sample.check"], LOCK) == []

    (incident,) = sample.rows(deployed, sample.Incident, case_id=case_id)
    assert "lock" in incident.message


def test_extend_lock_keeps_the_task_with_its_worker(deployed):
    start(deployed, "L-7")
    (task,) = deployed.fetch_and_lock("w1", ["sample.check"], LOCK)

    deployed.extend_lock(task.id, "w1", timedelta(minutes=30))

    with time_machine.travel(clock.now() + timedelta(minutes=10), tick=False):
        assert deployed.fetch_and_lock("w2", ["sample.check"], LOCK) == []
        deployed.complete_external_task(task.id, "w1", {"skip_review": True})


def test_unlock_returns_the_task_without_counting_a_failure(deployed):
    start(deployed, "L-8")
    (task,) = deployed.fetch_and_lock("w1", ["sample.check"], LOCK)

    deployed.unlock(task.id)

    (again,) = deployed.fetch_and_lock("w2", ["sample.check"], LOCK)
    assert again.retries is None and again.attempts == 2


def test_history_names_who_failed_a_task_the_worker_or_the_lock_clock(deployed):
    case_id = start(deployed, "L-9")
    (task,) = deployed.fetch_and_lock("w1", ["sample.check"], LOCK)
    deployed.fail_external_task(task.id, "w1", "registry timed out", retry_timeout=timedelta(0))
    deployed.fetch_and_lock("w2", ["sample.check"], LOCK)

    with time_machine.travel(clock.now() + LOCK + timedelta(seconds=1), tick=False):
        deployed.fetch_and_lock("w3", ["sample.check"], LOCK)

    failures = [
        e
        for e in sample.rows(deployed, sample.HistoryEvent, case_id=case_id)
        if e.kind == "external_task_failed"
    ]
    assert [(e.actor, e.data["message"]) for e in sorted(failures, key=lambda e: e.seq)] == [
        ("worker:w1", "registry timed out"),
        ("system", "the lock of w2 expired"),
    ]
