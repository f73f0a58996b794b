"""Read-only questions about cases and tasks, for pages, APIs and tests."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import UserTask


def open_user_tasks(session: Session, group: str | None = None, limit: int = 200) -> list[UserTask]:
    """Return open user tasks, of one candidate group if given, earliest due first."""
    query = select(UserTask).where(UserTask.status == "open").order_by(UserTask.due_at, UserTask.id)
    if group:
        query = query.where(UserTask.candidate_groups.like(f"%,{group},%"))
    return list(session.scalars(query.limit(limit)))
