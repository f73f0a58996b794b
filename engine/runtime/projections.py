"""Keep the store's projections (tasks, timers, subscriptions, stuck-case incidents) in step with a case."""

from __future__ import annotations

from datetime import datetime

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine import clock
from engine.dialect.expressions import evaluate
from engine.errors import ProcessError
from engine.runtime import waits
from store.models import ExternalTask, Incident, MessageSubscription, Timer, UserTask


def reconcile(session: Session, case_id: str, workflow, now: datetime) -> None:
    """Make the projection rows of `case_id` match where its workflow waits now (the caller flushes)."""
    with session.no_autoflush:
        _reconcile_user_tasks(session, case_id, workflow, now)
        _reconcile_external_tasks(session, case_id, workflow, now)
        _reconcile_timers(session, case_id, workflow, now)
        _reconcile_messages(session, case_id, workflow)
        _reconcile_stuck(session, case_id, workflow, now)


def _reconcile_user_tasks(session, case_id, workflow, now) -> None:
    wanted = {str(t.id): t for t in waits.ready_user_tasks(workflow)}
    open_rows = {
        row.id: row
        for row in session.scalars(
            select(UserTask).where(UserTask.case_id == case_id, UserTask.status == "open")
        )
    }
    for task_id, task in wanted.items():
        if task_id not in open_rows:
            session.add(_user_task_row(case_id, workflow, task, now))
    for task_id, row in open_rows.items():
        if task_id not in wanted:
            done = waits.find_task(workflow, task_id)
            finished = done is not None and done.has_state(TaskState.COMPLETED)
            row.status = "completed" if finished else "cancelled"
            row.completed_at = now


def _user_task_row(case_id, workflow, task, now) -> UserTask:
    camunda = task.task_spec.extensions.get("camunda", {})
    return UserTask(
        id=str(task.id),
        case_id=case_id,
        element_id=task.task_spec.bpmn_id,
        name=task.task_spec.bpmn_name,
        status="open",
        candidate_groups=_as_list_column(_candidates(workflow, task, camunda.get("candidateGroups"))),
        candidate_users=_as_list_column(_candidates(workflow, task, camunda.get("candidateUsers"))),
        assignee=_evaluated(workflow, task, camunda.get("assignee")),
        form_key=camunda.get("formKey"),
        due_at=_due_at(workflow, task, camunda.get("dueDate")),
        created_at=now,
    )


def _candidates(workflow, task, expression: str | None) -> str | None:
    """Return candidates as "a, b": the text may be an expression giving text or a list (as in Camunda)."""
    value = _evaluated(workflow, task, expression)
    if isinstance(value, list | tuple | set):
        return ", ".join(str(v) for v in value)
    return None if value is None else str(value)


def _as_list_column(value: str | None) -> str | None:
    """Store "a, b" as ",a,b," so that one LIKE '%,a,%' finds a member."""
    if not value:
        return None
    return "," + ",".join(part.strip() for part in value.split(",") if part.strip()) + ","


def _evaluated(workflow, task, expression: str | None):
    if not expression:
        return None
    if "${" not in expression and "#{" not in expression:
        return expression
    try:
        return evaluate(workflow, task, expression)
    except Exception as error:  # the diagram's expression, not licflow, is at fault
        raise ProcessError(
            f"{task.task_spec.bpmn_id}: cannot evaluate {expression!r}: {error}", task.task_spec.bpmn_id
        ) from error


def _due_at(workflow, task, expression: str | None) -> datetime | None:
    value = _evaluated(workflow, task, expression)
    if value is None:
        return None
    try:
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return clock.as_utc(value)
    except (TypeError, ValueError, AttributeError) as error:  # the case's data, not licflow, is at fault
        element = task.task_spec.bpmn_id
        raise ProcessError(f"{element}: the due date {value!r} is not a date and time", element) from error


def _reconcile_external_tasks(session, case_id, workflow, now) -> None:
    wanted = {str(t.id): t for t in waits.started_external_tasks(workflow)}
    existing = set(session.scalars(select(ExternalTask.id).where(ExternalTask.case_id == case_id)))
    for task_id, task in wanted.items():
        if task_id not in existing:
            session.add(
                ExternalTask(
                    id=task_id,
                    case_id=case_id,
                    element_id=task.task_spec.bpmn_id,
                    topic=_topic(workflow, task),
                    status="available",
                    available_at=now,
                    attempts=0,
                    created_at=now,
                )
            )
    gone = existing - set(wanted)
    if gone:
        session.execute(delete(ExternalTask).where(ExternalTask.id.in_(gone)))
        for incident in session.scalars(
            select(Incident).where(Incident.external_task_id.in_(gone), Incident.resolved_at.is_(None))
        ):
            incident.resolved_at = now
            incident.resolved_by = "system: the task ended"


