"""Read-only questions about cases and tasks, for pages, APIs and tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from engine import clock
from store import returned
from store.models import Case, CaseLabel, ProcessDefinition, UserTask
from store.returned import every_column

TASK_STATUSES = ("unclaimed", "mine", "claimed")
PAGE_SIZE = 50


def open_user_tasks(
    session: Session, group: str | None = None, limit: int = 200, business_key: str | None = None
) -> list[UserTask]:
    """Return open user tasks, of one candidate group and of one business key if given, earliest due first."""
    query = _OPEN_TASKS[bool(group), bool(business_key)]
    wanted = {"limit": limit, "members": f"%,{group},%", "business_key": business_key}
    return returned.loaded(session, UserTask, query, wanted)


def _open_tasks(of_group: bool, of_business_key: bool):
    tasks, cases = UserTask.__table__, Case.__table__
    query = select(*every_column(UserTask)).where(tasks.c.status == "open")
    if of_group:
        query = query.where(tasks.c.candidate_groups.like(bindparam("members")))
    if of_business_key:
        query = query.join(cases, cases.c.id == tasks.c.case_id).where(
            cases.c.business_key == bindparam("business_key")
        )
    return query.order_by(tasks.c.due_at, tasks.c.id).limit(bindparam("limit"))


# built once, run as Core (store/returned.py): every task list asks one of them
_OPEN_TASKS = {(group, key): _open_tasks(group, key) for group in (False, True) for key in (False, True)}


def business_keys(session: Session, case_ids: list[str]) -> dict[str, str | None]:
    """Return {case id: business key} of the cases named."""
    if not case_ids:
        return {}
    return dict(session.execute(select(Case.id, Case.business_key).where(Case.id.in_(set(case_ids)))).all())


@dataclass(frozen=True)
class TaskFilter:
    """Who is asking and what they narrowed the list to."""

    username: str
    groups: tuple[str, ...]
    see_all: bool = False  # heads oversee every open task
    kind: str | None = None
    status: str | None = None  # unclaimed, mine, claimed (by someone else)
    business_key: str | None = None  # the application's number, exactly


@dataclass(frozen=True)
class TaskRow:
    """One line of the task list."""

    task: UserTask
    business_key: str | None
    kind: str | None
    direction: str | None
    list_section: str | None
    applicant_name: str | None


@dataclass(frozen=True)
class TaskPage:
    """A page of the task list and the cursor of the next page, if any."""

    rows: list[TaskRow]
    next_after: str | None


def task_page(
    session: Session, wanted: TaskFilter, after: str | None = None, size: int = PAGE_SIZE
) -> TaskPage:
    """Return open tasks `wanted` sees, by statutory due time, after the keyset cursor `after`.

    Tasks with a due time come first (earliest first), then those without; the cursor is
    "<due_at ISO or ->|<task id>" of the last row shown.
    """
    if wanted.business_key:
        return _one_application(session, wanted)
    due, last_id = _read_cursor(after)
    rows: list = []
    if due is not None or last_id is None:
        rows = _fetch(session, wanted, _after_due(due, last_id), size + 1, dated=True)
    if len(rows) <= size:
        after_undated = last_id if due is None and last_id is not None else None
        undated = UserTask.id > after_undated if after_undated else None
        rows += _fetch(session, wanted, undated, size + 1 - len(rows), dated=False)
    more = len(rows) > size
    rows = rows[:size]
    page = [TaskRow(*row) for row in rows]
    return TaskPage(page, _cursor(page[-1].task) if more and page else None)


def _one_application(session, wanted: TaskFilter) -> TaskPage:
    """Return the open tasks of one application's cases, sorted here.

    SQLite's planner would rather walk the due-time index than the business key's; an
    application has a handful of tasks, so fetching them by case and sorting is cheapest.
    """
    case_ids = list(session.scalars(select(Case.id).where(Case.business_key == wanted.business_key)))
    if not case_ids:
        return TaskPage([], None)
    query = _task_query().where(UserTask.case_id.in_(case_ids))  # no status here: it would pick its index
    for condition in _conditions(wanted):
        query = query.where(condition)
    found = [row for row in session.execute(query).all() if row[0].status == "open"]
    rows = sorted(found, key=lambda row: _sort_key(row[0]))
    return TaskPage([TaskRow(*row) for row in rows], None)


def _sort_key(task: UserTask) -> tuple:
    due = clock.as_utc(task.due_at) if task.due_at is not None else None
    return (due is None, due or datetime.min.replace(tzinfo=UTC), task.id)


def _task_query():
    return (
        select(
            UserTask,
            Case.business_key,
            CaseLabel.kind,
            CaseLabel.direction,
            CaseLabel.list_section,
            CaseLabel.applicant_name,
        )
        .join(Case, Case.id == UserTask.case_id)
        .outerjoin(CaseLabel, CaseLabel.case_id == UserTask.case_id)
    )


def _fetch(session, wanted: TaskFilter, keyset, limit: int, dated: bool) -> list:
    query = (
        _task_query()
        .where(UserTask.status == "open")
        .where(UserTask.due_at.is_not(None) if dated else UserTask.due_at.is_(None))
        .order_by(UserTask.due_at, UserTask.id)
        .limit(limit)
    )
    for condition in (keyset, *_conditions(wanted)):
        if condition is not None:
            query = query.where(condition)
    return list(session.execute(query).all())


def _conditions(wanted: TaskFilter) -> list:
    conditions = []
    if not wanted.see_all:
        mine = [UserTask.assignee == wanted.username]
        mine += [UserTask.candidate_groups.like(f"%,{group},%") for group in wanted.groups]
        mine.append(UserTask.candidate_users.like(f"%,{wanted.username},%"))
        conditions.append(or_(*mine))
    if wanted.kind:
        conditions.append(CaseLabel.kind == wanted.kind)
    if wanted.business_key:  # exact: the application's number
        conditions.append(Case.business_key == wanted.business_key)
    if wanted.status == "unclaimed":
        conditions.append(UserTask.assignee.is_(None))
    elif wanted.status == "mine":
        conditions.append(UserTask.assignee == wanted.username)
    elif wanted.status == "claimed":
        conditions.append(and_(UserTask.assignee.is_not(None), UserTask.assignee != wanted.username))
    return conditions


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _after_due(due: datetime | None, last_id: str | None):
    if due is None:
        return None
    return or_(UserTask.due_at > due, and_(UserTask.due_at == due, UserTask.id > last_id))


def _cursor(task: UserTask) -> str:
    due = task.due_at.isoformat() if task.due_at is not None else "-"
    return f"{due}|{task.id}"


def _read_cursor(after: str | None) -> tuple[datetime | None, str | None]:
    if not after or "|" not in after:
        return None, None
    due, _, last_id = after.partition("|")
    if due == "-":
        return None, last_id
    try:
        return datetime.fromisoformat(due), last_id
    except ValueError:
        return None, None


@dataclass(frozen=True)
class DeployedVersion:
    """One version of a process and how many of its cases run and have ended."""

    definition: ProcessDefinition
    running: int
    completed: int


def deployed_versions(session: Session) -> list[DeployedVersion]:
    """Return every deployed version, newest first per process, with its case counts."""
    tallies = session.execute(
        select(Case.definition_id, Case.status, func.count()).group_by(Case.definition_id, Case.status)
    )
    per_definition: dict[int, dict[str, int]] = {}
    for definition_id, status, count in tallies:
        per_definition.setdefault(definition_id, {})[status] = count
    definitions = session.scalars(
        select(ProcessDefinition).order_by(ProcessDefinition.key, ProcessDefinition.version.desc())
    )
    return [
        DeployedVersion(
            d,
            per_definition.get(d.id, {}).get("running", 0),
            per_definition.get(d.id, {}).get("completed", 0),
        )
        for d in definitions
    ]


def find_cases(session: Session, business_key: str | None = None, limit: int = 50) -> list[tuple]:
    """Return (case, definition key, version, label) of the newest cases, by business key prefix."""
    query = (
        select(Case, ProcessDefinition.key, ProcessDefinition.version, CaseLabel)
        .join(ProcessDefinition, ProcessDefinition.id == Case.definition_id)
        .outerjoin(CaseLabel, CaseLabel.case_id == Case.id)
        .order_by(Case.started_at.desc(), Case.id)
        .limit(limit)
    )
    if business_key:
        query = query.where(Case.business_key.like(_escaped(business_key) + "%", escape="\\"))
    return list(session.execute(query).all())
