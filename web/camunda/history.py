"""`/history/...`: what happened, read from the case history (history_events) and the rows cases leave.

An activity instance is an element that completed (licflow records when, so its start
is its end, except for user tasks, which have both) or a user or external task a
running case waits at now.
"""

from __future__ import annotations

from flask import current_app, jsonify

from engine.errors import NotFound
from engine.history import logs
from web.camunda import params
from web.camunda.access import READ_HISTORY
from web.camunda.routes import count, route
from web.camunda.shapes import date, definition_id

STATES = {"running": "ACTIVE", "completed": "COMPLETED", "deleted": "EXTERNALLY_TERMINATED"}
INSTANCE_FILTERS = (
    "processInstanceId",
    "processInstanceBusinessKey",
    "processDefinitionKey",
    "finished",
    "unfinished",
)
TIME_SORT = ("startTime",)


def _reading():
    return current_app.extensions["licflow"].reading()


def _instances() -> list[dict]:
    finished, unfinished = params.boolean("finished"), params.boolean("unfinished")
    with _reading() as session:
        records = logs.case_records(
            session,
            case_id=params.text("processInstanceId"),
            business_key=params.text("processInstanceBusinessKey"),
            definition_key=params.text("processDefinitionKey"),
        )
    records = [
        r
        for r in records
        if not (finished and r.case.status == "running") and not (unfinished and r.case.status != "running")
    ]
    return [_instance_json(r) for r in records]


def _instance_json(record: logs.CaseRecord) -> dict:
    case, definition = record.case, record.definition
    ended = case.ended_at
    return {
        "id": case.id,
        "businessKey": case.business_key,
        "processDefinitionId": definition_id(definition),
        "processDefinitionKey": definition.key,
        "processDefinitionName": definition.name,
        "processDefinitionVersion": definition.version,
        "startTime": date(case.started_at),
        "endTime": date(ended),
        "removalTime": None,
        "durationInMillis": int((ended - case.started_at).total_seconds() * 1000) if ended else None,
        "startUserId": (record.started_by or "").removeprefix("user:") or None,
        "startActivityId": None,
        "deleteReason": record.delete_reason,
        "rootProcessInstanceId": case.id,
        "superProcessInstanceId": None,
        "superCaseInstanceId": None,
        "caseInstanceId": None,
        "tenantId": None,
        "state": STATES.get(case.status, case.status.upper()),
    }


@route("GET", "/history/process-instance", READ_HISTORY, query=INSTANCE_FILTERS, sort_by=TIME_SORT)
def process_instances():
    """Every case that ran or runs, how it ended, who started it and why it was deleted."""
    return jsonify(params.sorted_page(_instances(), TIME_SORT, lambda i: (i["startTime"], i["id"])))


@route("GET", "/history/process-instance/count", READ_HISTORY, query=INSTANCE_FILTERS)
def process_instance_count():
    """How many cases match the filters."""
    return count(len(_instances()))


@route("GET", "/history/process-instance/{case_id}", READ_HISTORY)
def process_instance(case_id: str):
    """One case as history shows it."""
    with _reading() as session:
        records = logs.case_records(session, case_id=case_id)
    if not records:
        raise NotFound(f"Historic process instance with id {case_id} does not exist")
    return jsonify(_instance_json(records[0]))


def _activities() -> list[dict]:
    case_id, element_id = params.text("processInstanceId"), params.text("activityId")
    with _reading() as session:
        completed = logs.events(session, ("element_completed",), case_id, element_id)
        tasks = logs.user_task_records(session, case_id, element_id)
        definitions = logs.definitions_of(session, {e.case_id for e in completed})
    user_tasks = {(t.case_id, t.element_id): t for t, _ in tasks}
    found = [
        _completed_json(e, definitions[e.case_id], user_tasks.get((e.case_id, e.element_id)))
        for e in completed
    ]
    found += [_open_json(task, definition) for task, definition in tasks if task.status == "open"]
    return found


def _completed_json(event, definition, user_task) -> dict:
    started = user_task.created_at if user_task is not None else event.at
    return {
        "id": f"{event.element_id}:{event.case_id}:{event.seq}",
        "parentActivityInstanceId": event.case_id,
        "activityId": event.element_id,
        "activityName": None,
        "activityType": "userTask" if user_task is not None else None,
        "processDefinitionKey": definition.key,
        "processDefinitionId": definition_id(definition),
        "processInstanceId": event.case_id,
        "executionId": event.case_id,
        "taskId": user_task.id if user_task is not None else None,
        "calledProcessInstanceId": None,
        "assignee": user_task.completed_by if user_task is not None else None,
        "startTime": date(started),
        "endTime": date(event.at),
        "durationInMillis": int((event.at - started).total_seconds() * 1000),
        "canceled": False,
        "completeScope": False,
        "tenantId": None,
        "removalTime": None,
        "rootProcessInstanceId": event.case_id,
    }


def _open_json(task, definition) -> dict:
    return {
        "id": f"{task.element_id}:{task.id}",
        "parentActivityInstanceId": task.case_id,
        "activityId": task.element_id,
        "activityName": task.name,
        "activityType": "userTask",
        "processDefinitionKey": definition.key,
        "processDefinitionId": definition_id(definition),
        "processInstanceId": task.case_id,
        "executionId": task.id,
        "taskId": task.id,
        "calledProcessInstanceId": None,
        "assignee": task.assignee,
        "startTime": date(task.created_at),
        "endTime": None,
        "durationInMillis": None,
        "canceled": False,
        "completeScope": False,
        "tenantId": None,
        "removalTime": None,
        "rootProcessInstanceId": task.case_id,
    }


ACTIVITY_FILTERS = ("processInstanceId", "activityId")


@route("GET", "/history/activity-instance", READ_HISTORY, query=ACTIVITY_FILTERS, sort_by=TIME_SORT)
def activity_instances():
    """Elements that completed, and the tasks a case waits at now."""
    return jsonify(params.sorted_page(_activities(), TIME_SORT, lambda a: (a["startTime"] or "", a["id"])))


@route("GET", "/history/activity-instance/count", READ_HISTORY, query=ACTIVITY_FILTERS)
def activity_instance_count():
    """How many activity instances match the filters."""
    return count(len(_activities()))
