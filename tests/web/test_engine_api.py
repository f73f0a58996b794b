"""The JSON engine API: tokens required, domain errors answered as JSON with the right status."""

from __future__ import annotations

import pytest

from engine.runtime.documents import Received
from tests.conftest import read_diagram
from tests.engine import sample
from web import create_app

TOKEN = "test-token-123"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(orchestrator):
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    app = create_app(orchestrator, {"TESTING": True, "API_TOKENS": {"tests": TOKEN}})
    return app.test_client()


def _start(client, business_key: str):
    variables = {"review_due": sample.REVIEW_DUE, "due": sample.DUE}
    return client.post(
        "/api/engine/process/core_sample/start",
        json={"businessKey": business_key, "variables": variables},
        headers=AUTH,
    )


def test_a_request_without_a_token_gets_401_and_creates_nothing(client, orchestrator):
    answer = client.post("/api/engine/process/core_sample/start", json={"businessKey": "X"})

    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert sample.rows(orchestrator, sample.Case) == []


def test_a_wrong_token_gets_401(client):
    answer = client.get("/api/engine/tasks", headers={"Authorization": "Bearer nope"})

    assert answer.status_code == 401


def test_a_case_started_over_http_reaches_its_review(client, orchestrator):
    answer = _start(client, "W-1")
    sample.pass_check(orchestrator)

    tasks = client.get("/api/engine/tasks?group=officers", headers=AUTH).get_json()

    assert answer.status_code == 201
    assert [(t["caseId"], t["elementId"]) for t in tasks] == [(answer.get_json()["id"], "review")]
    assert client.get("/api/engine/tasks?group=heads", headers=AUTH).get_json() == []


def test_open_tasks_are_found_by_business_key(client, orchestrator):
    first, _ = (_start(client, key).get_json()["id"] for key in ("W-7", "W-8"))
    sample.pass_check(orchestrator)

    tasks = client.get("/api/engine/tasks?businessKey=W-7", headers=AUTH).get_json()

    assert [(t["caseId"], t["businessKey"], t["elementId"]) for t in tasks] == [(first, "W-7", "review")]


def test_completing_a_task_twice_answers_409(client, orchestrator):
    case_id = _start(client, "W-2").get_json()["id"]
    sample.pass_check(orchestrator)
    task_id = sample.open_review(orchestrator, case_id).id

    first = client.post(f"/api/engine/tasks/{task_id}/complete", json={"variables": {}}, headers=AUTH)
    second = client.post(f"/api/engine/tasks/{task_id}/complete", json={"variables": {}}, headers=AUTH)

    assert first.status_code == 200
    assert second.status_code == 409
    assert second.get_json()["type"] == "Conflict"


def test_an_unknown_process_answers_404_with_a_reason(client):
    answer = client.post("/api/engine/process/nope/start", json={}, headers=AUTH)

    assert answer.status_code == 404
    assert "nope" in answer.get_json()["message"]


def test_a_body_that_is_not_an_object_answers_400(client):
    answer = client.post("/api/engine/process/core_sample/start", data="[1,2]", headers=AUTH)

    assert answer.status_code == 400


def test_variables_that_are_not_an_object_answer_400_and_create_nothing(client, orchestrator):
    answer = client.post("/api/engine/process/core_sample/start", json={"variables": [1, 2]}, headers=AUTH)

    assert answer.status_code == 400
    assert sample.rows(orchestrator, sample.Case) == []


def test_a_message_for_nobody_answers_404(client):
    answer = client.post(
        "/api/engine/message", json={"messageName": "answer", "businessKey": "none"}, headers=AUTH
    )

    assert answer.status_code == 404


def test_health_answers_ok(client):
    assert client.get("/health").get_json() == {"status": "ok"}


def test_a_number_asked_for_twice_under_one_key_is_the_same_and_the_next_key_gets_the_next(client):
    first = client.post(
        "/api/engine/numbers/license:216:2026", json={"idempotencyKey": "case-1:task-1"}, headers=AUTH
    )
    again = client.post(
        "/api/engine/numbers/license:216:2026", json={"idempotencyKey": "case-1:task-1"}, headers=AUTH
    )
    other = client.post(
        "/api/engine/numbers/license:216:2026", json={"idempotencyKey": "case-2:task-9"}, headers=AUTH
    )

    assert [a.get_json()["value"] for a in (first, again, other)] == [1, 1, 2]


def test_a_number_without_an_idempotency_key_is_refused_and_none_is_taken(client):
    refused = client.post("/api/engine/numbers/license:216:2026", json={}, headers=AUTH)
    taken = client.post("/api/engine/numbers/license:216:2026", json={"idempotencyKey": "k"}, headers=AUTH)

    assert refused.status_code == 400
    assert "idempotencyKey" in refused.get_json()["message"]
    assert taken.get_json()["value"] == 1


def test_a_number_needs_a_token(client):
    assert client.post("/api/engine/numbers/s", json={"idempotencyKey": "k"}).status_code == 401


def test_a_cases_documents_are_destroyed_once_per_idempotency_key(client, orchestrator):
    case_id = _start(client, "W-9").get_json()["id"]
    orchestrator.attach_document(
        case_id, Received("execution_report", "R-1", "application/xml", "<r/>", "cd" * 32, {}), "portal:x"
    )
    path = f"/api/engine/cases/{case_id}/documents/destroy"

    first = client.post(path, json={"idempotencyKey": f"{case_id}:t1"}, headers=AUTH)
    again = client.post(path, json={"idempotencyKey": f"{case_id}:t1"}, headers=AUTH)

    assert first.status_code == again.status_code == 200
    assert [d["reference"] for d in first.get_json()["documents"]] == ["R-1"]
    assert again.get_json() == first.get_json()
    assert client.post(path, json={}, headers=AUTH).status_code == 400
    assert client.post(path, json={"idempotencyKey": "k"}).status_code == 401
    missing = client.post(
        "/api/engine/cases/nope/documents/destroy", json={"idempotencyKey": "k"}, headers=AUTH
    )
    assert missing.status_code == 404
