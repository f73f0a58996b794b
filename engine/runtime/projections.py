"""Keep the store's projections (tasks, timers, subscriptions, stuck-case incidents) in step with a case."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask as UserTaskMixin
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, case, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from engine import clock
from engine.dialect.expressions import evaluate
from engine.dialect.listeners.running import ASSIGNEE
from engine.dialect.parser import ExternalServiceTask
from engine.errors import ProcessError
from engine.runtime import waits
from store import direct
from store.models import ExternalTask, Incident, MessageSubscription, Timer, UserTask


@dataclass(frozen=True)
class Waits:
    """Where a case waits, as its projection rows show it: the ids of each kind of row."""

    user_tasks: frozenset[str] = frozenset()
    external_tasks: frozenset[str] = frozenset()
    timers: Mapping[str, datetime] = field(default_factory=dict)  # wait id -> due at
    subscriptions: frozenset[str] = frozenset()
    stuck: frozenset[str] = frozenset()  # element ids


NOTHING = Waits()  # a new case's projection

# built once: the rows are written with Core statements on the command's connection
_USER_TASK, _EXTERNAL_TASK = UserTask.__table__, ExternalTask.__table__
_INSERT_USER_TASKS = insert(_USER_TASK)


def _for_ids(table, statement, column: str = "id"):
    """Build `statement(condition on the ids)` twice: for one id (the common case) and for a list.

    A list is an IN whose SQL is rendered again at every execution; one id is plain SQL.
    """
    key = table.c[column]
    return statement(key == bindparam("one_id")), statement(key.in_(bindparam("ids", expanding=True)))


def _run_for_ids(session, statements, ids, **values) -> None:
    one, many = statements
    if len(ids) == 1:
        direct.execute(session, one, {"one_id": next(iter(ids)), **values})
    else:
        direct.execute(session, many, {"ids": sorted(ids), **values})


_CLOSE_USER_TASKS = _for_ids(
    _USER_TASK,
    lambda ids: (
        update(_USER_TASK)
        .where(ids, _USER_TASK.c.status == "open")
        .values(status=bindparam("closed"), completed_at=bindparam("at"))
    ),
)
_INSERT_EXTERNAL_TASKS = insert(_EXTERNAL_TASK)
_DELETE_EXTERNAL_TASKS = _for_ids(_EXTERNAL_TASK, lambda ids: delete(_EXTERNAL_TASK).where(ids))
_RESOLVE_TASK_INCIDENTS = _for_ids(
    Incident.__table__,
    lambda ids: (
        update(Incident.__table__)
        .where(ids, Incident.__table__.c.resolved_at.is_(None))
        .values(resolved_at=bindparam("at"), resolved_by="system: the task ended")
    ),
    column="external_task_id",
)
_INSERT_SUBSCRIPTIONS = insert(MessageSubscription.__table__)
_DELETE_SUBSCRIPTIONS = _for_ids(
    MessageSubscription.__table__, lambda ids: delete(MessageSubscription.__table__).where(ids)
)


def waits_of(workflow) -> Waits:
    """Return where `workflow` waits, in the terms of its projection rows."""
    subscriptions = [m.task_id for m in waits.waiting_messages(workflow)]
    subscriptions += [s.task_id for s in waits.waiting_signals(workflow)]
    live = waits.live_tasks(workflow)  # one pass over the tasks for every kind of wait
    ready = [t for t in live if t.state == TaskState.READY]
    started = [t for t in live if t.state == TaskState.STARTED]
    return Waits(
        user_tasks=frozenset(str(t.id) for t in ready if isinstance(t.task_spec, UserTaskMixin)),
        external_tasks=frozenset(str(t.id) for t in started if isinstance(t.task_spec, ExternalServiceTask)),
        timers={t.task_id: t.due_at for t in _timed_waits(workflow, ready)},
        subscriptions=frozenset(subscriptions),
        stuck=frozenset(t.task_spec.bpmn_id for t in waits.stuck_tasks(workflow, live)),
    )


def reconcile(
    session: Session,
    case_id: str,
    workflow,
    now: datetime,
    before: Waits,
    settled: frozenset[str] = frozenset(),
) -> Waits:
    """Write the difference between where the case waited (`before`) and where it waits now.

    The rows of a case are written only by this function, from the case's saved state, so
    the state a command loaded says which rows exist: only what changed is inserted,
    updated or deleted. `settled` names external tasks known to have no open incident.
    Returns where the case waits now (the caller has flushed the case row).
    """
    with session.no_autoflush:
        after = waits_of(workflow)
        _user_tasks(session, case_id, workflow, now, before.user_tasks, after.user_tasks)
        _external_tasks(session, case_id, workflow, now, before.external_tasks, after.external_tasks, settled)
        _timers(session, case_id, workflow, now, before.timers, after.timers)
        _subscriptions(session, case_id, workflow, before.subscriptions, after.subscriptions)
        _stuck(session, case_id, workflow, now, before.stuck, after.stuck)
    return after


def _user_tasks(session, case_id, workflow, now, before: frozenset[str], after: frozenset[str]) -> None:
    if after - before:
        rows = [
            _user_task_row(case_id, workflow, waits.find_task(workflow, i), now)
            for i in sorted(after - before)
        ]
        direct.execute(session, _INSERT_USER_TASKS, rows)
    gone = before - after
    completed = {i for i in gone if _completed(workflow, i)}
    for ids, status in ((completed, "completed"), (gone - completed, "cancelled")):
        if ids:
            _run_for_ids(session, _CLOSE_USER_TASKS, ids, closed=status, at=now)


def _completed(workflow, task_id: str) -> bool:
    done = waits.find_task(workflow, task_id)
    return done is not None and done.has_state(TaskState.COMPLETED)


def _user_task_row(case_id, workflow, task, now) -> dict:
    camunda = task.task_spec.extensions.get("camunda", {})
    return dict(
        id=str(task.id),
        case_id=case_id,
        element_id=task.task_spec.bpmn_id,
        name=task.task_spec.bpmn_name,
        status="open",
        candidate_groups=_as_list_column(_candidates(workflow, task, camunda.get("candidateGroups"))),
        candidate_users=_as_list_column(_candidates(workflow, task, camunda.get("candidateUsers"))),
        assignee=_assignee(workflow, task, camunda.get("assignee")),
        form_key=camunda.get("formKey"),
        due_at=_due_at(workflow, task, camunda.get("dueDate")),
        created_at=now,
        completed_at=None,
        completed_by=None,
    )


def _assignee(workflow, task, expression: str | None) -> str | None:
    """Return the assignee: as task listeners left it (engine/dialect/listeners), else camunda:assignee."""
    if ASSIGNEE in task.internal_data:
        return task.internal_data[ASSIGNEE]
    return _evaluated(workflow, task, expression)


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


def _external_tasks(session, case_id, workflow, now, before, after, settled) -> None:
    if after - before:
        rows = [
            _external_task_row(case_id, workflow, waits.find_task(workflow, i), now)
            for i in sorted(after - before)
        ]
        direct.execute(session, _INSERT_EXTERNAL_TASKS, rows)
    gone = before - after
    if gone:
        _run_for_ids(session, _DELETE_EXTERNAL_TASKS, gone)
    if gone - settled:
        _run_for_ids(session, _RESOLVE_TASK_INCIDENTS, gone - settled, at=now)


def _external_task_row(case_id, workflow, task, now) -> dict:
    return dict(
        id=str(task.id),
        case_id=case_id,
        element_id=task.task_spec.bpmn_id,
        topic=_topic(workflow, task),
        status="available",
        available_at=now,
        attempts=0,
        created_at=now,
    )


def _topic(workflow, task) -> str:
    """Return the task's topic; a `${...}` topic is evaluated when the task is created, as Camunda does."""
    topic = _evaluated(workflow, task, task.task_spec.topic)
    if not isinstance(topic, str) or not topic.strip():
        element = task.task_spec.bpmn_id
        expression = task.task_spec.topic
        raise ProcessError(f"{element}: the topic {expression!r} gave {topic!r}, not a topic", element)
    return topic


