"""Open user tasks as Camunda clients search them: candidates, assignee, case, due window, sorting.

A viewer who does not oversee every task (an officer) sees only the tasks they may work
on: assigned to them, offered to them by name, or offered to one of their groups.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from engine.people.users import find_user, roles_of
from engine.runtime.definitions import WITHOUT_BODIES
from store.models import Case, ProcessDefinition, UserTask

SORT_COLUMNS = {
    "id": UserTask.id,
    "dueDate": UserTask.due_at,
    "created": UserTask.created_at,
    "name": UserTask.name,
    "assignee": UserTask.assignee,
}


@dataclass(frozen=True)
class TaskSearch:
    """Who searches, and for which open tasks."""

    viewer: str
    viewer_groups: tuple[str, ...] = ()
    sees_all: bool = False
    task_id: str | None = None
    case_ids: tuple[str, ...] | None = None
    business_key: str | None = None
    definition_key: str | None = None
    definition_id: int | None = None
    element_id: str | None = None
    name: str | None = None
    candidate_groups: tuple[str, ...] | None = None
    candidate_user: str | None = None
    include_assigned: bool = False
    assignee: str | None = None
    assigned: bool | None = None  # True: someone holds it, False: nobody does
    due_before: datetime | None = None
    due_after: datetime | None = None
    sort_by: str = "id"
    descending: bool = False
    first: int = 0
    size: int | None = None


def search_tasks(
    session: Session, wanted: TaskSearch, counted: bool = True
) -> tuple[list[tuple[UserTask, ProcessDefinition]], int | None]:
    """Return one page of the open tasks `wanted` asks for, and how many there are in all.

    The definitions come without their spec and sources (the largest columns); a caller that
    needs only the page says `counted=False`, and the count is not made (None).
    """
    statement = (
        select(UserTask, ProcessDefinition)
        .join(Case, Case.id == UserTask.case_id)
        .join(ProcessDefinition, ProcessDefinition.id == Case.definition_id)
        .where(UserTask.status == "open")
        .options(*WITHOUT_BODIES)
    )
    for condition in _conditions(session, wanted):
        statement = statement.where(condition)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) if counted else None
    column = SORT_COLUMNS[wanted.sort_by]
    order = column.desc().nulls_last() if wanted.descending else column.asc().nulls_last()
    rows = session.execute(statement.order_by(order, UserTask.id).offset(wanted.first).limit(wanted.size))
    return [tuple(row) for row in rows.all()], total


def _offered_to(username: str, groups) -> list:
    offered = [UserTask.assignee == username, UserTask.candidate_users.like(f"%,{username},%")]
    return offered + [UserTask.candidate_groups.like(f"%,{group},%") for group in groups]


def _conditions(session: Session, wanted: TaskSearch) -> list:
    conditions = []
    if not wanted.sees_all:
        conditions.append(or_(*_offered_to(wanted.viewer, wanted.viewer_groups)))
    for column, value in (
        (UserTask.id, wanted.task_id),
        (Case.business_key, wanted.business_key),
        (ProcessDefinition.key, wanted.definition_key),
        (ProcessDefinition.id, wanted.definition_id),
        (UserTask.element_id, wanted.element_id),
        (UserTask.name, wanted.name),
        (UserTask.assignee, wanted.assignee),
    ):
        if value is not None:
            conditions.append(column == value)
    if wanted.case_ids is not None:
        conditions.append(UserTask.case_id.in_(wanted.case_ids))
    if wanted.candidate_groups is not None:
        conditions.append(or_(*[UserTask.candidate_groups.like(f"%,{g},%") for g in wanted.candidate_groups]))
    if wanted.candidate_user is not None:
        user = find_user(session, wanted.candidate_user)
        groups = sorted(roles_of(user)) if user is not None else []
        conditions.append(or_(*_offered_to(wanted.candidate_user, groups)[1:]))
    if (
        wanted.candidate_groups is not None or wanted.candidate_user is not None
    ) and not wanted.include_assigned:
        conditions.append(
            UserTask.assignee.is_(None)
        )  # as in Camunda: a candidate query finds unclaimed tasks
    if wanted.assigned is not None:
        conditions.append(UserTask.assignee.is_not(None) if wanted.assigned else UserTask.assignee.is_(None))
    if wanted.due_before is not None:
        conditions.append(UserTask.due_at < wanted.due_before)
    if wanted.due_after is not None:
        conditions.append(UserTask.due_at > wanted.due_after)
    return conditions
