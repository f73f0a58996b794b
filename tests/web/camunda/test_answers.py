"""complete, failure and bpmnError: the case moves as the worker answered."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from engine import clock
from tests.engine import sample
from tests.web.camunda.helpers import BEARER, boolean, fetch, fetch_one, post, row

# complete


def test_completing_with_a_typed_variable_moves_the_case_as_the_worker_decided(client, deployed):
    case_id = sample.start(deployed, "C-10")
    task = fetch_one(client)

    answer = post(
        client, task["id"], "complete", {"workerId": "w1", "variables": {"skip_review": boolean(True)}}
    )

    assert answer.status_code == 204
    assert sample.case(deployed, case_id).status == "completed"
    assert ("element_completed", "end_skipped") in sample.history_kinds(deployed, case_id)


def test_completing_with_local_variables_writes_them_to_the_case_too(client, deployed):
    case_id = sample.start(deployed, "C-11")
    task = fetch_one(client)

    post(
        client,
        task["id"],
        "complete",
        {
            "workerId": "w1",
            "variables": {"checked_on": {"type": "date", "value": "2025-03-20T16:05:00.000+0500"}},
            "localVariables": {"skip_review": {"type": "boolean", "value": False}},
        },
    )

    assert sample.open_review(deployed, case_id).element_id == "review"
    (event,) = sample.rows(deployed, sample.HistoryEvent, case_id=case_id, kind="external_task_completed")
    assert event.data["variables"] == {"checked_on": "2025-03-20T16:05:00+05:00", "skip_review": False}


def test_the_same_complete_sent_again_gets_the_same_answer_and_moves_the_case_once(client, deployed):
    case_id = sample.start(deployed, "C-12")
    task = fetch_one(client)
    done = {"workerId": "w1", "variables": {"skip_review": boolean(True)}}

    first = post(client, task["id"], "complete", done)
    again = post(client, task["id"], "complete", done)

    assert (first.status_code, again.status_code) == (204, 204)
    assert sample.history_kinds(deployed, case_id).count(("external_task_completed", "check")) == 1


def test_another_result_after_the_completion_answers_404_because_the_task_is_gone(client, deployed):
    sample.start(deployed, "C-12b")
    task = fetch_one(client)
    post(client, task["id"], "complete", {"workerId": "w1", "variables": {"skip_review": boolean(True)}})

    other = post(
        client, task["id"], "complete", {"workerId": "w1", "variables": {"skip_review": boolean(False)}}
    )
    stranger = post(
        client, task["id"], "complete", {"workerId": "w2", "variables": {"skip_review": boolean(True)}}
    )

    assert (other.status_code, stranger.status_code) == (404, 404)
    assert other.get_json()["type"] == "RestException"


def test_a_variable_of_an_unknown_type_is_refused_by_name_and_the_case_stays(client, deployed):
    case_id = sample.start(deployed, "C-13")
    task = fetch_one(client)

    answer = post(
        client,
        task["id"],
        "complete",
        {"workerId": "w1", "variables": {"scan": {"type": "Bytes", "value": "AAEC", "valueInfo": {}}}},
    )

    assert answer.status_code == 400
    assert answer.get_json()["type"] == "InvalidRequestException"
    assert "'scan'" in answer.get_json()["message"]
    assert row(deployed, task["id"]).status == "locked"
    assert sample.case(deployed, case_id).status == "running"


# failure


def test_a_failure_keeps_the_retries_the_worker_gives_and_waits_its_retry_timeout(client, deployed):
    sample.start(deployed, "C-14")
    task = fetch_one(client)

    with time_machine.travel(clock.now(), tick=False) as traveller:
        answer = post(
            client,
            task["id"],
            "failure",
            {
                "workerId": "w1",
                "errorMessage": "registry timed out",
                "errorDetails": "trace",
                "retries": 2,
                "retryTimeout": 30_000,
            },
        )
        too_early = fetch(client, "w2").get_json()
        traveller.shift(timedelta(seconds=31))
        (again,) = fetch(client, "w2").get_json()

    assert answer.status_code == 204
    assert too_early == []
    assert again["id"] == task["id"]
    assert (again["retries"], again["errorMessage"], again["errorDetails"]) == (
        2,
        "registry timed out",
        "trace",
    )


def test_a_failure_with_no_retries_left_raises_an_incident(client, deployed):
    case_id = sample.start(deployed, "C-15")
    task = fetch_one(client)

    answer = post(client, task["id"], "failure", {"workerId": "w1", "errorMessage": "gave up", "retries": 0})

    assert answer.status_code == 204
    assert row(deployed, task["id"]).status == "incident"
    (incident,) = sample.rows(deployed, sample.Incident, case_id=case_id)
    assert incident.message == "gave up"
    assert client.get(f"/engine-rest/external-task/{task['id']}", headers=BEARER).get_json()["retries"] == 0


# BPMN error


def test_a_bpmn_error_is_caught_by_the_diagram_and_ends_the_case_as_failed(client, deployed):
    case_id = sample.start(deployed, "C-16")
    task = fetch_one(client)

    answer = post(
        client,
        task["id"],
        "bpmnError",
        {
            "workerId": "w1",
            "errorCode": "CHECK_FAILED",
            "errorMessage": "the applicant is not registered",
            "variables": {"reason": {"type": "String", "value": "not registered", "valueInfo": {}}},
        },
    )

    assert answer.status_code == 204
    assert sample.case(deployed, case_id).status == "completed"
    assert ("element_completed", "end_failed") in sample.history_kinds(deployed, case_id)


def test_a_bpmn_error_nothing_catches_becomes_an_incident(client, deployed):
    case_id = sample.start(deployed, "C-17")
    task = fetch_one(client)

    answer = post(client, task["id"], "bpmnError", {"workerId": "w1", "errorCode": "NOBODY_CATCHES"})

    assert answer.status_code == 204
    assert [i.kind for i in sample.rows(deployed, sample.Incident, case_id=case_id)] == ["failedExternalTask"]


def test_a_bpmn_error_without_a_code_is_refused(client, deployed):
    sample.start(deployed, "C-18")
    task = fetch_one(client)

    answer = post(client, task["id"], "bpmnError", {"workerId": "w1"})

    assert answer.status_code == 400
    assert row(deployed, task["id"]).status == "locked"
