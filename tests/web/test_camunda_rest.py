"""The Camunda 7 external-task REST API under /engine-rest, driven as a Camunda worker drives it."""

from __future__ import annotations

import base64
import json
import threading
import time
from datetime import timedelta

import pytest
import time_machine

from engine import clock
from tests.conftest import read_diagram
from tests.engine import sample
from web import create_app
from web.camunda_variables import camunda_date

TOKEN = "worker-token-123"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
TOPIC = {"topicName": "sample.check", "lockDuration": 60_000}


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.fixture
def deployed(orchestrator):
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    return orchestrator


@pytest.fixture
def client(deployed):
    app = create_app(deployed, {"TESTING": True, "API_TOKENS": {"workers": TOKEN}})
    return app.test_client()


def fetch(client, worker="w1", topics=(TOPIC,), headers=BEARER, **options):
    body = {"workerId": worker, "maxTasks": 10, "usePriority": True, "topics": list(topics), **options}
    return client.post("/engine-rest/external-task/fetchAndLock", json=body, headers=headers)


def post(client, task_id: str, action: str, body: dict | None = None):
    return client.post(f"/engine-rest/external-task/{task_id}/{action}", json=body, headers=BEARER)


def fetch_one(client, worker="w1", **topic) -> dict:
    (task,) = fetch(client, worker, [{**TOPIC, **topic}]).get_json()
    return task


def boolean(value: bool) -> dict:
    return {"type": "Boolean", "value": value, "valueInfo": {}}


def row(orchestrator, task_id: str):
    (task,) = sample.rows(orchestrator, sample.ExternalTask, id=task_id)
    return task


# fetch and lock


def test_fetch_and_lock_answers_the_locked_task_in_camundas_shape(client, deployed):
    case_id = sample.start(deployed, "C-1")

    with time_machine.travel(clock.now(), tick=False):
        answer = fetch(client)
        expected_expiry = camunda_date(clock.now() + timedelta(milliseconds=60_000))

    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json"  # the JS client parses only this
    (task,) = answer.get_json()
    assert task["id"] == sample.external_tasks(deployed, case_id)[0].id
    assert {k: v for k, v in task.items() if k not in {"id", "executionId", "activityInstanceId"}} == {
        "activityId": "check",
        "businessKey": "C-1",
        "errorDetails": None,
        "errorMessage": None,
        "extensionProperties": {},
        "lockExpirationTime": expected_expiry,
        "priority": 0,
        "processDefinitionId": task["processDefinitionId"],
        "processDefinitionKey": "core_sample",
        "processDefinitionVersionTag": None,
        "processInstanceId": case_id,
        "retries": None,
        "suspended": False,
        "tenantId": None,
        "topicName": "sample.check",
        "variables": {
            "due": {"type": "String", "value": sample.DUE, "valueInfo": {}},
            "review_due": {"type": "String", "value": sample.REVIEW_DUE, "valueInfo": {}},
        },
        "workerId": "w1",
    }
    assert task["processDefinitionId"].startswith("core_sample:1:")


def test_fetch_and_lock_hands_out_only_the_variables_the_topic_names(client, deployed):
    sample.start(deployed, "C-2", applicant={"name": "Ann"}, fee=12.5)

    task = fetch_one(client, variables=["applicant", "fee", "not_there"])

    assert task["variables"] == {
        "applicant": {"type": "Json", "value": '{"name": "Ann"}', "valueInfo": {}},
        "fee": {"type": "Double", "value": 12.5, "valueInfo": {}},
    }


def test_an_empty_variables_list_hands_out_no_variables(client, deployed):
    sample.start(deployed, "C-3")

    task = fetch_one(client, variables=[])

    assert task["variables"] == {}


def test_asking_for_local_variables_only_hands_out_none_as_licflow_keeps_none(client, deployed):
    sample.start(deployed, "C-4")

    task = fetch_one(client, localVariables=True)

    assert task["variables"] == {}


