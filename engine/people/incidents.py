"""Read-only questions about incidents and the jobs behind them, for the Camunda REST API and the pages."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.runtime.definitions import WITHOUT_BODIES
from store.models import Case, Incident, ProcessDefinition, Timer

# Camunda's incident filter -> the column it narrows
FILTER_COLUMNS = {
    "incidentType": Incident.kind,
    "processInstanceId": Incident.case_id,
    "activityId": Incident.element_id,
    "configuration": Incident.external_task_id,
}


def find_incidents(
    session: Session, open_only: bool, filters: Mapping[str, str]
) -> list[tuple[Incident, ProcessDefinition]]:
    """Return incidents (open ones, or all) with their definitions, narrowed by Camunda's filters."""
    statement = _with_definitions().order_by(Incident.id)
    if open_only:
        statement = statement.where(Incident.resolved_at.is_(None))
    incident_id = filters.get("incidentId")
    if incident_id is not None:
        statement = statement.where(Incident.id == _number(incident_id))
    for name, column in FILTER_COLUMNS.items():
        if filters.get(name) is not None:
            statement = statement.where(column == filters[name])
    return [tuple(row) for row in session.execute(statement).all()]


def open_incident(session: Session, incident_id: str) -> tuple[Incident, ProcessDefinition] | None:
    """Return one open incident with its definition, or None."""
    statement = _with_definitions().where(Incident.id == _number(incident_id), Incident.resolved_at.is_(None))
    row = session.execute(statement).first()
    return None if row is None else tuple(row)


def _with_definitions():
    return (
        select(Incident, ProcessDefinition)
        .join(Case, Case.id == Incident.case_id)
        .join(ProcessDefinition, ProcessDefinition.id == Case.definition_id)
        .options(*WITHOUT_BODIES)
    )


def _number(incident_id: str) -> int:
    return int(incident_id) if incident_id.isdigit() else -1


# Camunda's job filter -> the column it narrows (jobs: the async continuations, `timers` of kind job)
JOB_FILTER_COLUMNS = {"processInstanceId": Timer.case_id, "activityId": Timer.element_id, "jobId": Timer.id}


def find_jobs(session: Session, filters: Mapping[str, str], retries_left: bool | None = None) -> list:
    """Return the jobs to run or out of retries, with their definitions, narrowed by Camunda's filters."""
    statement = (
        select(Timer, ProcessDefinition)
        .join(Case, Case.id == Timer.case_id)
        .join(ProcessDefinition, ProcessDefinition.id == Case.definition_id)
        .where(Timer.kind == "job", Timer.status.in_(("waiting", "incident")))
        .options(*WITHOUT_BODIES)
        .order_by(Timer.due_at, Timer.id)
    )
    for name, column in JOB_FILTER_COLUMNS.items():
        if filters.get(name) is not None:
            statement = statement.where(column == filters[name])
    if retries_left is not None:
        statement = statement.where(
            (Timer.status == "waiting") if retries_left else (Timer.status == "incident")
        )
    return [tuple(row) for row in session.execute(statement).all()]
