"""`/incident`: open incidents (external tasks out of retries, uncaught BPMN errors), listed and counted."""

from __future__ import annotations

from flask import current_app, jsonify
from sqlalchemy import select

from engine.errors import NotFound
from store.models import Case, Incident, ProcessDefinition
from web.camunda import params
from web.camunda.access import READ_INSTANCE
from web.camunda.routes import count, route
from web.camunda.shapes import date, definition_id

LIST_FILTERS = ("incidentId", "incidentType", "processInstanceId", "activityId", "configuration")
SORT_FIELDS = ("incidentId", "incidentTimestamp", "activityId", "processInstanceId")


def incident_json(incident: Incident, definition: ProcessDefinition, resolved: bool = False) -> dict:
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


def find(open_only: bool, extra=()) -> list[tuple[Incident, ProcessDefinition]]:
    """Return incidents (open ones, or all) with their definitions, filtered by the query."""
    statement = (
        select(Incident, ProcessDefinition)
        .join(Case, Case.id == Incident.case_id)
        .join(ProcessDefinition, ProcessDefinition.id == Case.definition_id)
        .order_by(Incident.id)
    )
    if open_only:
        statement = statement.where(Incident.resolved_at.is_(None))
    incident_id = params.text("incidentId")
    if incident_id is not None:
        statement = statement.where(Incident.id == (int(incident_id) if incident_id.isdigit() else -1))
    for name, column in (
        ("incidentType", Incident.kind),
        ("processInstanceId", Incident.case_id),
        ("activityId", Incident.element_id),
        ("configuration", Incident.external_task_id),
        *extra,
    ):
        value = params.text(name)
        if value is not None:
            statement = statement.where(column == value)
    with current_app.extensions["licflow"].transaction() as session:
        return [tuple(row) for row in session.execute(statement).all()]


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
    statement = (
        select(Incident, ProcessDefinition)
        .join(Case, Case.id == Incident.case_id)
        .join(ProcessDefinition, ProcessDefinition.id == Case.definition_id)
        .where(
            Incident.id == (int(incident_id) if incident_id.isdigit() else -1), Incident.resolved_at.is_(None)
        )
    )
    with current_app.extensions["licflow"].transaction() as session:
        row = session.execute(statement).first()
    if row is None:
        raise NotFound(f"Cannot find incident with id {incident_id}")
    return jsonify(incident_json(*row))
