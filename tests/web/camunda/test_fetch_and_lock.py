"""fetchAndLock: what is locked, which variables come out, filters refused, long polling."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import time_machine

from engine import clock
from tests.engine import sample
from tests.web.camunda.helpers import BEARER, TOPIC, fetch, fetch_one, row
from web.camunda.variables import camunda_date

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
