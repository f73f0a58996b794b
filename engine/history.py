"""Append-only case history: every command records who, when, which element and the input."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import HistoryEvent

SYSTEM = "system"


class HistoryWriter:
    """Appends the events of one command to one case's history, in order."""

    def __init__(self, session: Session, case_id: str, at: datetime) -> None:
        self.session = session
        self.case_id = case_id
        self.at = at
        self._next_seq = _last_seq(session, case_id) + 1

    def append(self, kind: str, actor: str, element_id: str | None = None, **data: Any) -> None:
        """Add one event; `data` is stored as it came in."""
        self.session.add(
            HistoryEvent(
                case_id=self.case_id,
                seq=self._next_seq,
                at=self.at,
                actor=actor,
                kind=kind,
                element_id=element_id,
                data=data,
            )
        )
        self._next_seq += 1


def _last_seq(session: Session, case_id: str) -> int:
    return session.scalar(
        select(func.coalesce(func.max(HistoryEvent.seq), 0)).where(HistoryEvent.case_id == case_id)
    )


def case_history(session: Session, case_id: str) -> list[HistoryEvent]:
    """Return a case's history in order."""
    return list(
        session.scalars(
            select(HistoryEvent).where(HistoryEvent.case_id == case_id).order_by(HistoryEvent.seq)
        )
    )