_TIMERS = Timer.__table__
_INSERT_TIMERS = insert(_TIMERS)
_MOVE_TIMER = (
    update(_TIMERS)
    .where(_TIMERS.c.id == bindparam("timer_id"), _TIMERS.c.status == "waiting")
    .values(due_at=bindparam("due_at"), version=_TIMERS.c.version + 1)
)
_ENDED = (_TIMERS.c.element_id, _TIMERS.c.kind, _TIMERS.c.retries)
# not status IN (...): a list of values is rendered again at every execution
_STILL_SET = or_(_TIMERS.c.status == "waiting", _TIMERS.c.status == "incident")
_END_TIMER = (  # one timer the case no longer waits for, fired or cancelled
    update(_TIMERS)
    .where(_TIMERS.c.id == bindparam("timer_id"), _STILL_SET)
    .values(status=bindparam("status"), fired_at=bindparam("at", type_=_TIMERS.c.fired_at.type))
    .returning(*_ENDED)
)
# the timers a case no longer waits for, fired or cancelled, in one statement built once
_END_TIMERS = (
    update(_TIMERS)
    .where(_TIMERS.c.id.in_(bindparam("gone", expanding=True)), _STILL_SET)
    .values(
        status=case((_TIMERS.c.id.in_(bindparam("fired", expanding=True)), "fired"), else_="cancelled"),
        fired_at=case(
            (
                _TIMERS.c.id.in_(bindparam("fired_too", expanding=True)),
                bindparam("now", type_=_TIMERS.c.fired_at.type),
            ),
            else_=None,
        ),
    )
    .returning(*_ENDED)
)


