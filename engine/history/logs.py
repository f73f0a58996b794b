"""What happened, read from the case history (history_events) and the rows cases leave behind.

These answer Camunda's history questions: which cases ran and how they ended, which
elements completed and when, what workers reported, and what people did.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.runtime.definitions import WITHOUT_BODIES
from store.models import Case, HistoryEvent, ProcessDefinition, UserTask

WORKER_EVENTS = ("external_task_completed", "external_task_failed", "bpmn_error_thrown")
# what people and clients did, as Camunda's user operation log names it
OPERATIONS = {
    "case_started": ("Create", "ProcessInstance"),
    "case_deleted": ("Delete", "ProcessInstance"),
    "variables_changed": ("ModifyVariable", "Variable"),
    "message_correlated": ("CorrelateMessage", "ProcessInstance"),
    "user_task_claimed": ("Claim", "Task"),
    "user_task_unclaimed": ("Claim", "Task"),
    "user_task_assigned": ("Assign", "Task"),
    "user_task_completed": ("Complete", "Task"),
    "incident_retried": ("SetExternalTaskRetries", "ExternalTask"),
    "external_task_retries_set": ("SetExternalTaskRetries", "ExternalTask"),
}


@dataclass(frozen=True)
class CaseRecord:
    """A case as history shows it: who started it, and why it was deleted, if it was."""

    case: Case
    definition: ProcessDefinition
    started_by: str | None
    delete_reason: str | None


def case_records(
    session: Session,
    case_id: str | None = None,
    business_key: str | None = None,
    definition_key: str | None = None,
    status: str | None = None,
) -> list[CaseRecord]:
    """Return every case (running or ended) matching the filters, oldest first."""
    statement = (
        select(Case, ProcessDefinition)
        .join(ProcessDefinition, ProcessDefinition.id == Case.definition_id)
        .options(*WITHOUT_BODIES)
    )
    for column, value in (
        (Case.id, case_id),
        (Case.business_key, business_key),
        (ProcessDefinition.key, definition_key),
        (Case.status, status),
    ):
        if value is not None:
            statement = statement.where(column == value)
    rows = session.execute(statement.order_by(Case.started_at, Case.id)).all()
    events = _events(session, [case.id for case, _ in rows], ("case_started", "case_deleted"))
    records = []
    for case, definition in rows:
        started = next((e for e in events.get(case.id, []) if e.kind == "case_started"), None)
        deleted = next((e for e in events.get(case.id, []) if e.kind == "case_deleted"), None)
        reason = (deleted.data or {}).get("reason") if deleted is not None else None
        records.append(CaseRecord(case, definition, started.actor if started else None, reason))
    return records


def _events(session: Session, case_ids: list[str], kinds: tuple[str, ...]) -> dict[str, list[HistoryEvent]]:
    found: dict[str, list[HistoryEvent]] = {}
    for start in range(0, len(case_ids), 500):
        chunk = case_ids[start : start + 500]
        for event in session.scalars(
            select(HistoryEvent)
            .where(HistoryEvent.case_id.in_(chunk), HistoryEvent.kind.in_(kinds))
            .order_by(HistoryEvent.case_id, HistoryEvent.seq)
        ):
            found.setdefault(event.case_id, []).append(event)
    return found


def events(
    session: Session, kinds: tuple[str, ...], case_id: str | None = None, element_id: str | None = None
) -> list[HistoryEvent]:
    """Return history events of `kinds`, of one case or all, in the order they happened."""
    statement = select(HistoryEvent).where(HistoryEvent.kind.in_(kinds))
    if case_id is not None:
        statement = statement.where(HistoryEvent.case_id == case_id)
    if element_id is not None:
        statement = statement.where(HistoryEvent.element_id == element_id)
    return list(session.scalars(statement.order_by(HistoryEvent.at, HistoryEvent.id)))


def definitions_of(session: Session, case_ids: set[str]) -> dict[str, ProcessDefinition]:
    """Return {case id: its pinned definition}."""
    found: dict[str, ProcessDefinition] = {}
    ids = sorted(case_ids)
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(Case.id, ProcessDefinition)
            .join(ProcessDefinition, ProcessDefinition.id == Case.definition_id)
            .where(Case.id.in_(ids[start : start + 500]))
            .options(*WITHOUT_BODIES)
        )
        found.update(dict(rows.all()))
    return found


def user_task_records(
    session: Session, case_id: str | None = None, element_id: str | None = None, finished: bool | None = None
) -> list[tuple[UserTask, ProcessDefinition]]:
    """Return every user task (open or ended) with its case's definition, oldest first."""
    statement = (
        select(UserTask, ProcessDefinition)
        .join(Case, Case.id == UserTask.case_id)
        .join(ProcessDefinition, ProcessDefinition.id == Case.definition_id)
        .options(*WITHOUT_BODIES)
    )
    if case_id is not None:
        statement = statement.where(UserTask.case_id == case_id)
    if element_id is not None:
        statement = statement.where(UserTask.element_id == element_id)
    if finished is not None:
        statement = statement.where(UserTask.status != "open" if finished else UserTask.status == "open")
    return [tuple(row) for row in session.execute(statement.order_by(UserTask.created_at, UserTask.id)).all()]
