"""A small JSON API over the engine's commands, for scripts and tests."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from engine.errors import InvalidCommand
from engine.people import queries
from web.auth import token_required
from web.bodies import has_nul

bp = Blueprint("engine_api", __name__, url_prefix="/api/engine")


def _orchestrator():
    return current_app.extensions["licflow"]


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidCommand("the request body must be a JSON object")
    if has_nul(body):
        raise InvalidCommand("the request body must not contain NUL characters")
    return body


def _text(body: dict, name: str, max_length: int, required: bool = False) -> str | None:
    """Return the string field `name` (None when absent), refusing another type or a longer one."""
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value or len(value) > max_length:
        raise InvalidCommand(f"{name} must be a string of 1 to {max_length} characters")
    return value


def _object(body: dict, name: str) -> dict:
    """Return the object field `name` ({} when absent or null), refusing another type."""
    value = body.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidCommand(f"{name} must be an object")
    return value


@bp.post("/process/<key>/start")
@token_required
def start_case(key: str):
    """Start a case of process `key`."""
    body = _json_body()
    case_id = _orchestrator().start_case(
        key, _text(body, "businessKey", 200), _object(body, "variables"), actor=f"api:{g.client}"
    )
    return jsonify(id=case_id), 201


@bp.get("/tasks")
@token_required
def open_tasks():
    """List open user tasks, optionally of one candidate group or one business key."""
    with _orchestrator().reading() as session:
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
    """Complete a user task with the variables given; `userId` completes a task that person claimed."""
    body = _json_body()
    username = _text(body, "userId", 100)  # history names the actor in 200 characters
    actor = f"api:{g.client}" if username is None else f"api:{g.client}:user:{username}"
    case_id = _orchestrator().complete_user_task(task_id, _object(body, "variables"), actor, username)
    return jsonify(caseId=case_id)


@bp.post("/message")
@token_required
def correlate():
    """Correlate a message by business key, case id or correlation keys."""
    body = _json_body()
    case_id = _orchestrator().correlate_message(
        _text(body, "messageName", 200, required=True),
        _object(body, "processVariables"),
        business_key=_text(body, "businessKey", 200),
        case_id=_text(body, "caseId", 36),
        correlation_keys=_object(body, "correlationKeys") or None,
        actor=f"api:{g.client}",
    )
    return jsonify(caseId=case_id)


@bp.post("/numbers/<series>")
@token_required
def allocate_number(series: str):
    """Allocate the next number of `series` for an idempotency key; the same key gets the same number."""
    body = _json_body()
    key = _text(body, "idempotencyKey", 120, required=True)
    if len(series) > 100:
        raise InvalidCommand("a series name has at most 100 characters")
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
