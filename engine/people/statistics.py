"""How many running cases wait at each element of a process, and how many incidents there are."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import Case, ExternalTask, Incident, MessageSubscription, Timer, UserTask


def running_by_definition(session: Session) -> Counter:
    """Return {definition id: running cases}."""
    rows = session.execute(
        select(Case.definition_id, func.count()).where(Case.status == "running").group_by(Case.definition_id)
    )
    return Counter(dict(rows.all()))


def incidents_by_definition(session: Session) -> dict[int, Counter]:
    """Return {definition id: {incident kind: open incidents}}."""
    rows = session.execute(
        select(Case.definition_id, Incident.kind, func.count())
        .join(Case, Case.id == Incident.case_id)
        .where(Incident.resolved_at.is_(None))
        .group_by(Case.definition_id, Incident.kind)
    )
    found: dict[int, Counter] = {}
    for definition_id, kind, number in rows:
        found.setdefault(definition_id, Counter())[kind] = number
    return found


def waiting_by_element(session: Session, definition_id: int) -> Counter:
    """Return {element id: running cases of the definition waiting there}."""
    waiting: Counter = Counter()
    running = (Case.definition_id == definition_id) & (Case.status == "running")
    for model, condition in (
        (UserTask, UserTask.status == "open"),
        (ExternalTask, ExternalTask.id.is_not(None)),
        (Timer, Timer.status == "waiting"),
        (MessageSubscription, MessageSubscription.id.is_not(None)),
    ):
        rows = session.execute(
            select(model.element_id, func.count())
            .join(Case, Case.id == model.case_id)
            .where(running, condition)
            .group_by(model.element_id)
        )
        waiting.update(dict(rows.all()))
    return waiting


def incidents_by_element(session: Session, definition_id: int) -> dict[str, Counter]:
    """Return {element id: {incident kind: open incidents}} of the definition's cases."""
    rows = session.execute(
        select(Incident.element_id, Incident.kind, func.count())
        .join(Case, Case.id == Incident.case_id)
        .where(Case.definition_id == definition_id, Incident.resolved_at.is_(None))
        .group_by(Incident.element_id, Incident.kind)
    )
    found: dict[str, Counter] = {}
    for element_id, kind, number in rows:
        found.setdefault(element_id, Counter())[kind] = number
    return found
