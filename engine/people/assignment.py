"""Claim and unclaim user tasks: who of the candidates is working on a task.

A claim is a compare-and-set on the task's projection row, so of two officers claiming
the same task at once exactly one gets it and the other gets Conflict. Both are
recorded in the case's history.
"""

from __future__ import annotations

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from engine import clock
from engine.errors import Conflict, NotFound
from engine.i18n import N_, Phrase
from engine.runtime.history import HistoryWriter
from store.models import UserTask

NO_TASK = N_("no user task with id %(task)s")


def may_work_on(task: UserTask, username: str, roles: set[str] | frozenset[str]) -> bool:
    """Tell whether a person is a candidate for the task (by group, by name, or as assignee)."""
    groups = {g for g in (task.candidate_groups or "").split(",") if g}
    users = {u for u in (task.candidate_users or "").split(",") if u}
    return task.assignee == username or username in users or bool(groups & set(roles))


def claim(session: Session, task_id: str, username: str) -> None:
    """Make `username` the assignee of an open task; someone else's claim is a Conflict."""
    task = _open_task(session, task_id)
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
    if claimed.rowcount != 1:
        session.refresh(task)
        raise Conflict(
            Phrase(N_("task %(task)s is claimed by %(assignee)s"), task=task_id, assignee=task.assignee)
        )
    _record(session, task, "user_task_claimed", username)


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


def set_assignee(session: Session, task_id: str, assignee: str | None, actor: str) -> None:
    """Make `assignee` (None: nobody) the assignee of an open task, whoever held it; a head's act."""
    task = _open_task(session, task_id)
    previous = task.assignee
    task.assignee = assignee
    history = HistoryWriter(session, task.case_id, clock.now())
    history.append(
        "user_task_assigned",
        actor,
        task.element_id,
        task_id=task.id,
        assignee=assignee,
        previous_assignee=previous,
    )
    session.flush()


def _open_task(session: Session, task_id: str) -> UserTask:
    task = session.get(UserTask, task_id)
    if task is None:
        raise NotFound(Phrase(NO_TASK, task=repr(task_id)))
    if task.status != "open":
        raise Conflict(
            Phrase(N_("user task %(task)s is %(status)s, not open"), task=task_id, status=task.status)
        )
    return task


def _record(session: Session, task: UserTask, kind: str, username: str, **data) -> None:
    history = HistoryWriter(session, task.case_id, clock.now())
    history.append(kind, f"user:{username}", task.element_id, task_id=task.id, **data)
    session.flush()
