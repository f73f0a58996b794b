"""Append-only case history: every command records who, when, which element and the input.

Each case's history is a hash chain: every event stores the SHA-256 of its canonical
JSON, which includes the hash of the event before it, so that a changed, removed or
inserted event breaks the chain at that point (`engine/audit.py` checks it).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from engine import clock, extensions
from store import direct
from store.models import Case, HistoryEvent

SYSTEM = "system"
GENESIS = "0" * 64  # the prev_hash of a case's first event


class HistoryWriter:
    """Collects the events of one command for one case, in order, chained; `write` stores them at once.

    A command's events go to the store in one INSERT when the case is saved. `head` is the
    (seq, hash) of the case's last event when the caller read it already; otherwise it is read.
    """

    def __init__(
        self, session: Session, case_id: str, at: datetime, head: tuple[int, str] | None = None
    ) -> None:
        self.session = session
        self.case_id = case_id
        self.at = at
        last_seq, last_hash = head if head is not None else last_event(session, case_id)
        self._next_seq = last_seq + 1
        self._prev_hash = last_hash
        self._pending: list[dict[str, Any]] = []

    def append(self, kind: str, actor: str, element_id: str | None = None, **data: Any) -> None:
        """Add one event; `data` is stored as it came in, and chained to the event before."""
        event = {
            "case_id": self.case_id,
            "seq": self._next_seq,
            "at": self.at,
            "actor": actor,
            "kind": kind,
            "element_id": element_id,
            "data": _as_stored(data),
            "prev_hash": self._prev_hash,
        }
        event["hash"] = hashlib.sha256(_canonical_bytes(event)).hexdigest()
        self._pending.append(event)
        self._next_seq += 1
        self._prev_hash = event["hash"]

    def write(self) -> None:
        """Store the events appended since the last write, in one statement."""
        if self._pending:
            direct.execute(self.session, _INSERT_EVENTS, self._pending)
            self._pending = []


_INSERT_EVENTS = insert(HistoryEvent.__table__)
_CASES = Case.__table__
_LOCK_CASE = select(_CASES.c.id).where(_CASES.c.id == bindparam("case_id")).with_for_update()


def record_event(
    session: Session, case_id: str, at: datetime, kind: str, actor: str, element_id: str | None = None, **data
) -> None:
    """Append one event to a case's history and store it now (for acts outside a case's command)."""
    writer = HistoryWriter(session, case_id, at)
    writer.append(kind, actor, element_id, **data)
    writer.write()


def _as_stored(data: dict[str, Any]) -> dict[str, Any]:
    """Return `data` as the JSON column gives it back, so that the hash survives a round trip."""
    return json.loads(json.dumps(data, default=str))


def last_event(session: Session, case_id: str) -> tuple[int, str]:
    """Return (seq, hash) of the case's last event; (0, GENESIS) before its first.

    The case row is locked first (PostgreSQL; SQLite runs one writer at a time): an event
    appended from this head cannot meet another transaction's event with the same seq.
    """
    session.flush()  # the events added before are read back, as the ORM's autoflush would
    direct.execute(session, _LOCK_CASE, {"case_id": case_id})
    row = direct.execute(session, _LAST_EVENT, {"case_id": case_id}).first()
    if row is None:
        return 0, GENESIS
    seq, hash_ = row
    return seq, hash_ or GENESIS


def last_event_query(case_id):
    """Return the SELECT of (seq, hash) of the case's last event."""
    return (
        select(HistoryEvent.seq, HistoryEvent.hash)
        .where(HistoryEvent.case_id == case_id)
        .order_by(HistoryEvent.seq.desc())
        .limit(1)
    )


_LAST_EVENT = last_event_query(bindparam("case_id"))


def canonical_time(moment: datetime) -> str:
    """Write `moment` as ISO 8601 in UTC with microseconds, the same on every database."""
    return clock.as_utc(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(event: HistoryEvent) -> bytes:
    """Return the bytes an event's hash is taken over: sorted keys, no whitespace, UTF-8."""
    return _canonical_bytes({name: getattr(event, name) for name in _CHAINED})


_CHAINED = ("case_id", "seq", "at", "actor", "kind", "element_id", "data", "prev_hash")


def _canonical_bytes(event: dict[str, Any]) -> bytes:
    document = {name: event[name] for name in _CHAINED}
    document["at"] = canonical_time(document["at"])
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def event_hash(event: HistoryEvent) -> str:
    """Return the SHA-256 (hex) of an event's canonical JSON."""
    return hashlib.sha256(canonical_json(event)).hexdigest()


def case_history(session: Session, case_id: str) -> list[HistoryEvent]:
    """Return a case's history in order."""
    return list(
        session.scalars(
            select(HistoryEvent).where(HistoryEvent.case_id == case_id).order_by(HistoryEvent.seq)
        )
    )


@dataclass(frozen=True)
class Finding:
    """An element whose completion the procedure calls a finding, when it happened, and its sentence."""

    seq: int
    at: datetime
    element_id: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as JSON-ready data."""
        return {"seq": self.seq, "at": self.at.isoformat(), "element_id": self.element_id, "text": self.text}


def findings_of(events: list[HistoryEvent], variables: dict[str, Any]) -> list[Finding]:
    """Return the findings among a case's history events, worded from the case's variables."""
    wording = extensions.current().findings
    return [
        Finding(event.seq, clock.as_utc(event.at), event.element_id, wording[event.element_id](variables))
        for event in events
        if event.kind == "element_completed" and event.element_id in wording
    ]
