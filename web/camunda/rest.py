"""The Camunda 7 external-task REST protocol under /engine-rest, for remote workers.

Workers written for Camunda 7.20 (the official `camunda-external-task-client-js`, the
Python `camunda-external-task-client-python3`, the Java client, hand-written HTTP)
fetch, lock and answer licflow's external tasks here unchanged. Callers authenticate
as every /engine-rest caller does (`web/camunda/access.py`); workers use a token.

Errors are answered as Camunda does, `{"type", "message", "code"}` (`web/camunda/routes.py`):

    404 RestException               no such task (also a task that completed meanwhile)
    400 RestException               the task is not locked by this worker (Camunda's
                                    BadUserRequestException answer), or cannot be locked
    400 InvalidRequestException     a malformed body, a bad or unknown variable type
    409 OptimisticLockingException  the case changed under the request; try again
    422 ProcessEngineException      the diagram failed when the case moved on
    401 Unauthorized                no known credential
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from flask import current_app, jsonify

from engine.external import remote as remote_tasks
from engine.external.remote import RemoteTask, TaskQuery, TopicRequest
from web.camunda import params
from web.camunda.access import READ_INSTANCE, UPDATE_INSTANCE, WORK_EXTERNAL_TASK, caller
from web.camunda.params import InvalidRequest
from web.camunda.routes import count, route
from web.camunda.variables import camunda_date, from_typed, to_typed

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


@route("POST", "/external-task/fetchAndLock", WORK_EXTERNAL_TASK, body="json")
def fetch_and_lock():
    """Lock up to maxTasks tasks of the topics; with asyncResponseTimeout, wait for some."""
    body = params.body()
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


@route("GET", "/external-task/{task_id}", READ_INSTANCE)
def get_task(task_id: str):
    """One external task, without its variables."""
    with _orchestrator().reading() as session:
        task = remote_tasks.describe(session, task_id)
    return jsonify(_task_json(task))


LIST_FILTERS = (
    "externalTaskId",
    "topicName",
    "workerId",
    "locked",
    "notLocked",
    "withRetriesLeft",
    "noRetriesLeft",
    "processInstanceId",
    "activityId",
)
SORT_COLUMNS = {
    "id": "id",
    "createTime": "created_at",
    "processInstanceId": "case_id",
    "lockExpirationTime": "lock_expires_at",
}


@route("GET", "/external-task", READ_INSTANCE, query=LIST_FILTERS, sort_by=tuple(SORT_COLUMNS))
def task_list():
    """External tasks, filtered, sorted and paged."""
    tasks, _ = _find(counted=False)
    return jsonify([_task_json(task) for task in tasks])


@route("GET", "/external-task/count", READ_INSTANCE, query=LIST_FILTERS)
def task_count():
    """How many external tasks match the filters."""
    return count(_find()[1])


def _find(counted: bool = True):
    window = params.window(tuple(SORT_COLUMNS))
    locked, not_locked = params.boolean("locked"), params.boolean("notLocked")
    left, none_left = params.boolean("withRetriesLeft"), params.boolean("noRetriesLeft")
    query = TaskQuery(
        task_id=params.text("externalTaskId"),
        topic=params.text("topicName"),
        worker_id=params.text("workerId"),
        locked=True if locked else False if not_locked else None,
        retries_left=True if left else False if none_left else None,
        case_id=params.text("processInstanceId"),
        element_id=params.text("activityId"),
        sort_by=SORT_COLUMNS[window.sort_by or "id"],
        descending=window.descending,
        first=window.first,
        size=window.size,
    )
    with _orchestrator().reading() as session:
        return remote_tasks.find(session, query, counted)


@route("PUT", "/external-task/{task_id}/retries", UPDATE_INSTANCE, body="json", ok=204)
def set_retries(task_id: str):
    """Set the retries a task has left; more than 0 resolves its incident."""
    body = params.body()
    retries = _integer(body, "retries", minimum=0, required=True)
    _orchestrator().set_external_task_retries(task_id, retries, caller().actor)
    return "", 204


@route("POST", "/external-task/{task_id}/complete", WORK_EXTERNAL_TASK, body="json", ok=204)
def complete(task_id: str):
    """Complete a task this worker holds; variables and localVariables both go to the case."""
    body = params.body()
    variables = from_typed(body.get("variables"), "variables")
    # licflow keeps one set of variables per case: a task's local variables are written there too
    variables.update(from_typed(body.get("localVariables"), "localVariables"))
    _orchestrator().complete_external_task(task_id, _worker_id(body), variables)
    return "", 204


@route("POST", "/external-task/{task_id}/failure", WORK_EXTERNAL_TASK, body="json", ok=204)
def failure(task_id: str):
    """Report a technical failure; the worker sets the retries left and when to retry."""
    body = params.body()
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


@route("POST", "/external-task/{task_id}/bpmnError", WORK_EXTERNAL_TASK, body="json", ok=204)
def bpmn_error(task_id: str):
    """Throw a BPMN error for the diagram to catch; uncaught, it becomes an incident."""
    body = params.body()
    worker_id = _worker_id(body)
    code = _string(body, "errorCode")
    if not code:
        raise InvalidRequest("errorCode is required")
    variables = from_typed(body.get("variables"), "variables")
    _orchestrator().bpmn_error(task_id, worker_id, code, _string(body, "errorMessage") or "", variables)
    return "", 204


@route("POST", "/external-task/{task_id}/extendLock", WORK_EXTERNAL_TASK, body="json", ok=204)
def extend_lock(task_id: str):
    """Set the lock of a task this worker holds to expire newDuration ms from now."""
    body = params.body()
    worker_id = _worker_id(body)
    duration = _integer(body, "newDuration", minimum=1, required=True, maximum=MAX_DURATION_MS)
    _orchestrator().extend_lock(task_id, worker_id, timedelta(milliseconds=duration))
    return "", 204


@route("POST", "/external-task/{task_id}/lock", WORK_EXTERNAL_TASK, body="json", ok=204)
def lock(task_id: str):
    """Lock one task by id for lockDuration ms (or extend this worker's own lock)."""
    body = params.body()
    worker_id = _worker_id(body)
    duration = _integer(body, "lockDuration", minimum=1, required=True, maximum=MAX_DURATION_MS)
    with _orchestrator().transaction() as session:
        remote_tasks.lock(session, task_id, worker_id, timedelta(milliseconds=duration))
    return "", 204


@route("POST", "/external-task/{task_id}/unlock", WORK_EXTERNAL_TASK, body="json", ok=204)
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
