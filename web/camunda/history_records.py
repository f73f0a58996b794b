"""`/history/task`, `variable-instance`, `incident`, `external-task-log`, `user-operation`."""

from __future__ import annotations

from flask import current_app, jsonify

from engine.history import logs
from engine.runtime import cases
from web.camunda import incidents as incident_routes
from web.camunda import params
from web.camunda.access import READ_HISTORY
from web.camunda.routes import count, route
from web.camunda.shapes import date, definition_id
from web.camunda.variables import to_typed_value

TASK_FILTERS = ("processInstanceId", "taskDefinitionKey", "finished", "unfinished")
BY_CASE = ("processInstanceId",)
VARIABLE_FILTERS = ("processInstanceId", "processInstanceIdIn", "variableName", "deserializeValues")
INCIDENT_FILTERS = (*incident_routes.LIST_FILTERS, "open", "resolved")
TIME_SORT = ("timestamp",)


def _reading():
    return current_app.extensions["licflow"].reading()


def _tasks() -> list[dict]:
    finished, unfinished = params.boolean("finished"), params.boolean("unfinished")
    with _reading() as session:
        rows = logs.user_task_records(
            session,
            params.text("processInstanceId"),
            params.text("taskDefinitionKey"),
            True if finished else False if unfinished else None,
        )
    return [_task_json(task, definition) for task, definition in rows]


def _task_json(task, definition) -> dict:
    ended = task.completed_at
    return {
        "id": task.id,
        "processDefinitionKey": definition.key,
        "processDefinitionId": definition_id(definition),
        "processInstanceId": task.case_id,
        "executionId": task.id,
        "caseDefinitionKey": None,
        "caseDefinitionId": None,
        "caseInstanceId": None,
        "caseExecutionId": None,
        "activityInstanceId": f"{task.element_id}:{task.id}",
        "name": task.name,
        "description": None,
        "deleteReason": {"completed": "completed", "cancelled": "deleted"}.get(task.status),
        "owner": None,
        "assignee": (task.completed_by or "").removeprefix("user:") or task.assignee,
        "startTime": date(task.created_at),
        "endTime": date(ended),
        "duration": int((ended - task.created_at).total_seconds() * 1000) if ended else None,
        "taskDefinitionKey": task.element_id,
        "priority": 50,
        "due": date(task.due_at),
        "parentTaskId": None,
        "followUp": None,
        "tenantId": None,
        "removalTime": None,
        "rootProcessInstanceId": task.case_id,
    }


@route("GET", "/history/task", READ_HISTORY, query=TASK_FILTERS, sort_by=("startTime",))
def tasks():
    """Every user task, open or ended, with who completed it."""
    return jsonify(params.sorted_page(_tasks(), ("startTime",), lambda t: (t["startTime"], t["id"])))


@route("GET", "/history/task/count", READ_HISTORY, query=TASK_FILTERS)
def task_count():
    """How many user tasks match the filters."""
    return count(len(_tasks()))


def _variables() -> list[dict]:
    wanted = set(params.texts("processInstanceIdIn") or []) | {params.text("processInstanceId")} - {None}
    name = params.text("variableName")
    params.boolean("deserializeValues")
    found = []
    with _reading() as session:
        for record in logs.case_records(session):
            if wanted and record.case.id not in wanted:
                continue
            values = cases.case_variables(cases.read_case(session, record.case.id).workflow)
            for variable, value in sorted(values.items()):
                if name is None or variable == name:
                    found.append(_variable_json(record, variable, value))
    return found


def _variable_json(record, name: str, value) -> dict:
    typed = to_typed_value(value)
    case, definition = record.case, record.definition
    return {
        "id": f"{case.id}:{name}",
        "name": name,
        "type": typed["type"],
        "value": typed["value"],
        "valueInfo": typed["valueInfo"],
        "processDefinitionKey": definition.key,
        "processDefinitionId": definition_id(definition),
        "processInstanceId": case.id,
        "executionId": case.id,
        "activityInstanceId": case.id,
        "caseDefinitionKey": None,
        "caseDefinitionId": None,
        "caseInstanceId": None,
        "caseExecutionId": None,
        "taskId": None,
        "errorMessage": None,
        "tenantId": None,
        "state": "CREATED",
        "createTime": date(case.started_at),
        "removalTime": None,
        "rootProcessInstanceId": case.id,
    }


@route("GET", "/history/variable-instance", READ_HISTORY, query=VARIABLE_FILTERS, sort_by=("variableName",))
def variable_instances():
    """The variables every case holds (or held when it ended)."""
    return jsonify(
        params.sorted_page(_variables(), ("variableName",), lambda v: (v["name"], v["processInstanceId"]))
    )


