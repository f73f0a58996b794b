"""`/incident`: open incidents (external tasks or jobs out of retries, uncaught BPMN errors); `/job`.

A job is an async continuation's (camunda:asyncBefore / asyncAfter): listed while it is to
run or out of retries, and given new retries with `PUT /job/{id}/retries`, as in Camunda.
"""

from __future__ import annotations

from flask import current_app, jsonify

from engine.errors import NotFound
from engine.people.incidents import (
    FILTER_COLUMNS,
    JOB_FILTER_COLUMNS,
    find_incidents,
    find_jobs,
    open_incident,
)
from web.camunda import params
from web.camunda.access import READ_INSTANCE, UPDATE_INSTANCE, caller
from web.camunda.routes import count, route
from web.camunda.shapes import date, definition_id

LIST_FILTERS = ("incidentId", "incidentType", "processInstanceId", "activityId", "configuration")
SORT_FIELDS = ("incidentId", "incidentTimestamp", "activityId", "processInstanceId")


def incident_json(incident, definition, resolved: bool = False) -> dict:
    """An incident as Camunda shows it (historic ones add their end)."""
    body = {
        "id": str(incident.id),
        "processDefinitionId": definition_id(definition),
        "processInstanceId": incident.case_id,
        "executionId": incident.external_task_id,
        "incidentTimestamp": date(incident.created_at),
        "incidentType": incident.kind,
        "activityId": incident.element_id,
        "failedActivityId": incident.element_id,
        "causeIncidentId": str(incident.id),
        "rootCauseIncidentId": str(incident.id),
        "configuration": incident.external_task_id,
        "tenantId": None,
        "incidentMessage": incident.message,
        "jobDefinitionId": None,
        "annotation": None,
    }
    if resolved:
        body |= {
            "processDefinitionKey": definition.key,
            "createTime": date(incident.created_at),
            "endTime": date(incident.resolved_at),
            "removalTime": None,
            "rootProcessInstanceId": incident.case_id,
            "open": incident.resolved_at is None,
            "deleted": False,
            "resolved": incident.resolved_at is not None,
        }
    return body


def find(open_only: bool) -> list:
    """Return incidents (open ones, or all) with their definitions, filtered by the query."""
    filters = {name: params.text(name) for name in ("incidentId", *FILTER_COLUMNS)}
    with current_app.extensions["licflow"].reading() as session:
        return find_incidents(session, open_only, {k: v for k, v in filters.items() if v is not None})


def sorted_window(rows: list, sort_fields: tuple[str, ...]) -> list:
    """Sort and cut incident rows as the request asks."""
    window = params.window(sort_fields)
    keys = {
        "incidentId": lambda r: r[0].id,
        "incidentTimestamp": lambda r: r[0].created_at,
        "createTime": lambda r: r[0].created_at,
        "activityId": lambda r: r[0].element_id or "",
        "processInstanceId": lambda r: r[0].case_id,
    }
    rows.sort(key=keys[window.sort_by or "incidentId"], reverse=window.descending)
    return window.cut(rows)


@route("GET", "/incident", READ_INSTANCE, query=LIST_FILTERS, sort_by=SORT_FIELDS)
def incident_list():
    """Open incidents, filtered, sorted and paged."""
    return jsonify([incident_json(i, d) for i, d in sorted_window(find(open_only=True), SORT_FIELDS)])


@route("GET", "/incident/count", READ_INSTANCE, query=LIST_FILTERS)
def incident_count():
    """How many open incidents match the filters."""
    return count(len(find(open_only=True)))


@route("GET", "/incident/{incident_id}", READ_INSTANCE)
def incident(incident_id: str):
    """One open incident."""
    with current_app.extensions["licflow"].reading() as session:
        row = open_incident(session, incident_id)
    if row is None:
        raise NotFound(f"Cannot find incident with id {incident_id}")
    return jsonify(incident_json(*row))


JOB_FILTERS = (*JOB_FILTER_COLUMNS, "withRetriesLeft", "noRetriesLeft", "withException")


def job_json(job, definition) -> dict:
    """A job as Camunda shows it."""
    return {
        "id": job.id,
        "jobDefinitionId": None,
        "processInstanceId": job.case_id,
        "processDefinitionId": definition_id(definition),
        "processDefinitionKey": definition.key,
        "executionId": job.id,
        "exceptionMessage": job.error_message,
        "failedActivityId": job.element_id if job.error_message else None,
        "retries": 0 if job.status == "incident" else (job.retries if job.retries is not None else 3),
        "dueDate": date(job.due_at),
        "suspended": False,
        "priority": 0,
        "tenantId": None,
        "createTime": date(job.due_at),
    }


def _jobs() -> list:
    filters = {name: params.text(name) for name in JOB_FILTER_COLUMNS}
    left = True if params.boolean("withRetriesLeft") else False if params.boolean("noRetriesLeft") else None
    with current_app.extensions["licflow"].reading() as session:
        rows = find_jobs(session, {k: v for k, v in filters.items() if v is not None}, left)
    if params.boolean("withException"):
        rows = [(job, definition) for job, definition in rows if job.error_message]
    return rows


@route("GET", "/job", READ_INSTANCE, query=JOB_FILTERS)
def job_list():
    """The jobs of async continuations still to run or out of retries."""
    return jsonify([job_json(j, d) for j, d in _jobs()])


@route("GET", "/job/count", READ_INSTANCE, query=JOB_FILTERS)
def job_count():
    """How many jobs match the filters."""
    return count(len(_jobs()))


@route("GET", "/job/{job_id}", READ_INSTANCE)
def job(job_id: str):
    """One job."""
    with current_app.extensions["licflow"].reading() as session:
        rows = find_jobs(session, {"jobId": job_id})
    if not rows:
        raise NotFound(f"Job with id {job_id} does not exist")
    return jsonify(job_json(*rows[0]))


@route("PUT", "/job/{job_id}/retries", UPDATE_INSTANCE, body="json", ok=204)
def set_job_retries(job_id: str):
    """Set a job's retries; more than 0 resolves its incident and the timer service runs it again."""
    retries = params.body().get("retries")
    current_app.extensions["licflow"].set_job_retries(job_id, retries, caller().actor)
    return "", 204
