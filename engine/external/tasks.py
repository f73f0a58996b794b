"""External tasks: fetch-and-lock by topic, complete, fail with retries, BPMN errors.

A lock that expires without an answer makes the task available again and counts
as a failed attempt; a task out of retries becomes an incident a person retries.
Every change a caller may race for (locking, releasing an expired lock, reporting,
retrying an incident) claims the task's row with a conditional UPDATE checked by its
row count (`claim`), which holds on SQLite and PostgreSQL alike. The same report sent
again by the worker that made it gets the same answer (`reports`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from engine import clock
from engine.errors import InvalidCommand, LockLost, NotFound
from engine.external import reports
from engine.runtime import commands
from engine.runtime.history import SYSTEM, record_event
from engine.runtime.jobs import continuations
from store import direct, returned
from store.models import ExternalTask, Incident
from store.returned import every_column

DEFAULT_RETRIES = 3
BACKOFF_BASE = timedelta(seconds=5)
BACKOFF_MAX = timedelta(minutes=10)
CLAIM_ROUNDS = 3  # looks for more tasks when another caller claimed some of those found


def fetch_and_lock(
    session: Session, worker_id: str, topics: list[str], lock_duration: timedelta, max_tasks: int = 1
) -> list[ExternalTask]:
    """Lock up to `max_tasks` available tasks of `topics` for `worker_id`.

    The tasks are claimed with one conditional UPDATE, so that of two callers at the
    same moment only one gets each task, on every database; when another caller got
    all of those chosen first, the next ones are looked for.
    """
    if not worker_id or not topics or max_tasks < 1 or lock_duration <= timedelta(0):
        raise InvalidCommand("fetch-and-lock needs a worker id, topics, max tasks >= 1 and a lock duration")
    now = clock.now()
    release_expired_locks(session, now)
    locked: list[ExternalTask] = []
    for _ in range(CLAIM_ROUNDS):
        claimed = returned.claimed(
            session,
            ExternalTask,
            _LOCK_ONE_TOPIC if len(topics) == 1 else _LOCK_TOPICS,
            {
                "one_topic": next(iter(topics)),
                "topics": list(topics),
                "now": now,
                "room": max_tasks - len(locked),
                "owner": worker_id,
                "expires": now + lock_duration,
            },
        )
        locked.extend(claimed)
        if not claimed or len(locked) >= max_tasks:
            break
    return sorted(locked, key=lambda task: (task.created_at, task.id))


def _lock_available(one_topic: bool):
    """Build the one UPDATE that locks up to `room` available tasks of `topics` and returns them.

    Of one topic (the common case) it is plain SQL; of several an IN, rendered at each execution.

    The tasks are chosen and locked in one statement: on PostgreSQL the chosen rows are
    locked (SKIP LOCKED, so two callers choose different ones) and the UPDATE checks again
    that each is still available; SQLite runs one writer at a time.
    """
    tasks = _TASKS.c
    available = (tasks.status == "available", tasks.available_at <= bindparam("now"))
    of_topic = (
        tasks.topic == bindparam("one_topic")
        if one_topic
        else tasks.topic.in_(bindparam("topics", expanding=True))
    )
    chosen = (
        select(tasks.id)
        .where(of_topic, *available)
        .order_by(tasks.created_at, tasks.id)
        .limit(bindparam("room"))
        .with_for_update(skip_locked=True)
    )
    return (
        update(_TASKS)
        .where(tasks.id.in_(chosen.scalar_subquery()), *available)
        .values(
            version=tasks.version + 1,
            status="locked",
            lock_owner=bindparam("owner"),
            lock_expires_at=bindparam("expires"),
            attempts=tasks.attempts + 1,
        )
        .returning(*every_column(ExternalTask))
    )


_TASKS = ExternalTask.__table__


_LOCK_ONE_TOPIC, _LOCK_TOPICS = _lock_available(one_topic=True), _lock_available(one_topic=False)


def claim(session: Session, task_id: str, version: int | None, *conditions, **values) -> ExternalTask | None:
    """Change a task only while it is at `version` (if given) and meets `conditions`.

    One conditional UPDATE that returns the changed row: the changed task, or None when
    another transaction changed it first.
    """
    where = [_TASKS.c.id == task_id, *conditions]
    if version is not None:
        where.append(_TASKS.c.version == version)
    statement = (
        update(_TASKS)
        .where(*where)
        .values(version=_TASKS.c.version + 1, **values)
        .returning(*every_column(ExternalTask))
    )
    return returned.first_claimed(session, ExternalTask, statement)


_EXPIRED = (  # built once, run as plain SQL: every fetch asks it
    select(_TASKS.c.id, _TASKS.c.version)
    .where(_TASKS.c.status == "locked", _TASKS.c.lock_expires_at <= bindparam("now"))
    .with_for_update(skip_locked=True)
)


def release_expired_locks(session: Session, now: datetime) -> int:
    """Make tasks whose lock expired available again, counting the lost attempt."""
    expired = direct.execute(session, _EXPIRED, {"now": now}).all()
    released = 0
    for task_id, version in expired:
        task = claim(session, task_id, version, ExternalTask.status == "locked")
        if task is None:
            continue  # reported, or released by another caller, at this very moment
        # the lock duration was the wait: available again at once, one retry fewer
        _record_failure(
            session, task, SYSTEM, f"the lock of {task.lock_owner} expired", None, None, now, timedelta(0)
        )
        released += 1
    return released


# the claim of every report, built once: a statement built per call costs a report a third more
_CLAIM_HELD = (
    update(_TASKS)
    .where(
        _TASKS.c.id == bindparam("task_id"),
        _TASKS.c.status == "locked",
        _TASKS.c.lock_owner == bindparam("worker_id"),
        _TASKS.c.lock_expires_at > bindparam("now"),
    )
    .values(version=_TASKS.c.version + 1)
    .returning(*every_column(ExternalTask))
)


def locked_by(session: Session, task_id: str, worker_id: str) -> ExternalTask:
    """Claim the task while `worker_id` still holds its lock, or raise LockLost/NotFound."""
    held = {"task_id": task_id, "worker_id": worker_id, "now": clock.now()}
    claimed = returned.claimed(session, ExternalTask, _CLAIM_HELD, held)
    if claimed:
        return claimed[0]
    if session.get(ExternalTask, task_id) is None:
        raise NotFound(f"no external task with id {task_id!r}")
    raise LockLost(f"external task {task_id} is not locked by {worker_id!r}")


def complete(session: Session, task_id: str, worker_id: str, variables: dict[str, Any]) -> str:
    """Complete a task locked by `worker_id` with its result variables; the same report again is a no-op."""
    digest = reports.digest_of("complete", {"variables": variables})
    task, earlier = _held_or_answered(session, task_id, worker_id, "complete", digest)
    if earlier is not None:
        return earlier.case_id
    reports.record(session, task, worker_id, "complete", digest, clock.now())
    return commands.complete_external_task(session, task, variables, f"worker:{worker_id}")


def bpmn_error(
    session: Session, task_id: str, worker_id: str, code: str, message: str = "", variables=None
) -> str:
    """Throw a business error the diagram catches; uncaught, it becomes an incident."""
    content = {"code": code, "message": message, "variables": variables or {}}
    digest = reports.digest_of("bpmn_error", content)
    task, earlier = _held_or_answered(session, task_id, worker_id, "bpmn_error", digest)
    if earlier is not None:
        return earlier.case_id
    reports.record(session, task, worker_id, "bpmn_error", digest, clock.now())
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
    content = {"message": message, "details": details, "retries": retries, "retry_timeout": retry_timeout}
    digest = reports.digest_of("failure", content)
    task, earlier = _held_or_answered(session, task_id, worker_id, "failure", digest)
    if earlier is not None:
        return
    reports.record(session, task, worker_id, "failure", digest, clock.now())
    _record_failure(
        session, task, f"worker:{worker_id}", message, details, retries, clock.now(), retry_timeout
    )


def _held_or_answered(session: Session, task_id: str, worker_id: str, kind: str, digest: str):
    """Return (task, None) while `worker_id` holds the lock, or (None, report) for a report applied before."""
    try:
        return locked_by(session, task_id, worker_id), None
    except (LockLost, NotFound):
        earlier = reports.answered_before(session, task_id, worker_id, kind, digest)
        if earlier is None:
            raise
        return None, earlier


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
    """Give the task behind an incident new retries and make it available again (once)."""
    now = clock.now()
    resolved = session.execute(
        update(Incident)
        .where(Incident.id == incident_id, Incident.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by=actor)
        .execution_options(synchronize_session=False)
    )
    if resolved.rowcount != 1:
        raise NotFound(f"no open incident with id {incident_id}")
    incident = session.get(Incident, incident_id, populate_existing=True)
    if incident.external_task_id is not None:
        claim(
            session,
            incident.external_task_id,
            None,
            ExternalTask.status == "incident",
            status="available",
            retries=max(retries, 1),
            available_at=now,
            lock_owner=None,
            lock_expires_at=None,
        )
    continuations.revive(session, incident, retries)
    record_event(
        session,
        incident.case_id,
        now,
        "incident_retried",
        actor,
        incident.element_id,
        incident_id=incident_id,
        retries=retries,
    )


def set_retries(session: Session, task_id: str, retries: int, actor: str) -> None:
    """Set the retries a task has left: more than 0 resolves its incident, 0 raises one."""
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise InvalidCommand("retries must be a whole number of at least 0")
    task = session.get(ExternalTask, task_id, with_for_update=True)
    if task is None:
        raise NotFound(f"no external task with id {task_id!r}")
    now = clock.now()
    record_event(
        session,
        task.case_id,
        now,
        "external_task_retries_set",
        actor,
        task.element_id,
        task_id=task.id,
        retries=retries,
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
    record_event(
        session,
        task.case_id,
        now,
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
    record_event(
        session,
        task.case_id,
        now,
        "incident_raised",
        SYSTEM,
        task.element_id,
        task_id=task.id,
        message=message,
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

    case = cases.read_case(session, task.case_id)
    engine_task = waits.find_task(case.workflow, task.id)
    return dict(engine_task.data) if engine_task is not None else {}
