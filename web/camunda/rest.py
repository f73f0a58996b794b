"""The Camunda 7 external-task REST protocol under /engine-rest, for remote workers.

Workers written for Camunda 7.20 (the official `camunda-external-task-client-js`, the
Java client, hand-written HTTP) fetch, lock and answer licflow's external tasks here
unchanged. Every route needs one of `API_TOKENS`, as a bearer token or as the password
of HTTP Basic; otherwise 401 and nothing is touched.

Errors are answered as Camunda does, `{"type", "message", "code"}`:

    404 RestException               no such task (also a task that completed meanwhile)
    400 RestException               the task is not locked by this worker (Camunda's
                                    BadUserRequestException answer), or cannot be locked
    400 InvalidRequestException     a malformed body, a bad or unknown variable type
    409 OptimisticLockingException  the case changed under the request; try again
    422 ProcessEngineException      the diagram failed when the case moved on
    401 Unauthorized                no known credential

Statuses other than the lock refusal come from `web.errors.status_of`, so they match
licflow's own JSON API.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from engine import errors
from engine.runtime import remote_tasks
from engine.runtime.remote_tasks import RemoteTask, TopicRequest
from web import auth
from web.bodies import has_nul
from web.camunda.variables import camunda_date, from_typed, to_typed
from web.errors import status_of

bp = Blueprint("camunda_rest", __name__, url_prefix="/engine-rest")

VERSION = "7.20.0"
POLL_INTERVAL = 0.2  # seconds between looks for new tasks while a long poll waits
MAX_ASYNC_RESPONSE_TIMEOUT_MS = 60_000  # a longer long poll is answered (empty) after this
MAX_DURATION_MS = 10 * 366 * 24 * 3600 * 1000  # a lock or retry timeout longer than ten years is refused
MAX_NUMBER = 2**31 - 1  # retries, maxTasks
MAX_WORKER_ID = 150  # history names a worker "worker:<id>" in 200 characters
UNSUPPORTED_TOPIC_FILTERS = (
    "businessKey",
    "processDefinitionId",
    "processDefinitionIdIn",
    "processDefinitionKey",
    "processDefinitionKeyIn",
    "processDefinitionVersionTag",
    "processVariables",
    "tenantIdIn",
)

# (licflow error, status or None for web.errors.status_of, Camunda exception type); first match wins
ERRORS = [
    (errors.LockLost, 400, "RestException"),
    (errors.NotFound, None, "RestException"),
    (errors.InvalidCommand, None, "InvalidRequestException"),
    (errors.Conflict, None, "OptimisticLockingException"),
    (errors.LicflowError, None, "ProcessEngineException"),
]


class InvalidRequest(errors.InvalidCommand):
    """A request body that does not follow the Camunda REST reference."""


@bp.before_request
def authenticate():
    """Answer 401 unless a known token comes as a bearer token or as a Basic password."""
    name = auth.client_name(allow_basic=True)
    if name is None:
        return auth.unauthorized(allow_basic=True)
    g.client = name
    return None


@bp.errorhandler(errors.LicflowError)
def domain_error(error: errors.LicflowError):
    status, kind = next((s, k) for cls, s, k in ERRORS if isinstance(error, cls))
    return _error(status or status_of(error), kind, str(error))


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    kind = "InvalidRequestException" if error.code == 400 else "RestException"
    return _error(error.code or 500, kind, error.description or error.name)


def _error(status: int, kind: str, message: str):
    return jsonify(type=kind, message=message, code=None), status


@bp.get("/version")
def version():
    """The Camunda version whose REST reference this API follows."""
    return jsonify(version=VERSION)


@bp.post("/external-task/fetchAndLock")
def fetch_and_lock():
    """Lock up to maxTasks tasks of the topics; with asyncResponseTimeout, wait for some."""
    body = _body()
    worker_id = _worker_id(body)
    max_tasks = _integer(body, "maxTasks", minimum=0, required=True, maximum=MAX_NUMBER)
    topics = [_topic(topic) for topic in _list(body, "topics")]
    _check_sorting(body.get("sorting"))
    timeout_ms = _integer(body, "asyncResponseTimeout", minimum=0, maximum=MAX_DURATION_MS) or 0
    # how long this request may wait is elapsed real time, not the engine's clock
    deadline = time.monotonic() + min(timeout_ms, MAX_ASYNC_RESPONSE_TIMEOUT_MS) / 1000
    while True:
        with _orchestrator().transaction() as session:  # closed before any wait
            locked = remote_tasks.fetch_and_lock(session, worker_id, topics, max_tasks)
        left = deadline - time.monotonic()
        if locked or left <= 0 or not topics or max_tasks == 0:
            break
        time.sleep(min(POLL_INTERVAL, left))
    return jsonify([_task_json(task) for task in locked])


@bp.get("/external-task/<task_id>")
def get_task(task_id: str):
    """One external task, without its variables."""
    with _orchestrator().transaction() as session:
        task = remote_tasks.describe(session, task_id)
    return jsonify(_task_json(task))


@bp.post("/external-task/<task_id>/complete")
def complete(task_id: str):
    """Complete a task this worker holds; variables and localVariables both go to the case."""
    body = _body()
    variables = from_typed(body.get("variables"), "variables")
    # licflow keeps one set of variables per case: a task's local variables are written there too
    variables.update(from_typed(body.get("localVariables"), "localVariables"))
    _orchestrator().complete_external_task(task_id, _worker_id(body), variables)
    return "", 204


@bp.post("/external-task/<task_id>/failure")
def failure(task_id: str):
    """Report a technical failure; the worker sets the retries left and when to retry."""
    body = _body()
    worker_id = _worker_id(body)
    retries = _integer(body, "retries", minimum=0, maximum=MAX_NUMBER) or 0  # as in Camunda: none given is 0
    retry_timeout = timedelta(
        milliseconds=_integer(body, "retryTimeout", minimum=0, maximum=MAX_DURATION_MS) or 0
    )
    _orchestrator().fail_external_task(
        task_id,
        worker_id,
        _string(body, "errorMessage") or "the worker reported a failure",
        _string(body, "errorDetails"),
        retries,
        retry_timeout,
    )
    return "", 204


@bp.post("/external-task/<task_id>/bpmnError")
def bpmn_error(task_id: str):
    """Throw a BPMN error for the diagram to catch; uncaught, it becomes an incident."""
    body = _body()
    worker_id = _worker_id(body)
    code = _string(body, "errorCode")
    if not code:
        raise InvalidRequest("errorCode is required")
    variables = from_typed(body.get("variables"), "variables")
    _orchestrator().bpmn_error(task_id, worker_id, code, _string(body, "errorMessage") or "", variables)
    return "", 204


@bp.post("/external-task/<task_id>/extendLock")
def extend_lock(task_id: str):
    """Set the lock of a task this worker holds to expire newDuration ms from now."""
    body = _body()
    worker_id = _worker_id(body)
    duration = _integer(body, "newDuration", minimum=1, required=True, maximum=MAX_DURATION_MS)
    _orchestrator().extend_lock(task_id, worker_id, timedelta(milliseconds=duration))
    return "", 204


@bp.post("/external-task/<task_id>/lock")
def lock(task_id: str):
    """Lock one task by id for lockDuration ms (or extend this worker's own lock)."""
    body = _body()
    worker_id = _worker_id(body)
    duration = _integer(body, "lockDuration", minimum=1, required=True, maximum=MAX_DURATION_MS)
    with _orchestrator().transaction() as session:
        remote_tasks.lock(session, task_id, worker_id, timedelta(milliseconds=duration))
    return "", 204


@bp.post("/external-task/<task_id>/unlock")
def unlock(task_id: str):
    """Release a task's lock; it is available again at once, without costing a retry."""
    _orchestrator().unlock(task_id)
    return "", 204


def _orchestrator():
    return current_app.extensions["licflow"]


def _task_json(task: RemoteTask) -> dict[str, Any]:
    """A task as Camunda shows it; a fetched one also carries its variables."""
    body = {
        "activityId": task.element_id,
        "activityInstanceId": f"{task.element_id}:{task.id}",
        "errorMessage": task.error_message,
        "errorDetails": task.error_details,
        "executionId": task.id,
        "id": task.id,
        "lockExpirationTime": camunda_date(task.lock_expires_at) if task.lock_expires_at else None,
        "processDefinitionId": f"{task.definition_key}:{task.definition_version}:{task.definition_id}",
        "processDefinitionKey": task.definition_key,
        "processDefinitionVersionTag": None,
        "processInstanceId": task.case_id,
        "tenantId": None,
        "retries": 0 if task.status == "incident" else task.retries,
        "suspended": False,
        "workerId": task.worker_id,
        "topicName": task.topic,
        "priority": 0,
        "businessKey": task.business_key,
    }
    if task.variables is not None:
        body["variables"] = to_typed(task.variables)
        body["extensionProperties"] = {}  # licflow's diagrams carry none
    return body


def _body() -> dict[str, Any]:
    if not request.get_data():
        return {}
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidRequest("the request body must be a JSON object")
    if has_nul(body):
        raise InvalidRequest("the request body must not contain NUL characters")
    return body


def _worker_id(body: dict[str, Any]) -> str:
    worker_id = body.get("workerId")
    if not isinstance(worker_id, str) or not worker_id:
        raise InvalidRequest("workerId is required")
    if len(worker_id) > MAX_WORKER_ID:
        raise InvalidRequest(f"workerId has at most {MAX_WORKER_ID} characters")
    return worker_id


def _string(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise InvalidRequest(f"{name} must be a string")
    return value


def _integer(
    body: dict[str, Any], name: str, minimum: int, required: bool = False, maximum: int | None = None
) -> int | None:
    value = body.get(name)
    if value is None:
        if required:
            raise InvalidRequest(f"{name} is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidRequest(f"{name} must be a whole number of at least {minimum}")
    if maximum is not None and value > maximum:
        raise InvalidRequest(f"{name} must be at most {maximum}")
    return value


def _list(body: dict[str, Any], name: str) -> list:
    value = body.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidRequest(f"{name} must be a list")
    return value


def _topic(topic: Any) -> TopicRequest:
    if not isinstance(topic, dict):
        raise InvalidRequest("each topic must be an object")
    name = topic.get("topicName")
    if not isinstance(name, str) or not name:
        raise InvalidRequest("each topic needs a topicName")
    for key in UNSUPPORTED_TOPIC_FILTERS:
        if topic.get(key) not in (None, [], {}):
            raise InvalidRequest(f"topic {name!r}: licflow does not support the filter {key!r}")
    duration = _integer(topic, "lockDuration", minimum=1, required=True, maximum=MAX_DURATION_MS)
    variables = topic.get("variables")
    if variables is not None and (
        not isinstance(variables, list) or not all(isinstance(v, str) for v in variables)
    ):
        raise InvalidRequest(f"topic {name!r}: variables must be a list of names")
    return TopicRequest(
        name=name,
        lock_duration=timedelta(milliseconds=duration),
        variables=None if variables is None else tuple(variables),
        local_variables=topic.get("localVariables") is True,
    )


def _check_sorting(sorting: Any) -> None:
    """Tasks are handed out oldest first; a request for any other order is refused."""
    if sorting is None:
        return
    if not isinstance(sorting, list) or any(
        not isinstance(s, dict) or s.get("sortBy") != "createTime" or s.get("sortOrder") != "asc"
        for s in sorting
    ):
        raise InvalidRequest(
            "licflow hands out tasks oldest first: only sorting by createTime asc is accepted"
        )