def _topic(workflow, task) -> str:
    """Return the task's topic; a `${...}` topic is evaluated when the task is created, as Camunda does."""
    topic = _evaluated(workflow, task, task.task_spec.topic)
    if not isinstance(topic, str) or not topic.strip():
        element = task.task_spec.bpmn_id
        expression = task.task_spec.topic
        raise ProcessError(f"{element}: the topic {expression!r} gave {topic!r}, not a topic", element)
    return topic


def _reconcile_timers(session, case_id, workflow, now) -> None:
    # timer events, and the async continuations whose jobs the timer service runs (due at once)
    wanted = {t.task_id: t for t in [*waits.waiting_timers(workflow), *waits.held_jobs(workflow)]}
    # a job out of retries keeps its row (status incident) while its case stands at the boundary
    waiting_rows = {
        row.id: row
        for row in session.scalars(
            select(Timer).where(Timer.case_id == case_id, Timer.status.in_(("waiting", "incident")))
        )
    }
    for task_id, timer in wanted.items():
        if task_id not in waiting_rows:
            session.add(
                Timer(
                    id=task_id,
                    case_id=case_id,
                    element_id=timer.element_id,
                    due_at=timer.due_at,
                    status="waiting",
                    kind=timer.kind,
                )
            )
        elif (
            waiting_rows[task_id].status == "waiting"
            and clock.as_utc(waiting_rows[task_id].due_at) != timer.due_at
        ):
            waiting_rows[task_id].due_at = timer.due_at
    for task_id, row in waiting_rows.items():
        if task_id not in wanted:
            if row.status == "incident":
                _resolve_incidents_at(session, case_id, row.element_id, now)
            fired = waits.wait_fired(workflow, task_id)
            row.status = "fired" if fired else "cancelled"
            row.fired_at = now if fired else None


def _resolve_incidents_at(session, case_id, element_id, now) -> None:
    """Resolve the failedJob incidents of a job its case no longer waits for (it was cancelled)."""
    for incident in session.scalars(
        select(Incident).where(
            Incident.case_id == case_id,
            Incident.element_id == element_id,
            Incident.kind == "failedJob",
            Incident.resolved_at.is_(None),
        )
    ):
        incident.resolved_at, incident.resolved_by = now, "system: the job ended"


def _reconcile_messages(session, case_id, workflow) -> None:
    wanted = {m.task_id: ("message", m) for m in waits.waiting_messages(workflow)}
    wanted |= {s.task_id: ("signal", s) for s in waits.waiting_signals(workflow)}
    existing = set(
        session.scalars(select(MessageSubscription.id).where(MessageSubscription.case_id == case_id))
    )
    for task_id, (kind, wait) in wanted.items():
        if task_id not in existing:
            session.add(
                MessageSubscription(
                    id=task_id,
                    case_id=case_id,
                    element_id=wait.element_id,
                    message_name=wait.message_name,
                    kind=kind,
                )
            )
    gone = existing - set(wanted)
    if gone:
        session.execute(delete(MessageSubscription).where(MessageSubscription.id.in_(gone)))


STUCK = "unsupportedElement"


def _reconcile_stuck(session, case_id, workflow, now) -> None:
    """Raise an incident for each element the case stands still on; resolve it once the case moved."""
    stuck = {t.task_spec.bpmn_id: t for t in waits.stuck_tasks(workflow)}
    open_rows = {
        row.element_id: row
        for row in session.scalars(
            select(Incident).where(
                Incident.case_id == case_id, Incident.kind == STUCK, Incident.resolved_at.is_(None)
            )
        )
    }
    for element_id, task in stuck.items():
        if element_id not in open_rows:
            session.add(
                Incident(
                    case_id=case_id,
                    element_id=element_id,
                    kind=STUCK,
                    message=_stuck_message(task),
                    created_at=now,
                )
            )
    for element_id, row in open_rows.items():
        if element_id not in stuck:
            row.resolved_at, row.resolved_by = now, "system: the case moved on"


def _stuck_message(task) -> str:
    spec = task.task_spec
    name = f' ("{spec.bpmn_name}")' if spec.bpmn_name else ""
    return (
        f'the case reached {spec.__class__.__name__} "{spec.bpmn_id}"{name}, which licflow cannot execute '
        "(docs/dialect.md lists what runs); deploy a diagram that runs it and start the case again"
    )