def test_each_topic_locks_for_its_own_duration(client, deployed):
    sample.start(deployed, "C-5")
    with time_machine.travel(clock.now(), tick=False):
        (task,) = fetch(
            client, topics=[{"topicName": "other.topic", "lockDuration": 900_000}, TOPIC]
        ).get_json()
        expiry = clock.as_utc(row(deployed, task["id"]).lock_expires_at)

        assert expiry == clock.now() + timedelta(seconds=60)


def test_a_locked_task_is_not_fetched_by_a_second_worker(client, deployed):
    sample.start(deployed, "C-6")

    first = fetch(client, "w1").get_json()
    second = fetch(client, "w2").get_json()

    assert len(first) == 1
    assert second == []


def test_a_fetch_without_a_worker_id_is_refused_and_locks_nothing(client, deployed):
    sample.start(deployed, "C-7")

    answer = client.post(
        "/engine-rest/external-task/fetchAndLock",
        json={"maxTasks": 1, "topics": [TOPIC]},
        headers=BEARER,
    )

    assert answer.status_code == 400
    assert answer.get_json()["type"] == "InvalidRequestException"
    assert sample.rows(deployed, sample.ExternalTask, status="locked") == []


def test_a_topic_filter_licflow_cannot_apply_is_refused_rather_than_ignored(client, deployed):
    sample.start(deployed, "C-8")

    answer = fetch(client, topics=[{**TOPIC, "businessKey": "C-9"}])

    assert answer.status_code == 400
    assert "businessKey" in answer.get_json()["message"]
    assert sample.rows(deployed, sample.ExternalTask, status="locked") == []


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


def test_completing_twice_answers_404_because_the_task_is_gone(client, deployed):
    sample.start(deployed, "C-12")
    task = fetch_one(client)
    done = {"workerId": "w1", "variables": {"skip_review": boolean(True)}}

    first = post(client, task["id"], "complete", done)
    second = post(client, task["id"], "complete", done)

    assert first.status_code == 204
    assert second.status_code == 404
    assert second.get_json()["type"] == "RestException"


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


# locks


def test_extend_lock_sets_the_lock_to_expire_the_new_duration_from_now(client, deployed):
    sample.start(deployed, "C-19")
    task = fetch_one(client)

    with time_machine.travel(clock.now() + timedelta(seconds=50), tick=False):
        answer = post(client, task["id"], "extendLock", {"workerId": "w1", "newDuration": 600_000})
        shown = client.get(f"/engine-rest/external-task/{task['id']}", headers=BEARER).get_json()
        expected = camunda_date(clock.now() + timedelta(minutes=10))

    assert answer.status_code == 204
    assert shown["lockExpirationTime"] == expected
    assert "variables" not in shown


def test_unlock_makes_the_task_available_to_another_worker_at_once(client, deployed):
    sample.start(deployed, "C-20")
    task = fetch_one(client)

    answer = client.post(f"/engine-rest/external-task/{task['id']}/unlock", headers=BEARER)
    (again,) = fetch(client, "w2").get_json()

    assert answer.status_code == 204
    assert (again["id"], again["workerId"], again["retries"]) == (task["id"], "w2", None)


def test_a_task_locked_by_another_worker_cannot_be_answered_by_this_one(client, deployed):
    case_id = sample.start(deployed, "C-21")
    task = fetch_one(client, "w1")

    answers = [
        post(client, task["id"], "complete", {"workerId": "w2", "variables": {"skip_review": boolean(True)}}),
        post(client, task["id"], "failure", {"workerId": "w2", "retries": 0}),
        post(client, task["id"], "bpmnError", {"workerId": "w2", "errorCode": "CHECK_FAILED"}),
        post(client, task["id"], "extendLock", {"workerId": "w2", "newDuration": 1000}),
        post(client, task["id"], "lock", {"workerId": "w2", "lockDuration": 1000}),
    ]

    assert [a.status_code for a in answers] == [400] * 5
    assert {a.get_json()["type"] for a in answers} == {"RestException"}
    assert (row(deployed, task["id"]).status, row(deployed, task["id"]).lock_owner) == ("locked", "w1")
    assert sample.case(deployed, case_id).status == "running"


