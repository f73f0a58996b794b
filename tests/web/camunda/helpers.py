"""Helpers for driving /engine-rest as a Camunda worker drives it."""

from __future__ import annotations

import base64

from tests.engine import sample

TOKEN = "worker-token-123"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
TOPIC = {"topicName": "sample.check", "lockDuration": 60_000}


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


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


def typed(value, kind: str | None = None) -> dict:
    """A Camunda typed value (untyped when `kind` is None)."""
    return {"value": value} if kind is None else {"type": kind, "value": value, "valueInfo": {}}


def start_over_rest(rest, business_key: str, **variables) -> dict:
    """Start a core sample case over REST with its review timer and due date set; return the instance."""
    body = {
        "businessKey": business_key,
        "variables": {
            "review_due": typed(sample.REVIEW_DUE, "String"),
            "due": typed(sample.DUE, "String"),
            **{name: typed(value) for name, value in variables.items()},
        },
    }
    answer = rest.post("/process-definition/key/core_sample/start", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def to_review(rest, deployed, business_key: str) -> tuple[str, dict]:
    """Start a case and pass its check, so that it waits at the review; return (case id, the task)."""
    case_id = start_over_rest(rest, business_key)["id"]
    sample.pass_check(deployed)
    (task,) = rest.get("/task", params={"processInstanceId": case_id}).json()
    return case_id, task
