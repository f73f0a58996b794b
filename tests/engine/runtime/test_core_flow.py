"""The core sample diagram travels through every engine command, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from engine import clock
from engine.errors import AmbiguousCorrelation, Conflict, MessageNotCorrelated, NotFound
from engine.runtime.timers import fire_due_timers
from tests.conftest import read_diagram
from tests.engine import sample
from tests.engine.sample import LOCK, start


@pytest.fixture
def deployed(orchestrator):
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    return orchestrator


def test_a_new_case_waits_for_its_check_worker(deployed):
    case_id = start(deployed, "A-1")

    (task,) = sample.external_tasks(deployed, case_id)
    assert (task.topic, task.status, task.element_id) == ("sample.check", "available", "check")
    assert sample.case(deployed, case_id).status == "running"
    assert sample.timers(deployed, case_id) == []


def test_a_passed_check_opens_the_review_for_officers_with_its_due_time_and_timer(deployed):
    case_id = start(deployed, "A-2")

    sample.pass_check(deployed)

    review = sample.open_review(deployed, case_id)
    assert review.element_id == "review"
    assert review.candidate_groups == ",officers,"
    assert review.form_key == "review"
    assert clock.as_utc(review.due_at) == datetime(2029, 12, 31, 13, 30, tzinfo=UTC)
    (timer,) = sample.timers(deployed, case_id)
    assert (timer.element_id, timer.status) == ("review_timeout", "waiting")
    assert sample.external_tasks(deployed, case_id) == []


def test_review_then_answer_completes_the_case_and_records_every_input(deployed):
    case_id = start(deployed, "A-3")
    sample.pass_check(deployed)

    deployed.complete_user_task(sample.open_review(deployed, case_id).id, {"approved": True}, "officer1")
    correlated = deployed.correlate_message("answer", {"verdict": "yes"}, business_key="A-3")

    assert correlated == case_id
    assert sample.case(deployed, case_id).status == "completed"
    kinds = sample.history_kinds(deployed, case_id)
    assert kinds[0] == ("case_started", None)
    assert ("external_task_completed", "check") in kinds
    assert ("user_task_completed", "review") in kinds
    assert ("message_correlated", None) in kinds
    assert ("element_completed", "end_done") in kinds
    assert kinds[-1] == ("case_completed", None)
    assert [t.status for t in sample.timers(deployed, case_id)] == ["cancelled"]


def test_a_skipped_review_takes_the_conditional_flow(deployed):
    case_id = start(deployed, "A-4")

    sample.pass_check(deployed, skip_review=True)

    assert sample.case(deployed, case_id).status == "completed"
    assert ("element_completed", "end_skipped") in sample.history_kinds(deployed, case_id)


def test_a_bpmn_error_is_caught_by_the_error_boundary(deployed):
    case_id = start(deployed, "A-5")
    (task,) = deployed.fetch_and_lock("w1", ["sample.check"], LOCK)

    deployed.bpmn_error(task.id, "w1", "CHECK_FAILED", "registry says no", {"reason": "no"})

    assert sample.case(deployed, case_id).status == "completed"
    kinds = sample.history_kinds(deployed, case_id)
    assert ("bpmn_error_thrown", "check") in kinds
    assert ("element_completed", "end_failed") in kinds


def test_an_uncaught_bpmn_error_raises_an_incident_and_decides_nothing(deployed):
    case_id = start(deployed, "A-6")
    (task,) = deployed.fetch_and_lock("w1", ["sample.check"], LOCK)

    deployed.bpmn_error(task.id, "w1", "NOBODY_CATCHES_THIS")

    (incident,) = sample.rows(deployed, sample.Incident, case_id=case_id)
    assert "NOBODY_CATCHES_THIS" in incident.message
    assert sample.case(deployed, case_id).status == "running"
    assert sample.external_tasks(deployed, case_id)[0].status == "incident"


def test_the_review_timer_fires_once_when_time_is_moved_past_it(deployed):
    case_id = start(deployed, "A-7")
    sample.pass_check(deployed)

    with time_machine.travel(datetime(2030, 1, 1, 9, 0, 1, tzinfo=UTC), tick=False):
        assert fire_due_timers(deployed.store) == 1
        assert fire_due_timers(deployed.store) == 0

    (timer,) = sample.timers(deployed, case_id)
    assert timer.status == "fired"
    assert sample.case(deployed, case_id).status == "completed"
    kinds = sample.history_kinds(deployed, case_id)
    assert kinds.count(("timer_fired", "review_timeout")) == 1
    assert ("element_completed", "end_timed_out") in kinds
    (review,) = sample.rows(deployed, sample.UserTask, case_id=case_id)
    assert review.status == "cancelled"


def test_a_timer_not_yet_due_does_not_fire(deployed):
    case_id = start(deployed, "A-8")
    sample.pass_check(deployed)

    with time_machine.travel(datetime(2030, 1, 1, 8, 59, 59, tzinfo=UTC), tick=False):
        assert fire_due_timers(deployed.store) == 0

    assert sample.timers(deployed, case_id)[0].status == "waiting"


def test_a_message_reaches_only_the_case_with_its_business_key(deployed):
    first, second = start(deployed, "B-1"), start(deployed, "B-2")
    sample.pass_check(deployed)
    for case_id in (first, second):
        deployed.complete_user_task(sample.open_review(deployed, case_id).id, {}, "officer1")

    deployed.correlate_message("answer", {"verdict": "yes"}, business_key="B-2")

    assert sample.case(deployed, first).status == "running"
    assert sample.case(deployed, second).status == "completed"


def test_a_message_nobody_waits_for_is_refused(deployed):
    start(deployed, "C-1")

    with pytest.raises(MessageNotCorrelated):
        deployed.correlate_message("answer", {}, business_key="C-1")


def test_a_message_matching_two_cases_is_delivered_to_neither(deployed):
    first, second = start(deployed, "D-1", applicant="X"), start(deployed, "D-2", applicant="X")
    sample.pass_check(deployed)
    for case_id in (first, second):
        deployed.complete_user_task(sample.open_review(deployed, case_id).id, {}, "officer1")

    with pytest.raises(AmbiguousCorrelation):
        deployed.correlate_message("answer", {}, correlation_keys={"applicant": "X"})

    assert {sample.case(deployed, c).status for c in (first, second)} == {"running"}


def test_correlation_keys_pick_the_case_whose_variables_match(deployed):
    first, second = start(deployed, "E-1", applicant="X"), start(deployed, "E-2", applicant="Y")
    sample.pass_check(deployed)
    for case_id in (first, second):
        deployed.complete_user_task(sample.open_review(deployed, case_id).id, {}, "officer1")

    assert deployed.correlate_message("answer", {}, correlation_keys={"applicant": "Y"}) == second


def test_a_completed_user_task_cannot_be_completed_again(deployed):
    case_id = start(deployed, "F-1")
    sample.pass_check(deployed)
    review = sample.open_review(deployed, case_id)
    deployed.complete_user_task(review.id, {}, "officer1")

    with pytest.raises(Conflict):
        deployed.complete_user_task(review.id, {}, "officer2")


def test_an_unknown_task_or_process_is_not_found(deployed):
    with pytest.raises(NotFound):
        deployed.complete_user_task("no-such-task", {}, "officer1")
    with pytest.raises(NotFound):
        deployed.start_case("no_such_process")


def test_worker_results_are_visible_to_later_steps(deployed):
    case_id = start(deployed, "G-1")
    (task,) = deployed.fetch_and_lock("w1", ["sample.check"], LOCK)
    deployed.complete_external_task(task.id, "w1", {"skip_review": False, "score": 7})

    deployed.complete_user_task(sample.open_review(deployed, case_id).id, {"approved": True}, "officer1")

    with deployed.transaction() as session:
        from engine.runtime import cases

        data = cases.open_case(session, case_id).workflow.last_task.data
    assert data["score"] == 7 and data["approved"] is True


def test_the_case_records_the_moved_clock_not_the_wall_clock(deployed):
    frozen = datetime(2031, 5, 5, 10, 0, tzinfo=UTC)

    with time_machine.travel(frozen, tick=False):
        case_id = start(deployed, "H-1")

    assert clock.as_utc(sample.case(deployed, case_id).started_at) == frozen
