"""External tasks as a remote worker sees them: locked with their case's details and variables.

The Camunda-style REST API (`web/camunda_rest.py`) needs more than `external_tasks`
answers: the process definition and business key of a task's case, a lock duration
per topic, the variables a worker asked for, and locking one task by id. Every
function runs in the caller's unit of work; locking, completing and failing stay in
`external_tasks`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from engine import clock
from engine.errors import InvalidCommand, LockLost, NotFound
from engine.external import tasks as external_tasks
from store import returned
from store.models import Case, ExternalTask, ProcessDefinition
from store.returned import every_column


@dataclass(frozen=True)
class TopicRequest:
    """One topic of a fetch-and-lock: its lock duration and which variables to hand out."""

    name: str
    lock_duration: timedelta
    variables: tuple[str, ...] | None = None  # None: every variable
    local_variables: bool = False  # only the task's local variables (licflow keeps none)


@dataclass(frozen=True)
class RemoteTask:
    """An external task with what a remote worker is told about it."""

    id: str
    topic: str
    status: str  # available, locked, incident
    worker_id: str | None
    lock_expires_at: datetime | None
    retries: int | None
    error_message: str | None
    error_details: str | None
    case_id: str
    element_id: str
    business_key: str | None
    definition_id: int
    definition_key: str
    definition_version: int
    variables: dict[str, Any] | None = None


def fetch_and_lock(
    session: Session, worker_id: str, topics: list[TopicRequest], max_tasks: int
) -> list[RemoteTask]:
    """Lock up to `max_tasks` tasks of `topics`, each for its topic's lock duration.

    A topic named twice keeps its first request. The tasks come with the variables
    their topic asked for.
    """
    wanted: dict[str, TopicRequest] = {}
    for topic in topics:
        if topic.lock_duration <= timedelta(0):
            raise InvalidCommand(f"the lock duration of topic {topic.name!r} must be positive")
        wanted.setdefault(topic.name, topic)
    if not wanted or max_tasks < 1:
        return []
    longest = max(topic.lock_duration for topic in wanted.values())
    locked = external_tasks.fetch_and_lock(session, worker_id, sorted(wanted), longest, max_tasks)
    for task in locked:
        # every task was locked until now + longest; shorten it to its own topic's duration
        task.lock_expires_at = task.lock_expires_at - longest + wanted[task.topic].lock_duration
    session.flush()
    variables = [_variables(session, task, wanted[task.topic]) for task in locked]
    return _remotes(session, locked, variables)


def lock(session: Session, task_id: str, worker_id: str, duration: timedelta) -> RemoteTask:
    """Lock task `task_id` for `worker_id`, or extend the lock the worker already holds.

    A task locked by another worker (with a lock still running), out of retries, or
    waiting for its retry time is refused with LockLost.
    """
    if not worker_id or duration <= timedelta(0):
        raise InvalidCommand("locking a task needs a worker id and a positive lock duration")
    now = clock.now()
    external_tasks.release_expired_locks(session, now)  # an expired lock costs a retry, as in fetching
    wanted = {"task_id": task_id, "now": now, "owner": worker_id, "expires": now + duration}
    task = returned.first_claimed(session, ExternalTask, _LOCK_IF_AVAILABLE, wanted)
    if task is not None:  # it was available: locked in one statement
        return _remote(session, task, None)
    task = _task(session, task_id, for_update=True)  # not available: only its holder may lock it again
    lock_running = task.status == "locked" and clock.as_utc(task.lock_expires_at) > now
    if not lock_running:
        raise LockLost(f"external task {task_id} is {task.status} and cannot be locked now")
    if task.lock_owner != worker_id:
        raise LockLost(f"external task {task_id} is locked by another worker")
    task.lock_expires_at = now + duration
    session.flush()
    return _remote(session, task, None)


_TASKS = ExternalTask.__table__.c
_LOCK_IF_AVAILABLE = (  # built once, run as Core (store/returned.py)
    update(ExternalTask.__table__)
    .where(_TASKS.id == bindparam("task_id"), _TASKS.status == "available")
    .where(_TASKS.available_at <= bindparam("now"))
    .values(
        status="locked",
        lock_owner=bindparam("owner"),
        lock_expires_at=bindparam("expires"),
        attempts=_TASKS.attempts + 1,
        version=_TASKS.version + 1,
    )
    .returning(*every_column(ExternalTask))
)


def describe(session: Session, task_id: str) -> RemoteTask:
    """Return external task `task_id` without its variables, or raise NotFound."""
    return _remote(session, _task(session, task_id), None)


@dataclass(frozen=True)
class TaskQuery:
    """Which external tasks a client lists, in which order, which part."""

    task_id: str | None = None
    topic: str | None = None
    worker_id: str | None = None
    locked: bool | None = None  # True: locked now, False: not locked
    retries_left: bool | None = None  # True: retries left, False: none (an incident)
    case_id: str | None = None
    element_id: str | None = None
    sort_by: str = "id"  # id, created_at, case_id, lock_expires_at
    descending: bool = False
    first: int = 0
    size: int | None = None


def find(session: Session, query: TaskQuery, counted: bool = True) -> tuple[list[RemoteTask], int | None]:
    """Return one page of the external tasks `query` asks for, and how many there are in all.

    A caller that needs only the page says `counted=False`: the count is then not made (None).
    """
    conditions = []
    for column, value in (
        (_TASKS.id, query.task_id),
        (_TASKS.topic, query.topic),
        (_TASKS.lock_owner, query.worker_id),
        (_TASKS.case_id, query.case_id),
        (_TASKS.element_id, query.element_id),
    ):
        if value is not None:
            conditions.append(column == value)
    now = clock.now()
    locked_now = (_TASKS.status == "locked") & (_TASKS.lock_expires_at > now)
    if query.locked is not None:
        conditions.append(locked_now if query.locked else ~locked_now)
    if query.retries_left is not None:
        no_retries = _TASKS.status == "incident"
        conditions.append(~no_retries if query.retries_left else no_retries)
    total = (
        session.scalar(select(func.count()).select_from(ExternalTask.__table__).where(*conditions))
        if counted
        else None
    )
    column = _TASKS[query.sort_by]
    rows = session.execute(  # Core rows, only read: no objects of the session are made for a list
        select(*every_column(ExternalTask))
        .where(*conditions)
        .order_by(column.desc() if query.descending else column, _TASKS.id)
        .offset(query.first)
        .limit(query.size)
    )
    return _remotes(session, list(rows)), total


def _task(session: Session, task_id: str, for_update: bool = False) -> ExternalTask:
    task = session.get(ExternalTask, task_id, with_for_update=for_update)
    if task is None:
        raise NotFound(f"no external task with id {task_id!r}")
    return task


def _variables(session: Session, task: ExternalTask, request: TopicRequest) -> dict[str, Any]:
    if request.local_variables or request.variables == ():
        return {}
    variables = external_tasks.task_variables(session, task)
    if request.variables is None:
        return variables
    return {name: variables[name] for name in request.variables if name in variables}


_CASE_ROWS, _DEFINITION_ROWS = Case.__table__, ProcessDefinition.__table__
_CASES_OF_TASKS = (  # plain SQL: the rows are only read
    select(
        _CASE_ROWS.c.id,
        _CASE_ROWS.c.business_key,
        _CASE_ROWS.c.definition_id,
        _DEFINITION_ROWS.c.key,
        _DEFINITION_ROWS.c.version,
    )
    .join(_DEFINITION_ROWS, _DEFINITION_ROWS.c.id == _CASE_ROWS.c.definition_id)
    .where(_CASE_ROWS.c.id.in_(bindparam("case_ids", expanding=True)))
)


def _remote(session: Session, task: ExternalTask, variables: dict[str, Any] | None) -> RemoteTask:
    return _remotes(session, [task], [variables])[0]


def _remotes(session: Session, tasks: list, variables: list | None = None) -> list[RemoteTask]:
    """Describe `tasks` (ExternalTask objects, or rows of its columns) with their cases, read in one query."""
    if not tasks:
        return []
    ids = sorted({task.case_id for task in tasks})
    cases = {
        row.id: row for row in session.connection().execute(_CASES_OF_TASKS, {"case_ids": ids})
    }  # not state, not spec
    return [
        _described(task, cases[task.case_id], found)
        for task, found in zip(tasks, variables or [None] * len(tasks), strict=True)
    ]


def _described(task, case, variables: dict[str, Any] | None) -> RemoteTask:
    locked = task.status == "locked"
    return RemoteTask(
        id=task.id,
        topic=task.topic,
        status=task.status,
        worker_id=task.lock_owner if locked else None,
        lock_expires_at=clock.as_utc(task.lock_expires_at) if locked and task.lock_expires_at else None,
        retries=task.retries,
        error_message=task.error_message,
        error_details=task.error_details,
        case_id=task.case_id,
        element_id=task.element_id,
        business_key=case.business_key,
        definition_id=case.definition_id,
        definition_key=case.key,
        definition_version=case.version,
        variables=variables,
    )
