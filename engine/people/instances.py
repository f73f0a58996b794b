"""Running cases as clients list them: filters, variable conditions, and where each one waits."""

from __future__ import annotations

import fnmatch
import json
import operator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import InvalidCommand
from engine.runtime import cases
from engine.runtime.definitions import WITHOUT_BODIES
from store.models import Case, ExternalTask, Incident, MessageSubscription, ProcessDefinition, Timer, UserTask

COMPARISONS = {
    "eq": operator.eq,
    "neq": operator.ne,
    "gt": operator.gt,
    "gteq": operator.ge,
    "lt": operator.lt,
    "lteq": operator.le,
}
SORT_COLUMNS = {
    "instanceId": Case.id,
    "definitionKey": ProcessDefinition.key,
    "businessKey": Case.business_key,
}


@dataclass(frozen=True)
class VariableCondition:
    """`name operator value`, as in Camunda's `variables=name_eq_value`."""

    name: str
    comparison: str
    value: Any

    def holds(self, variables: dict[str, Any]) -> bool:
        """Tell whether the case's variables satisfy the condition."""
        if self.name not in variables:
            return False
        actual = variables[self.name]
        if self.comparison == "like":
            return isinstance(actual, str) and fnmatch.fnmatchcase(actual, str(self.value).replace("%", "*"))
        try:
            return COMPARISONS[self.comparison](actual, self.value)
        except TypeError:
            return False


def read_condition(text: str) -> VariableCondition:
    """Read `name_op_value`; the value is read as JSON when it is a number, true, false or null."""
    for comparison in ("_gteq_", "_lteq_", "_neq_", "_eq_", "_gt_", "_lt_", "_like_"):
        name, found, raw = text.partition(comparison)
        if found and name:
            try:
                value = json.loads(raw)
            except ValueError:
                value = raw
            if isinstance(value, list | dict):
                value = raw
            return VariableCondition(name, comparison.strip("_"), value)
    raise InvalidCommand(
        f"variables: {text!r} is not name_operator_value (eq, neq, gt, gteq, lt, lteq, like)"
    )


@dataclass(frozen=True)
class InstanceQuery:
    """Which running cases to list, in which order, which part."""

    case_ids: tuple[str, ...] | None = None
    business_key: str | None = None
    business_key_like: str | None = None
    definition_key: str | None = None
    definition_id: int | None = None
    deployment_id: str | None = None
    suspended: bool | None = None
    with_incident: bool = False
    variables: tuple[VariableCondition, ...] = ()
    sort_by: str = "instanceId"
    descending: bool = False
    first: int = 0
    size: int | None = None


def find_instances(
    session: Session, query: InstanceQuery
) -> tuple[list[tuple[Case, ProcessDefinition]], int]:
    """Return one page of the running cases `query` asks for, and how many there are in all."""
    statement = (
        select(Case, ProcessDefinition)
        .join(ProcessDefinition, ProcessDefinition.id == Case.definition_id)
        .where(Case.status == "running")
        .options(*WITHOUT_BODIES)
    )
    if query.suspended:  # licflow suspends no case
        return [], 0
    if query.case_ids is not None:
        statement = statement.where(Case.id.in_(query.case_ids))
    for column, value in (
        (Case.business_key, query.business_key),
        (ProcessDefinition.key, query.definition_key),
        (ProcessDefinition.id, query.definition_id),
        (ProcessDefinition.deployment_id, query.deployment_id),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if query.business_key_like is not None:
        statement = statement.where(Case.business_key.like(query.business_key_like))
    if query.with_incident:
        statement = statement.where(
            Case.id.in_(select(Incident.case_id).where(Incident.resolved_at.is_(None)))
        )
    column = SORT_COLUMNS[query.sort_by]
    statement = statement.order_by(column.desc() if query.descending else column, Case.id)
    if not query.variables:
        total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
        rows = session.execute(statement.offset(query.first).limit(query.size)).all()
        return [tuple(row) for row in rows], total
    matching = [
        tuple(row) for row in session.execute(statement).all() if _holds(session, row[0], query.variables)
    ]
    end = None if query.size is None else query.first + query.size
    return matching[query.first : end], len(matching)


def _holds(session: Session, case: Case, conditions) -> bool:
    variables = cases.case_variables(cases.read_case(session, case.id).workflow)
    return all(condition.holds(variables) for condition in conditions)


@dataclass(frozen=True)
class Waiting:
    """An element a case waits at now: a user task, an external task, a timer or a message catch."""

    element_id: str
    wait_id: str
    kind: str  # userTask, serviceTask, timer, message
    name: str | None
    since: datetime | None
    incident_ids: tuple[int, ...] = ()


def waiting_in(session: Session, case_id: str) -> list[Waiting]:
    """Return where case `case_id` waits, from its projections."""
    incidents: dict[str, list[int]] = {}
    for incident in session.scalars(
        select(Incident).where(Incident.case_id == case_id, Incident.resolved_at.is_(None))
    ):
        incidents.setdefault(incident.external_task_id or "", []).append(incident.id)
    found = [
        Waiting(t.element_id, t.id, "userTask", t.name, t.created_at)
        for t in session.scalars(
            select(UserTask).where(UserTask.case_id == case_id, UserTask.status == "open")
        )
    ]
    found += [
        Waiting(t.element_id, t.id, "serviceTask", None, t.created_at, tuple(incidents.get(t.id, ())))
        for t in session.scalars(select(ExternalTask).where(ExternalTask.case_id == case_id))
    ]
    found += [
        Waiting(t.element_id, t.id, "intermediateTimer", None, None)
        for t in session.scalars(select(Timer).where(Timer.case_id == case_id, Timer.status == "waiting"))
    ]
    found += [
        Waiting(m.element_id, m.id, "intermediateMessageCatch", m.message_name, None)
        for m in session.scalars(select(MessageSubscription).where(MessageSubscription.case_id == case_id))
    ]
    return sorted(found, key=lambda w: (w.element_id, w.wait_id))
