"""Locks, unknown tasks, credentials and the version route."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from engine import clock
from tests.engine import sample
from tests.web.camunda.helpers import BEARER, TOKEN, basic, boolean, fetch, fetch_one, post, row
from web.camunda.variables import camunda_date

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


def _lock_later(client, task_id: str, worker_id: str, later: timedelta, lock_ms: int):
    """Lock the task by id `later` from now; return the answer, the task as shown then, and then."""
    with time_machine.travel(clock.now() + later, tick=False):
        answer = post(client, task_id, "lock", {"workerId": worker_id, "lockDuration": lock_ms})
        shown = client.get(f"/engine-rest/external-task/{task_id}", headers=BEARER).get_json()
        return answer, shown, clock.now()


def test_lock_by_id_takes_a_task_whose_lock_expired_and_counts_the_attempt_lost(client, deployed):
    sample.start(deployed, "C-23")
    task = fetch_one(client, "w1")

    answer, shown, _ = _lock_later(client, task["id"], "w2", timedelta(hours=1), 60_000)

    assert answer.status_code == 204
    assert (shown["workerId"], shown["retries"]) == ("w2", 2)  # three by default, one lost with w1's lock


def test_lock_by_id_of_a_task_the_worker_holds_sets_its_lock_anew(client, deployed):
    sample.start(deployed, "C-24")
    task = fetch_one(client, "w1")

    answer, shown, then = _lock_later(client, task["id"], "w1", timedelta(seconds=30), 600_000)

    assert answer.status_code == 204
    expected = camunda_date(then + timedelta(minutes=10))
    assert (shown["workerId"], shown["lockExpirationTime"], shown["retries"]) == ("w1", expected, None)


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