def _timers(session, case_id, workflow, now, before: Mapping, after: Mapping) -> None:
    # timer events, and the async continuations whose jobs the timer service runs (due at once)
    if set(after) - set(before):
        wanted = {t.task_id: t for t in _timed_waits(workflow)}
        new = [
            dict(
                id=i,
                case_id=case_id,
                element_id=wanted[i].element_id,
                due_at=due,
                status="waiting",
                kind=wanted[i].kind,
            )
            for i, due in sorted(after.items())
            if i not in before
        ]
        direct.execute(session, _INSERT_TIMERS, new)
    for task_id, due_at in after.items():
        if task_id in before and before[task_id] != due_at:  # a cycle's next time
            direct.execute(session, _MOVE_TIMER, {"timer_id": task_id, "due_at": due_at})
    gone = set(before) - set(after)
    if not gone:
        return
    fired = sorted(i for i in gone if waits.wait_fired(workflow, i))
    if len(gone) == 1:  # the common case, without the IN lists a statement must render again each time
        (timer_id,) = gone
        ended = direct.execute(
            session,
            _END_TIMER,
            {"timer_id": timer_id, "status": "fired" if fired else "cancelled", "at": now if fired else None},
        )
    else:
        ended = direct.execute(
            session, _END_TIMERS, {"gone": sorted(gone), "fired": fired, "fired_too": fired, "now": now}
        )
    # a job out of retries kept its row (status incident) while its case stood at the boundary
    for element_id, kind, retries in ended.all():
        if kind == "job" and retries == 0:
            _resolve_incidents_at(session, case_id, element_id, now)


def _timed_waits(workflow, ready: list | None = None) -> list:
    return [*waits.waiting_timers(workflow), *waits.held_jobs(workflow, ready)]


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


def _subscriptions(session, case_id, workflow, before: frozenset[str], after: frozenset[str]) -> None:
    if after - before:
        wanted = {m.task_id: ("message", m) for m in waits.waiting_messages(workflow)}
        wanted |= {s.task_id: ("signal", s) for s in waits.waiting_signals(workflow)}
        rows = [
            dict(
                id=i,
                case_id=case_id,
                element_id=wanted[i][1].element_id,
                message_name=wanted[i][1].message_name,
                kind=wanted[i][0],
            )
            for i in sorted(after - before)
        ]
        direct.execute(session, _INSERT_SUBSCRIPTIONS, rows)
    if before - after:
        _run_for_ids(session, _DELETE_SUBSCRIPTIONS, before - after)


STUCK = "unsupportedElement"


def _stuck(session, case_id, workflow, now, before: frozenset[str], after: frozenset[str]) -> None:
    """Raise an incident for each element the case stands still on; resolve it once the case moved."""
    if after - before:
        stuck = {t.task_spec.bpmn_id: t for t in waits.stuck_tasks(workflow)}
        rows = [
            dict(case_id=case_id, element_id=e, kind=STUCK, message=_stuck_message(stuck[e]), created_at=now)
            for e in sorted(after - before)
        ]
        session.connection().execute(insert(Incident.__table__), rows)
    if before - after:
        session.execute(
            update(Incident)
            .where(
                Incident.case_id == case_id,
                Incident.kind == STUCK,
                Incident.element_id.in_(before - after),
                Incident.resolved_at.is_(None),
            )
            .values(resolved_at=now, resolved_by="system: the case moved on")
        )


def _stuck_message(task) -> str:
    spec = task.task_spec
    name = f' ("{spec.bpmn_name}")' if spec.bpmn_name else ""
    return (
        f'the case reached {spec.__class__.__name__} "{spec.bpmn_id}"{name}, which licflow cannot execute '
        "(docs/dialect.md lists what runs); deploy a diagram that runs it and start the case again"
    )
