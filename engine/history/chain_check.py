"""Check the hash chains of case histories and name the first event that was tampered with."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.runtime.history import GENESIS, event_hash
from store.models import Case, HistoryEvent

BATCH = 500  # cases whose events are read in one query


@dataclass(frozen=True)
class Finding:
    """The first break in one case's chain: what happened to which event."""

    seq: int
    what: str  # changed, removed, inserted, unchained
    explanation: str


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


def check_chain(case_id: str, events: list[HistoryEvent], head: tuple[int, str] | None = None) -> ChainCheck:
    """Re-compute a case's chain (events in seq order); `head` is an exported (seq, hash) to hold to."""
    finding = _first_break(events)
    if finding is None and head is not None:
        finding = _against_head(events, head)
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
        for case_id in batch:
            head = (heads or {}).get(case_id)
            yield check_chain(case_id, by_case[case_id], (head["seq"], head["hash"]) if head else None)
        session.expunge_all()
