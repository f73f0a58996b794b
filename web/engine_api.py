"""A small JSON API over the engine's commands, for scripts and tests."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from engine.errors import InvalidCommand
from engine.people import queries
from web.auth import token_required

bp = Blueprint("engine_api", __name__, url_prefix="/api/engine")


def _orchestrator():
    return current_app.extensions["licflow"]


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidCommand("the request body must be a JSON object")
    return body


@bp.post("/process/<key>/start")
@token_required
def start_case(key: str):
    """Start a case of process `key`."""
    body = _json_body()
    case_id = _orchestrator().start_case(
        key, body.get("businessKey"), body.get("variables") or {}, actor=f"api:{g.client}"
    )
    return jsonify(id=case_id), 201


@bp.get("/tasks")
@token_required
def open_tasks():
    """List open user tasks, optionally of one candidate group."""
    with _orchestrator().transaction() as session:
        tasks = [
            {"id": t.id, "caseId": t.case_id, "elementId": t.element_id, "name": t.name}
            for t in queries.open_user_tasks(session, request.args.get("group"))
        ]
    return jsonify(tasks)


@bp.post("/tasks/<task_id>/complete")
@token_required
def complete_task(task_id: str):
    """Complete a user task with the variables given; `userId` completes a task that person claimed."""
    body = _json_body()
    username = body.get("userId")
    if username is not None and (not isinstance(username, str) or not username):
        raise InvalidCommand("userId must be a user name")
    actor = f"api:{g.client}" if username is None else f"api:{g.client}:user:{username}"
    case_id = _orchestrator().complete_user_task(task_id, body.get("variables") or {}, actor, username)
    return jsonify(caseId=case_id)


@bp.post("/message")
@token_required
def correlate():
    """Correlate a message by business key, case id or correlation keys."""
    body = _json_body()
    case_id = _orchestrator().correlate_message(
        body.get("messageName", ""),
        body.get("processVariables") or {},
        business_key=body.get("businessKey"),
        case_id=body.get("caseId"),
        correlation_keys=body.get("correlationKeys"),
        actor=f"api:{g.client}",
    )
    return jsonify(caseId=case_id)


@bp.post("/numbers/<series>")
@token_required
def allocate_number(series: str):
    """Allocate the next number of `series` for an idempotency key; the same key gets the same number."""
    body = _json_body()
    key = body.get("idempotencyKey")
    if not isinstance(key, str) or not key:
        raise InvalidCommand("idempotencyKey is required")
    value = _orchestrator().allocate_number(series, key)
    return jsonify(series=series, idempotencyKey=key, value=value)
