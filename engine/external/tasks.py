"""External tasks: fetch-and-lock by topic, complete, fail with retries, BPMN errors.

A lock that expires without an answer makes the task available again and counts
as a failed attempt; a task out of retries becomes an incident a person retries.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.errors import InvalidCommand, LockLost, NotFound
from engine.runtime import commands
from engine.runtime.history import SYSTEM, HistoryWriter
from store.models import ExternalTask, Incident

DEFAULT_RETRIES = 3
BACKOFF_BASE = timedelta(seconds=5)
BACKOFF_MAX = timedelta(minutes=10)


def fetch_and_lock(
    session: Session, worker_id: str, topics: list[str], lock_duration: timedelta, max_tasks: int = 1
) -> list[ExternalTask]:
    """Lock up to `max_tasks` available tasks of `topics` for `worker_id`."""
    if not worker_id or not topics or max_tasks < 1 or lock_duration <= timedelta(0):
        raise InvalidCommand("fetch-and-lock needs a worker id, topics, max tasks >= 1 and a lock duration")
    now = clock.now()
    release_expired_locks(session, now)
    query = (
        select(ExternalTask)
        .where(
            ExternalTask.topic.in_(topics),
            ExternalTask.status == "available",
            ExternalTask.available_at <= now,
        )
        .order_by(ExternalTask.created_at, ExternalTask.id)
        .limit(max_tasks)
        .with_for_update(skip_locked=True)
    )
    locked = list(session.scalars(query))
    for task in locked:
        task.status = "locked"
        task.lock_owner = worker_id
        task.lock_expires_at = now + lock_duration
        task.attempts += 1
    session.flush()
    return locked


def release_expired_locks(session: Session, now: datetime) -> int:
    """Make tasks whose lock expired available again, counting the lost attempt."""
    expired = list(
        session.scalars(
            select(ExternalTask)
            .where(ExternalTask.status == "locked", ExternalTask.lock_expires_at <= now)
            .with_for_update(skip_locked=True)
        )
    )
    for task in expired:
        # the lock duration was the wait: available again at once, one retry fewer
        _record_failure(
            session, task, SYSTEM, f"the lock of {task.lock_owner} expired", None, None, now, timedelta(0)
        )
    return len(expired)


def locked_by(session: Session, task_id: str, worker_id: str) -> ExternalTask:
    """Return the task if `worker_id` still holds its lock, or raise LockLost/NotFound."""
    task = session.get(ExternalTask, task_id)
    if task is None:
        raise NotFound(f"no external task with id {task_id!r}")
    now = clock.now()
    if task.status != "locked" or task.lock_owner != worker_id or clock.as_utc(task.lock_expires_at) <= now:
        raise LockLost(f"external task {task_id} is not locked by {worker_id!r}")
    return task


def complete(session: Session, task_id: str, worker_id: str, variables: dict[str, Any]) -> str:
    """Complete a task locked by `worker_id` with its result variables."""
    task = locked_by(session, task_id, worker_id)
    return commands.complete_external_task(session, task, variables, f"worker:{worker_id}")


def bpmn_error(
    session: Session, task_id: str, worker_id: str, code: str, message: str = "", variables=None
) -> str:
    """Throw a business error the diagram catches; uncaught, it becomes an incident."""
    task = locked_by(session, task_id, worker_id)
    caught = commands.throw_bpmn_error(session, task, code, message, variables or {}, f"worker:{worker_id}")
    if not caught:
        _raise_incident(
            session, task, f"BPMN error {code!r} is not caught by the diagram: {message}", clock.now()
        )
    return task.case_id


def failure(
    session: Session,
    task_id: str,
    worker_id: str,
    message: str,
    details: str | None = None,
    retries: int | None = None,
    retry_timeout: timedelta | None = None,
) -> None:
    """Record a technical failure; retry later with backoff or raise an incident."""
    task = locked_by(session, task_id, worker_id)
    _record_failure(
        session, task, f"worker:{worker_id}", message, details, retries, clock.now(), retry_timeout
    )


def extend_lock(session: Session, task_id: str, worker_id: str, new_duration: timedelta) -> None:
    """Extend the lock of a task `worker_id` holds by `new_duration` from now."""
    task = locked_by(session, task_id, worker_id)
    task.lock_expires_at = clock.now() + new_duration


def unlock(session: Session, task_id: str) -> None:
    """Release a task's lock without counting a failure."""
    task = session.get(ExternalTask, task_id)
    if task is None:
        raise NotFound(f"no external task with id {task_id!r}")
    if task.status == "locked":
        task.status, task.lock_owner, task.lock_expires_at = "available", None, None


