"""Claims hold on every database: one task to one worker, one answer applied once, one retry per click."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from engine import clock
from engine.errors import LockLost, NotFound
from engine.runtime import numbers
from tests.conftest import read_diagram
from tests.engine import sample
from tests.engine.sample import LOCK, start, together

ROUNDS = 200


@pytest.fixture
def deployed(orchestrator):
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    return orchestrator


def test_two_workers_fetching_at_the_same_moment_never_get_the_same_task(deployed):
    for number in range(ROUNDS):
        start(deployed, f"F-{number}-a")
        start(deployed, f"F-{number}-b")

        first, second = together(
            lambda: deployed.fetch_and_lock("w1", ["sample.check"], LOCK),
            lambda: deployed.fetch_and_lock("w2", ["sample.check"], LOCK),
        )

        assert isinstance(first, list) and isinstance(second, list), (first, second)
        ids = [task.id for task in first + second]
        assert len(ids) == len(set(ids)) == 2, f"round {number}: {first} and {second}"
        owners = {
            row.id: row.lock_owner for row in sample.rows(deployed, sample.ExternalTask, status="locked")
        }
        assert {owners[task.id] for task in first} <= {"w1"} and {owners[t.id] for t in second} <= {"w2"}
        for task in first:
            deployed.complete_external_task(task.id, "w1", {"skip_review": True})
        for task in second:
            deployed.complete_external_task(task.id, "w2", {"skip_review": True})


def test_of_two_different_answers_to_one_task_at_the_same_moment_exactly_one_is_applied(deployed):
    case_id = start(deployed, "R-1")
    (task,) = deployed.fetch_and_lock("w1", ["sample.check"], LOCK)

    results = together(
        lambda: deployed.complete_external_task(task.id, "w1", {"skip_review": True}),
        lambda: deployed.complete_external_task(task.id, "w1", {"skip_review": False}),
    )

    assert sorted(type(result).__name__ for result in results) == ["NotFound", "str"]
    assert sample.history_kinds(deployed, case_id).count(("external_task_completed", "check")) == 1


def test_the_same_answer_sent_twice_at_the_same_moment_is_applied_once_and_both_hear_yes(deployed):
    case_id = start(deployed, "R-2")
    (task,) = deployed.fetch_and_lock("w1", ["sample.check"], LOCK)

    results = together(
        lambda: deployed.complete_external_task(task.id, "w1", {"skip_review": True}),
        lambda: deployed.complete_external_task(task.id, "w1", {"skip_review": True}),
    )

    assert results == [case_id, case_id]
    assert sample.history_kinds(deployed, case_id).count(("external_task_completed", "check")) == 1


def test_a_failure_sent_again_is_answered_as_before_and_costs_one_retry(deployed):
    start(deployed, "R-3")
    (task,) = deployed.fetch_and_lock("w1", ["sample.check"], LOCK)

    deployed.fail_external_task(task.id, "w1", "registry timed out", retries=2)
    deployed.fail_external_task(task.id, "w1", "registry timed out", retries=2)

    (row,) = sample.rows(deployed, sample.ExternalTask, id=task.id)
    assert (row.status, row.retries) == ("available", 2)
    failed = [e for e in sample.rows(deployed, sample.HistoryEvent, kind="external_task_failed")]
    assert len(failed) == 1


def test_an_old_report_after_the_task_was_locked_again_is_refused(deployed):
    start(deployed, "R-4")
    (task,) = deployed.fetch_and_lock("w1", ["sample.check"], LOCK)
    deployed.fail_external_task(task.id, "w1", "registry timed out", retries=2)
    with time_machine.travel(clock.now() + timedelta(minutes=1), tick=False):  # past the backoff
        (again,) = deployed.fetch_and_lock("w2", ["sample.check"], LOCK)

        with pytest.raises(LockLost):
            deployed.fail_external_task(task.id, "w1", "registry timed out", retries=2)

    assert again.id == task.id


def test_another_worker_cannot_replay_a_report_it_did_not_send(deployed):
    start(deployed, "R-5")
    (task,) = deployed.fetch_and_lock("w1", ["sample.check"], LOCK)
    deployed.complete_external_task(task.id, "w1", {"skip_review": True})

    with pytest.raises(NotFound):
        deployed.complete_external_task(task.id, "w2", {"skip_review": True})


def test_two_retries_of_one_incident_at_the_same_moment_give_one_retry(deployed):
    case_id = start(deployed, "R-6")
    (task,) = deployed.fetch_and_lock("w1", ["sample.check"], LOCK)
    deployed.fail_external_task(task.id, "w1", "broken", retries=0)
    (incident,) = sample.rows(deployed, sample.Incident, case_id=case_id)

    results = together(
        lambda: deployed.retry_incident(incident.id, 1, "user:anna"),
        lambda: deployed.retry_incident(incident.id, 1, "user:bob"),
    )

    assert sorted(type(result).__name__ for result in results) == ["NoneType", "NotFound"]
    kinds = sample.history_kinds(deployed, case_id)
    assert kinds.count(("incident_retried", "check")) == 1
    (row,) = sample.rows(deployed, sample.ExternalTask, id=task.id)
    assert (row.status, row.retries) == ("available", 1)


def test_two_transactions_asking_a_number_under_one_key_at_the_same_moment_get_the_same_one(store):
    for number in range(40):
        key = f"case-{number}:task"
        first, second = together(
            lambda key=key: numbers.allocator(store, key)("license:001:2025"),
            lambda key=key: numbers.allocator(store, key)("license:001:2025"),
        )
        assert first == second == number + 1, (first, second)
    with store.unit_of_work() as session:
        assert numbers.last_allocated(session, "license:001:2025") == 40


def test_racing_retries_never_answer_with_a_conflict_the_caller_cannot_act_on(deployed):
    # a task claimed by one caller is simply not there for the other: no Conflict, no error
    for number in range(20):
        start(deployed, f"N-{number}")
        results = together(*(lambda w=w: deployed.fetch_and_lock(w, ["sample.check"], LOCK) for w in "abcd"))
        assert not [r for r in results if isinstance(r, Exception)], results
        assert sum(len(r) for r in results) == 1
        ((task,),) = [r for r in results if r]
        deployed.complete_external_task(task.id, task.lock_owner, {"skip_review": True})
