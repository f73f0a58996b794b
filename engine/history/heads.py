"""Head hashes an outside party keeps, to prove later that no history was rewritten."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import clock
from store.models import HistoryEvent


def case_heads(session: Session, until: datetime | None = None) -> dict[str, dict]:
    """Return each case's last event (seq and hash) recorded before `until` (all when None)."""
    last = select(HistoryEvent.case_id, func.max(HistoryEvent.seq).label("seq")).group_by(
        HistoryEvent.case_id
    )
    if until is not None:
        last = last.where(HistoryEvent.at < until)
    last = last.subquery()
    rows = session.execute(
        select(HistoryEvent.case_id, HistoryEvent.seq, HistoryEvent.hash, HistoryEvent.at).join(
            last, (last.c.case_id == HistoryEvent.case_id) & (last.c.seq == HistoryEvent.seq)
        )
    )
    return {
        row.case_id: {"seq": row.seq, "hash": row.hash, "at": clock.as_utc(row.at).isoformat()}
        for row in rows
    }


def root_hash(heads: dict[str, dict]) -> str:
    """Return one SHA-256 over every case's head, in case-id order."""
    digest = hashlib.sha256()
    for case_id in sorted(heads):
        digest.update(f"{case_id} {heads[case_id]['seq']} {heads[case_id]['hash']}\n".encode())
    return digest.hexdigest()


def day_heads(session: Session, day: date) -> dict:
    """Return the heads of every case at the end of `day` (in the engine's zone) and their root hash."""
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=clock.zone())
    heads = case_heads(session, end)
    return {
        "day": day.isoformat(),
        "until": clock.as_utc(end).isoformat(),
        "exported_at": clock.now().isoformat(),
        "root_hash": root_hash(heads),
        "cases": heads,
    }
