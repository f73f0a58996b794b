"""Claim and unclaim user tasks: who of the candidates is working on a task.

A claim is a compare-and-set on the task's projection row, so of two officers claiming
the same task at once exactly one gets it and the other gets Conflict. Both are
recorded in the case's history. When the task has task listeners, a change of its
assignee is also a command on the case: the case learns the assignee (its listeners read
it), its assignment listeners run (`engine.dialect.listeners`) and may set variables or
another assignee, and the case is saved, with the change recorded as
`task_assignee_changed` so a replay does the same.
"""

from __future__ import annotations

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from engine import clock
from engine.dialect.listeners.hooks import assignment_changed, has_task_listeners
from engine.errors import Conflict, NotFound
from engine.i18n import N_, Phrase
from engine.runtime import cases, waits
from engine.runtime.definitions import specs_of
from engine.runtime.history import record_event
from store.models import Case, ProcessDefinition, UserTask

NO_TASK = N_("no user task with id %(task)s")


def may_work_on(task: UserTask, username: str, roles: set[str] | frozenset[str]) -> bool:
    """Tell whether a person is a candidate for the task (by group, by name, or as assignee)."""
    groups = {g for g in (task.candidate_groups or "").split(",") if g}
    users = {u for u in (task.candidate_users or "").split(",") if u}
    return task.assignee == username or username in users or bool(groups & set(roles))


def claim(session: Session, task_id: str, username: str) -> None:
    """Make `username` the assignee of an open task; someone else's claim is a Conflict."""
    task = _open_task(session, task_id)
    previous = task.assignee
    claimed = session.execute(
        update(UserTask)
        .where(
            UserTask.id == task_id,
            UserTask.status == "open",
            or_(UserTask.assignee.is_(None), UserTask.assignee == username),
        )
        .values(assignee=username)
        .execution_options(synchronize_session=False)
    )
    session.refresh(task)
    if claimed.rowcount != 1:
        raise Conflict(
            Phrase(N_("task %(task)s is claimed by %(assignee)s"), task=task_id, assignee=task.assignee)
        )
    _record(session, task, "user_task_claimed", username)
    if previous != username:
        _assignee_changed(session, task, f"user:{username}")


def unclaim(session: Session, task_id: str, username: str, override: bool = False) -> None:
    """Give a task back to its candidates; only its assignee may, unless `override` (a head)."""
    task = _open_task(session, task_id)
    if task.assignee is None:
        return
    if task.assignee != username and not override:
        raise Conflict(
            Phrase(
                N_("task %(task)s is claimed by %(assignee)s, not by %(user)s"),
                task=task_id,
                assignee=task.assignee,
                user=username,
            )
        )
    previous = task.assignee
    task.assignee = None
    _record(session, task, "user_task_unclaimed", username, previous_assignee=previous)
    _assignee_changed(session, task, f"user:{username}")


def set_assignee(session: Session, task_id: str, assignee: str | None, actor: str) -> None:
    """Make `assignee` (None: nobody) the assignee of an open task, whoever held it; a head's act."""
    task = _open_task(session, task_id)
    previous = task.assignee
    task.assignee = assignee
    record_event(
        session,
        task.case_id,
        clock.now(),
        "user_task_assigned",
        actor,
        task.element_id,
        task_id=task.id,
        assignee=assignee,
        previous_assignee=previous,
    )
    session.flush()
    if assignee != previous:
        _assignee_changed(session, task, actor)


def user_task(session: Session, task_id: str) -> UserTask:
    """Return the row of user task `task_id`, open or not, or raise NotFound."""
    task = session.get(UserTask, task_id)
    if task is None:
        raise NotFound(Phrase(NO_TASK, task=repr(task_id)))
    return task


def _open_task(session: Session, task_id: str) -> UserTask:
    task = user_task(session, task_id)
    if task.status != "open":
        raise Conflict(
            Phrase(N_("user task %(task)s is %(status)s, not open"), task=task_id, status=task.status)
        )
    return task


def _record(session: Session, task: UserTask, kind: str, username: str, **data) -> None:
    record_event(
        session, task.case_id, clock.now(), kind, f"user:{username}", task.element_id, task_id=task.id, **data
    )
    session.flush()


def _assignee_changed(session: Session, task: UserTask, actor: str) -> None:
    """Tell a task with task listeners its new assignee, run its assignment listeners, save the case."""
    if not _listened(session, task):
        return
    case = cases.open_case(session, task.case_id)
    engine_task = waits.find_task(case.workflow, task.id)
    if engine_task is None:
        raise Conflict(f"user task {task.id} is not ready in its case")
    case.history.append(
        "task_assignee_changed",
        actor,
        task.element_id,
        task_id=task.id,
        assignee=task.assignee,
        clock=case.now.isoformat(),
    )
    with cases.diagram_errors():
        task.assignee = assignment_changed(engine_task, task.assignee)
    cases.finish(session, case, actor)


def _listened(session: Session, task: UserTask) -> bool:
    definition = session.get(ProcessDefinition, session.get(Case, task.case_id).definition_id)
    spec, subprocess_specs = specs_of(definition)
    return any(
        has_task_listeners(task_spec)
        for process in (spec, *subprocess_specs.values())
        for task_spec in process.task_specs.values()
        if getattr(task_spec, "bpmn_id", None) == task.element_id
    )
