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
    """List open user tasks, optionally of one candidate group or one business key."""
    with _orchestrator().transaction() as session:
        found = queries.open_user_tasks(
            session, request.args.get("group"), business_key=request.args.get("businessKey")
        )
        keys = queries.business_keys(session, [t.case_id for t in found])
        tasks = [
            {
                "id": t.id,
                "caseId": t.case_id,
                "businessKey": keys.get(t.case_id),
                "elementId": t.element_id,
                "name": t.name,
            }
            for t in found
        ]
    return jsonify(tasks)


@bp.post("/tasks/<task_id>/complete")
@token_required
def complete_task(task_id: str):
    """Complete a user task with the variables given."""
    body = _json_body()
    case_id = _orchestrator().complete_user_task(task_id, body.get("variables") or {}, f"api:{g.client}")
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


@bp.post("/cases/<case_id>/documents/destroy")
@token_required
def destroy_documents(case_id: str):
    """Destroy a case's documents for the task holding the idempotency key; the same key, the same answer."""
    body = _json_body()
    key = body.get("idempotencyKey")
    if not isinstance(key, str) or not key:
        raise InvalidCommand("idempotencyKey is required")
    destroyed = _orchestrator().destroy_case_documents(case_id, key, f"api:{g.client}")
    return jsonify(caseId=case_id, idempotencyKey=key, documents=destroyed)
