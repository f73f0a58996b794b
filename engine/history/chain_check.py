"""Check the hash chains of case histories and name the first event that was tampered with.

A chain alone cannot show that its last events were cut off. So each chain is also
held to its case's row: a completed case's chain ends with `case_completed`, the last
command's `state_reached` names the revision the row is at (recorded since migration
0007_claims) and was written at the moment the row was last saved. A chain that stops
short of its row is named `cut` even without exported heads.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.runtime.history import GENESIS, event_hash
from store.models import Case, HistoryEvent

BATCH = 500  # cases whose events are read in one query


@dataclass(frozen=True)
class Finding:
    """The first break in one case's chain: what happened to which event."""

    seq: int
    what: str  # changed, removed, inserted, unchained, cut, mismatch
    explanation: str


@dataclass(frozen=True)
class CaseRow:
    """What the case's row says about how far the case got."""

    status: str
    revision: int
    updated_at: datetime


# the events whose command saved the case's row (documents attached or destroyed touch it too)
ROW_SAVES = ("state_reached", "document_attached", "documents_destroyed")


@dataclass(frozen=True)
class ChainCheck:
    """The result of checking one case: its events, its head and the first break, if any."""

    case_id: str
    events: int
    head_seq: int
    head_hash: str | None
    finding: Finding | None

    @property
    def intact(self) -> bool:
        return self.finding is None

    def sentence(self) -> str:
        """Say in one line what the check found."""
        if self.finding is None:
            return f"{self.case_id}: intact, {self.events} events, head {self.head_hash}"
        return f"{self.case_id}: {self.finding.what} at event {self.finding.seq}: {self.finding.explanation}"


NO_ROW = object()  # check_chain's `row` when the case is known to have no row


def check_chain(
    case_id: str,
    events: list[HistoryEvent],
    head: tuple[int, str] | None = None,
    row: CaseRow | None | object = None,
) -> ChainCheck:
    """Re-compute a case's chain (events in seq order) and hold it to its row and an exported head.

    `head` is an exported (seq, hash); `row` is the case's row (None: not checked,
    NO_ROW: the case has none).
    """
    finding = _first_break(events)
    if finding is None and head is not None:
        finding = _against_head(events, head)
    if finding is None and row is not None:
        finding = _against_row(events, row)
    last = events[-1] if events else None
    return ChainCheck(case_id, len(events), last.seq if last else 0, last.hash if last else None, finding)


def _first_break(events: list[HistoryEvent]) -> Finding | None:
    seen = {GENESIS: 0}  # hash -> seq of the events checked so far
    previous_hash, expected_seq = GENESIS, 1
    for event in events:
        if event.hash is None and event.prev_hash is None:
            return Finding(event.seq, "unchained", "the event carries no hash (recorded before chaining)")
        if event.prev_hash != previous_hash:
            return _broken_link(event, seen, expected_seq)
        if event_hash(event) != event.hash:
            return Finding(event.seq, "changed", f"its content no longer matches its hash ({event.kind})")
        if event.seq != expected_seq:
            return Finding(expected_seq, "removed", f"events {expected_seq}..{event.seq - 1} are missing")
        seen[event.hash] = event.seq
        previous_hash, expected_seq = event.hash, event.seq + 1
    return None


def _broken_link(event: HistoryEvent, seen: dict[str, int], expected_seq: int) -> Finding:
    """Explain why `event` does not follow the event before it."""
    if event.prev_hash in seen:
        inserted = seen[event.prev_hash] + 1
        return Finding(
            inserted,
            "inserted",
            f"event {event.seq} was chained to event {inserted - 1}; what lies between was added",
        )
    if event.seq > expected_seq:
        return Finding(expected_seq, "removed", f"event {event.seq} follows an event that is no longer there")
    return Finding(event.seq, "inserted", "the event is not chained to the event before it")


def _against_row(events: list[HistoryEvent], row: CaseRow | object) -> Finding | None:
    """Hold the chain to what the case's row says: its status, its revision, its last save."""
    after = events[-1].seq + 1 if events else 1
    if row is NO_ROW:
        return Finding(after, "mismatch", "the history names a case that has no row")
    if not events:
        return Finding(1, "cut", f"the case row is {row.status} at revision {row.revision}, with no history")
    completed = any(e.kind == "case_completed" for e in events)
    if row.status == "completed" and not completed:
        return Finding(after, "cut", f"the case row says completed, but the chain ends at event {after - 1}")
    if row.status != "completed" and completed:
        return Finding(after, "mismatch", f"the chain records the case's end, but its row is {row.status}")
    saves = [e for e in events if e.kind in ROW_SAVES]
    if not saves:
        return None  # recorded before commands wrote state_reached: nothing more to hold it to
    last = saves[-1]
    recorded = (last.data or {}).get("revision")
    if recorded is not None and recorded != row.revision:
        what = "cut" if recorded < row.revision else "mismatch"
        return Finding(
            after, what, f"the case row is at revision {row.revision}, the chain reaches revision {recorded}"
        )
    if clock.as_utc(last.at) != clock.as_utc(row.updated_at):
        return Finding(
            after,
            "cut",
            f"the case row was last saved at {clock.as_utc(row.updated_at).isoformat()}, the chain's last "
            f"command ran at {clock.as_utc(last.at).isoformat()}",
        )
    return None


def _against_head(events: list[HistoryEvent], head: tuple[int, str]) -> Finding | None:
    """Hold the chain to a head exported earlier: its event must still be there, unchanged."""
    seq, expected_hash = head
    at_seq = next((e for e in events if e.seq == seq), None)
    if at_seq is None:
        return Finding(seq, "removed", f"the exported head event {seq} is no longer there")
    if at_seq.hash != expected_hash:
        return Finding(seq, "changed", "the chain was rewritten: the exported head hash differs")
    return None


def case_ids(session: Session, wanted: Iterable[str] | None = None) -> list[str]:
    """Return the ids of the cases named, or of every case, in a stable order."""
    if wanted:
        return list(wanted)
    known = set(session.scalars(select(Case.id)))
    known |= set(session.scalars(select(HistoryEvent.case_id).distinct()))
    return sorted(known)


def check_cases(session: Session, ids: list[str], heads: dict | None = None) -> Iterator[ChainCheck]:
    """Check the chains of the cases `ids`, reading their events in batches."""
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        by_case: dict[str, list[HistoryEvent]] = {case_id: [] for case_id in batch}
        query = (
            select(HistoryEvent)
            .where(HistoryEvent.case_id.in_(batch))
            .order_by(HistoryEvent.case_id, HistoryEvent.seq)
        )
        for event in session.scalars(query):
            by_case[event.case_id].append(event)
        rows = case_rows(session, batch)
        for case_id in batch:
            head = (heads or {}).get(case_id)
            exported = (head["seq"], head["hash"]) if head else None
            yield check_chain(case_id, by_case[case_id], exported, rows.get(case_id, NO_ROW))
        session.expunge_all()


def row_of(case: Case) -> CaseRow:
    """Return what a loaded case row says, for check_chain."""
    return CaseRow(case.status, case.revision, case.updated_at)


def case_rows(session: Session, ids: list[str]) -> dict[str, CaseRow]:
    """Return what the rows of cases `ids` say, by case id."""
    query = select(Case.id, Case.status, Case.revision, Case.updated_at).where(Case.id.in_(ids))
    return {row.id: CaseRow(row.status, row.revision, row.updated_at) for row in session.execute(query)}