def test_lock_by_id_locks_an_available_task_for_the_worker(client, deployed):
    case_id = sample.start(deployed, "C-22")
    task_id = sample.external_tasks(deployed, case_id)[0].id

    answer = post(client, task_id, "lock", {"workerId": "w3", "lockDuration": 60_000})

    assert answer.status_code == 204
    assert client.get(f"/engine-rest/external-task/{task_id}", headers=BEARER).get_json()["workerId"] == "w3"
    assert fetch(client, "w1").get_json() == []


# unknown tasks


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "", None),
        ("post", "/complete", {"workerId": "w1"}),
        ("post", "/failure", {"workerId": "w1"}),
        ("post", "/bpmnError", {"workerId": "w1", "errorCode": "X"}),
        ("post", "/extendLock", {"workerId": "w1", "newDuration": 1000}),
        ("post", "/lock", {"workerId": "w1", "lockDuration": 1000}),
        ("post", "/unlock", None),
    ],
)
def test_an_unknown_task_answers_404_in_camundas_shape(client, method, path, body):
    answer = getattr(client, method)(f"/engine-rest/external-task/nope{path}", json=body, headers=BEARER)

    assert answer.status_code == 404
    assert answer.get_json()["type"] == "RestException"
    assert "nope" in answer.get_json()["message"]


# credentials


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "Bearer "},
        basic("worker", "wrong"),
        basic("worker", ""),
        {"Authorization": "Basic not-base64!"},
        {"Authorization": f"Token {TOKEN}"},
    ],
    ids=[
        "none",
        "wrong bearer",
        "empty bearer",
        "wrong basic",
        "empty basic",
        "garbled basic",
        "other scheme",
    ],
)
def test_a_request_without_a_known_credential_gets_401_and_locks_nothing(client, deployed, headers):
    sample.start(deployed, "C-23")

    answer = fetch(client, headers=headers)

    assert answer.status_code == 401
    assert answer.headers.getlist("WWW-Authenticate") == ['Basic realm="licflow"', 'Bearer realm="licflow"']
    assert sample.rows(deployed, sample.ExternalTask, status="locked") == []


def test_every_route_asks_for_a_credential(client):
    assert client.get("/engine-rest/version").status_code == 401
    assert client.get("/engine-rest/external-task/nope").status_code == 401
    assert client.post("/engine-rest/external-task/nope/unlock").status_code == 401


def test_basic_auth_with_the_token_as_password_is_accepted_whatever_the_user_name(client, deployed):
    sample.start(deployed, "C-24")

    answer = fetch(client, headers=basic("any-worker", TOKEN))

    assert answer.status_code == 200
    assert len(answer.get_json()) == 1


def test_the_version_is_the_camunda_release_whose_api_this_follows(client):
    assert client.get("/engine-rest/version", headers=BEARER).get_json() == {"version": "7.20.0"}


# long polling


def test_a_long_poll_answers_as_soon_as_a_task_appears(client, deployed):
    connections_while_waiting = []

    def start_a_case_later():
        time.sleep(0.2)
        for _ in range(10):
            connections_while_waiting.append(deployed.store.engine.pool.checkedout())
            time.sleep(0.01)
        sample.start(deployed, "C-25")

    starter = threading.Thread(target=start_a_case_later)
    began = time.monotonic()
    starter.start()
    answer = fetch(client, asyncResponseTimeout=1_800)
    waited = time.monotonic() - began
    starter.join()

    assert [t["businessKey"] for t in answer.get_json()] == ["C-25"]
    assert 0.3 <= waited < 1.5
    assert 0 in connections_while_waiting  # between its looks the waiting poll holds no connection


def test_a_long_poll_answers_an_empty_list_when_its_timeout_passes(client):
    began = time.monotonic()
    answer = fetch(client, asyncResponseTimeout=400)
    waited = time.monotonic() - began

    assert answer.status_code == 200
    assert answer.get_json() == []
    assert 0.4 <= waited < 1.5


def test_without_a_timeout_an_empty_fetch_answers_at_once(client):
    began = time.monotonic()
    answer = fetch(client)

    assert answer.get_json() == []
    assert time.monotonic() - began < 0.2
    assert json.loads(answer.data) == []