@route("GET", "/history/variable-instance/count", READ_HISTORY, query=VARIABLE_FILTERS)
def variable_instance_count():
    """How many variables match the filters."""
    return count(len(_variables()))


def _incidents() -> list:
    rows = incident_routes.find(open_only=False)
    is_open, resolved = params.boolean("open"), params.boolean("resolved")
    if is_open:
        rows = [r for r in rows if r[0].resolved_at is None]
    if resolved:
        rows = [r for r in rows if r[0].resolved_at is not None]
    return rows


@route("GET", "/history/incident", READ_HISTORY, query=INCIDENT_FILTERS, sort_by=("incidentId", "createTime"))
def incidents():
    """Every incident, open or resolved."""
    rows = incident_routes.sorted_window(_incidents(), ("incidentId", "createTime"))
    return jsonify([incident_routes.incident_json(i, d, resolved=True) for i, d in rows])


@route("GET", "/history/incident/count", READ_HISTORY, query=INCIDENT_FILTERS)
def incident_count():
    """How many incidents match the filters."""
    return count(len(_incidents()))


def _worker_log() -> list[dict]:
    with _reading() as session:
        found = logs.events(session, logs.WORKER_EVENTS, params.text("processInstanceId"))
        definitions = logs.definitions_of(session, {e.case_id for e in found})
    return [_worker_json(e, definitions[e.case_id]) for e in found]


def _worker_json(event, definition) -> dict:
    data = event.data or {}
    return {
        "id": str(event.id),
        "timestamp": date(event.at),
        "externalTaskId": data.get("task_id"),
        "topicName": data.get("topic"),
        "workerId": event.actor.removeprefix("worker:"),
        "priority": 0,
        "retries": data.get("retries_left"),
        "errorMessage": data.get("message"),
        "activityId": event.element_id,
        "activityInstanceId": f"{event.element_id}:{data.get('task_id')}",
        "executionId": data.get("task_id"),
        "processInstanceId": event.case_id,
        "processDefinitionId": definition_id(definition),
        "processDefinitionKey": definition.key,
        "tenantId": None,
        "creationLog": False,
        "failureLog": event.kind == "external_task_failed",
        "successLog": event.kind != "external_task_failed",  # a BPMN error is an answer, as in Camunda
        "deletionLog": False,
        "removalTime": None,
        "rootProcessInstanceId": event.case_id,
    }


@route("GET", "/history/external-task-log", READ_HISTORY, query=BY_CASE, sort_by=TIME_SORT)
def external_task_log():
    """What workers reported: completions, failures, BPMN errors."""
    return jsonify(params.sorted_page(_worker_log(), TIME_SORT, lambda e: (e["timestamp"], int(e["id"]))))


@route("GET", "/history/external-task-log/count", READ_HISTORY, query=BY_CASE)
def external_task_log_count():
    """How many worker reports match the filters."""
    return count(len(_worker_log()))


def _operations() -> list[dict]:
    with _reading() as session:
        found = logs.events(session, tuple(logs.OPERATIONS), params.text("processInstanceId"))
        definitions = logs.definitions_of(session, {e.case_id for e in found})
    people = [e for e in found if e.actor.startswith(("user:", "client:"))]
    return [_operation_json(e, definitions[e.case_id]) for e in people]


def _operation_json(event, definition) -> dict:
    operation, entity = logs.OPERATIONS[event.kind]
    data = event.data or {}
    return {
        "id": str(event.id),
        "deploymentId": definition.deployment_id,
        "processDefinitionId": definition_id(definition),
        "processDefinitionKey": definition.key,
        "processInstanceId": event.case_id,
        "executionId": event.case_id,
        "taskId": data.get("task_id"),
        "externalTaskId": data.get("task_id") if entity == "ExternalTask" else None,
        "userId": event.actor.split(":", 1)[1],
        "timestamp": date(event.at),
        "operationId": str(event.id),
        "operationType": operation,
        "entityType": entity,
        "category": "TaskWorker" if entity == "Task" else "Operator",
        "annotation": data.get("reason"),
        "property": None,
        "orgValue": data.get("previous_assignee"),
        "newValue": data.get("assignee"),
        "removalTime": None,
        "rootProcessInstanceId": event.case_id,
    }


@route("GET", "/history/user-operation", READ_HISTORY, query=BY_CASE, sort_by=TIME_SORT)
def user_operations():
    """What people and clients did to cases and tasks."""
    return jsonify(params.sorted_page(_operations(), TIME_SORT, lambda o: (o["timestamp"], int(o["id"]))))


@route("GET", "/history/user-operation/count", READ_HISTORY, query=BY_CASE)
def user_operation_count():
    """How many operations match the filters."""
    return count(len(_operations()))