def retry_incident(session: Session, incident_id: int, retries: int, actor: str) -> None:
    """Give the task behind an incident new retries and make it available again."""
    incident = session.get(Incident, incident_id)
    if incident is None or incident.resolved_at is not None:
        raise NotFound(f"no open incident with id {incident_id}")
    now = clock.now()
    incident.resolved_at, incident.resolved_by = now, actor
    task = session.get(ExternalTask, incident.external_task_id) if incident.external_task_id else None
    if task is not None:
        task.status, task.retries, task.available_at = "available", max(retries, 1), now
        task.lock_owner = task.lock_expires_at = None
    HistoryWriter(session, incident.case_id, now).append(
        "incident_retried", actor, incident.element_id, incident_id=incident_id, retries=retries
    )


def set_retries(session: Session, task_id: str, retries: int, actor: str) -> None:
    """Set the retries a task has left: more than 0 resolves its incident, 0 raises one."""
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise InvalidCommand("retries must be a whole number of at least 0")
    task = session.get(ExternalTask, task_id, with_for_update=True)
    if task is None:
        raise NotFound(f"no external task with id {task_id!r}")
    now = clock.now()
    HistoryWriter(session, task.case_id, now).append(
        "external_task_retries_set", actor, task.element_id, task_id=task.id, retries=retries
    )
    task.retries = retries
    if retries > 0 and task.status == "incident":
        for incident in open_incidents_of_task(session, task.id):
            incident.resolved_at, incident.resolved_by = now, actor
        task.status, task.available_at = "available", now
    elif retries == 0 and task.status == "available":
        _raise_incident(session, task, task.error_message or f"{actor} set the retries to 0", now)
    session.flush()


def open_incidents_of_task(session: Session, task_id: str) -> list[Incident]:
    """Return the unresolved incidents of external task `task_id`."""
    return list(
        session.scalars(
            select(Incident).where(Incident.external_task_id == task_id, Incident.resolved_at.is_(None))
        )
    )


def _record_failure(session, task, actor, message, details, retries, now, retry_timeout=None) -> None:
    left = (task.retries if task.retries is not None else DEFAULT_RETRIES) if retries is None else retries
    if retries is None:
        left -= 1
    task.retries = max(left, 0)
    task.error_message, task.error_details = message, details
    task.lock_owner, task.lock_expires_at = None, None
    HistoryWriter(session, task.case_id, now).append(
        "external_task_failed",
        actor,
        task.element_id,
        task_id=task.id,
        message=message,
        retries_left=task.retries,
        clock=now.isoformat(),
    )
    if task.retries <= 0:
        _raise_incident(session, task, message, now)
        return
    delay = retry_timeout if retry_timeout is not None else retry_delay(task.attempts)
    task.status, task.available_at = "available", now + delay


def retry_delay(attempts: int) -> timedelta:
    """How long a task waits after its `attempts`-th failure: doubling, up to a cap."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def _raise_incident(session, task, message, now) -> None:
    task.status = "incident"
    task.lock_owner = task.lock_expires_at = None
    session.add(
        Incident(
            case_id=task.case_id,
            external_task_id=task.id,
            element_id=task.element_id,
            kind="failedExternalTask",
            message=message,
            created_at=now,
        )
    )
    HistoryWriter(session, task.case_id, now).append(
        "incident_raised", SYSTEM, task.element_id, task_id=task.id, message=message
    )


def open_incidents(session: Session, case_id: str | None = None) -> list[Incident]:
    """Return unresolved incidents, of one case or all."""
    query = select(Incident).where(Incident.resolved_at.is_(None)).order_by(Incident.id)
    if case_id is not None:
        query = query.where(Incident.case_id == case_id)
    return list(session.scalars(query))


def task_variables(session: Session, task: ExternalTask) -> dict[str, Any]:
    """Return the case variables visible to an external task."""
    from engine.runtime import cases, waits

    case = cases.open_case(session, task.case_id)
    engine_task = waits.find_task(case.workflow, task.id)
    return dict(engine_task.data) if engine_task is not None else {}
