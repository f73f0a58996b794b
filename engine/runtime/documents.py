"""Documents attached to a running case, kept with its records and destroyed with them.

Attaching records `document_attached` in the case's history, in the caller's unit of
work; the same document (by SHA-256) attached again is the one attached before.
Destroying is done by the task that destroys the case's records, under its idempotency
key: the content is dropped, the row stays as the record of what was destroyed, when
and by which task, and `documents_destroyed` is appended to the history. A retried task
is answered the same documents; after that, nothing more can be attached to the case.
Both touch the case row, so a command changing the case at the same moment conflicts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.errors import Conflict, InvalidCommand, NotFound
from engine.runtime.history import record_event
from store.db import Store
from store.models import Case, CaseDocument, HistoryEvent

DESTROYED = "documents_destroyed"


@dataclass(frozen=True)
class Received:
    """A document to attach: what it is, its number, its content and what was read from it."""

    kind: str
    reference: str
    media_type: str
    content: str
    digest: str
    details: dict[str, Any]


def attach(session: Session, case_id: str, document: Received, actor: str) -> tuple[CaseDocument, bool]:
    """Attach `document` to a running case; return it and whether it is new."""
    if not (document.kind and document.reference and document.digest):
        raise InvalidCommand("a document needs a kind, a reference and a digest")
    row = _running_case(session, case_id)
    known = session.scalar(
        select(CaseDocument).where(CaseDocument.case_id == case_id, CaseDocument.digest == document.digest)
    )
    if known is not None:
        return known, False
    if _destroyed(session, case_id):
        raise Conflict(f"the records of case {case_id} were destroyed; nothing more can be attached")
    now = clock.now()
    attached = CaseDocument(
        case_id=case_id,
        kind=document.kind,
        reference=document.reference,
        media_type=document.media_type,
        digest=document.digest,
        size=len(document.content.encode("utf-8")),
        content=document.content,
        details=document.details,
        received_at=now,
        received_by=actor,
    )
    session.add(attached)
    session.flush()
    record_event(
        session,
        case_id,
        now,
        "document_attached",
        actor,
        None,
        document=_summary(attached),
        details=document.details,
    )
    row.updated_at = now  # a concurrent command on the case conflicts
    session.flush()
    return attached, True


def case_documents(session: Session, case_id: str) -> list[CaseDocument]:
    """Return the documents attached to a case, oldest first."""
    return list(
        session.scalars(select(CaseDocument).where(CaseDocument.case_id == case_id).order_by(CaseDocument.id))
    )


def destroy(session: Session, case_id: str, idempotency_key: str, actor: str) -> list[dict[str, Any]]:
    """Destroy the case's documents for the task holding `idempotency_key`; return what it destroyed."""
    if not idempotency_key:
        raise InvalidCommand("destroying documents needs the task's idempotency key")
    row = session.get(Case, case_id)
    if row is None:
        raise NotFound(f"no case with id {case_id!r}")
    now = clock.now()
    kept = [d for d in case_documents(session, case_id) if d.destroyed_at is None]
    for document in kept:
        document.content = None
        document.destroyed_at = now
        document.destroyed_by = idempotency_key
    if kept or not _destroyed(session, case_id):
        record_event(
            session,
            case_id,
            now,
            DESTROYED,
            actor,
            None,
            idempotency_key=idempotency_key,
            documents=[_summary(d) for d in kept],
        )
        row.updated_at = now
    session.flush()
    return [
        {**_summary(d), "destroyed_at": clock.as_utc(d.destroyed_at).isoformat()}
        for d in case_documents(session, case_id)
        if d.destroyed_by == idempotency_key
    ]


def destroyer(store: Store, case_id: str, idempotency_key: str, actor: str):
    """Return a function that destroys the case's documents for one task, in its own transaction."""

    def destroy_case_documents() -> list[dict[str, Any]]:
        with store.unit_of_work() as session:
            return destroy(session, case_id, idempotency_key, actor)

    return destroy_case_documents


def _running_case(session: Session, case_id: str) -> Case:
    row = session.get(Case, case_id)
    if row is None:
        raise NotFound(f"no case with id {case_id!r}")
    if row.status != "running":
        raise Conflict(f"case {case_id} has ended; nothing more can be attached")
    return row


def _destroyed(session: Session, case_id: str) -> bool:
    found = session.scalar(
        select(HistoryEvent.id)
        .where(HistoryEvent.case_id == case_id, HistoryEvent.kind == DESTROYED)
        .limit(1)
    )
    return found is not None


def _summary(document: CaseDocument) -> dict[str, Any]:
    return {
        "document_id": document.id,
        "kind": document.kind,
        "reference": document.reference,
        "digest": document.digest,
        "size": document.size,
        "received_at": clock.as_utc(document.received_at).isoformat() if document.received_at else None,
    }
