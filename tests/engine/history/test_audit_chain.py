"""verify re-computes each case's hash chain and names the first event tampered with."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text, update

from engine.history.chain_check import check_cases
from engine.history.heads import case_heads
from engine.runtime.history import GENESIS, event_hash
from store.models import HistoryEvent
from tests.conftest import read_diagram
from tests.engine import sample


@pytest.fixture
def recorded(orchestrator):
    """Two recorded cases of the core sample: one checked and reviewed, one just started."""
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    reviewed = sample.start(orchestrator, "T-1")
    sample.pass_check(orchestrator)
    orchestrator.complete_user_task(
        sample.open_review(orchestrator, reviewed).id, {"approved": True}, "officer"
    )
    untouched = sample.start(orchestrator, "T-2")
    return orchestrator, reviewed, untouched


def verify(orchestrator, *case_ids, heads=None):
    with orchestrator.store.unit_of_work() as session:
        return {c.case_id: c for c in check_cases(session, list(case_ids), heads)}


def test_every_event_is_chained_to_the_one_before_it(recorded):
    orchestrator, reviewed, _ = recorded
    events = sample.rows(orchestrator, HistoryEvent, case_id=reviewed)
    events.sort(key=lambda e: e.seq)

    assert events[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:], strict=False))
    assert all(event_hash(e) == e.hash for e in events)


def test_untampered_histories_verify_as_intact(recorded):
    orchestrator, reviewed, untouched = recorded

    checks = verify(orchestrator, reviewed, untouched)

    assert all(check.intact for check in checks.values())
    assert checks[reviewed].events >= 5


def test_an_edited_row_is_named_as_changed_and_other_cases_stay_intact(recorded):
    orchestrator, reviewed, untouched = recorded
    with orchestrator.store.unit_of_work() as session:
        session.execute(
            update(HistoryEvent)
            .where(HistoryEvent.case_id == reviewed, HistoryEvent.seq == 3)
            .values(actor="someone.else")
        )

    checks = verify(orchestrator, reviewed, untouched)

    assert (checks[reviewed].finding.seq, checks[reviewed].finding.what) == (3, "changed")
    assert checks[untouched].intact


def test_a_deleted_row_is_named_as_removed(recorded):
    orchestrator, reviewed, _ = recorded
    with orchestrator.store.unit_of_work() as session:
        session.execute(text("DELETE FROM history_events WHERE case_id = :c AND seq = 4"), {"c": reviewed})

    finding = verify(orchestrator, reviewed)[reviewed].finding

    assert (finding.seq, finding.what) == (4, "removed")


def test_a_row_inserted_in_the_middle_with_a_valid_hash_is_named_as_inserted(recorded):
    orchestrator, reviewed, _ = recorded
    with orchestrator.store.unit_of_work() as session:
        # Given someone who knows the algorithm makes room after event 2 and forges event 3
        events = list(
            session.scalars(
                select(HistoryEvent).where(HistoryEvent.case_id == reviewed).order_by(HistoryEvent.seq.desc())
            )
        )
        for event in events:
            if event.seq >= 3:
                event.seq += 1
                session.flush()
        second = next(e for e in events if e.seq == 2)
        forged = HistoryEvent(
            case_id=reviewed,
            seq=3,
            at=second.at,
            actor="officer",
            kind="user_task_completed",
            element_id="review",
            data={"approved": False},
            prev_hash=second.hash,
        )
        forged.hash = event_hash(forged)
        session.add(forged)

    finding = verify(orchestrator, reviewed)[reviewed].finding

    assert (finding.seq, finding.what) == (3, "inserted")


def test_a_row_appended_without_knowing_the_algorithm_is_named(recorded):
    orchestrator, _, untouched = recorded
    last = max(e.seq for e in sample.rows(orchestrator, HistoryEvent, case_id=untouched))
    with orchestrator.store.unit_of_work() as session:
        session.add(
            HistoryEvent(
                case_id=untouched,
                seq=last + 1,
                at=sample.case(orchestrator, untouched).started_at,
                actor="x",
                kind="case_completed",
                element_id=None,
                data={},
                prev_hash="f" * 64,
                hash="f" * 64,
            )
        )

    finding = verify(orchestrator, untouched)[untouched].finding

    assert (finding.seq, finding.what) == (last + 1, "inserted")


def test_a_truncated_history_is_caught_against_an_exported_head(recorded):
    orchestrator, reviewed, _ = recorded
    with orchestrator.store.unit_of_work() as session:
        heads = case_heads(session)
    last = heads[reviewed]["seq"]
    with orchestrator.store.unit_of_work() as session:
        session.execute(
            text("DELETE FROM history_events WHERE case_id = :c AND seq = :s"), {"c": reviewed, "s": last}
        )

    finding = verify(orchestrator, reviewed, heads=heads)[reviewed].finding

    assert (finding.seq, finding.what) == (last, "removed")


@pytest.fixture
def completed(orchestrator):
    """A core sample case that went all the way: checked, reviewed, answered, completed."""
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    case_id = sample.start(orchestrator, "T-3")
    sample.pass_check(orchestrator)
    orchestrator.complete_user_task(
        sample.open_review(orchestrator, case_id).id, {"approved": True}, "officer"
    )
    orchestrator.correlate_message("answer", {}, "T-3")
    assert sample.case(orchestrator, case_id).status == "completed"
    return orchestrator, case_id


def cut_after(orchestrator, case_id: str, kind: str, which: int = -1) -> int:
    """Delete the events after the `which`-th event of `kind`, as one who rewrites history would."""
    events = sorted(sample.rows(orchestrator, HistoryEvent, case_id=case_id), key=lambda e: e.seq)
    keep = [e.seq for e in events if e.kind == kind][which]
    with orchestrator.store.unit_of_work() as session:
        session.execute(
            text("DELETE FROM history_events WHERE case_id = :c AND seq > :s"), {"c": case_id, "s": keep}
        )
    return keep


def test_a_completed_case_whose_last_events_were_deleted_is_named_cut_without_heads(completed):
    orchestrator, case_id = completed
    kept = cut_after(orchestrator, case_id, "state_reached", which=-2)

    check = verify(orchestrator, case_id)[case_id]

    assert (check.finding.seq, check.finding.what) == (kept + 1, "cut")
    assert "the case row says completed" in check.sentence()


def test_a_running_case_cut_by_its_last_command_is_named_cut_by_its_revision(recorded):
    orchestrator, reviewed, _ = recorded
    revision = sample.case(orchestrator, reviewed).revision
    kept = cut_after(orchestrator, reviewed, "state_reached", which=-2)

    finding = verify(orchestrator, reviewed)[reviewed].finding

    assert (finding.seq, finding.what) == (kept + 1, "cut")
    assert f"the case row is at revision {revision}, the chain reaches revision {revision - 1}" in (
        finding.explanation
    )


def test_a_cut_in_a_history_recorded_without_revisions_is_found_by_the_last_save(recorded):
    orchestrator, reviewed, _ = recorded
    with orchestrator.store.unit_of_work() as session:  # as recorded before migration 0007_claims
        for event in session.scalars(
            select(HistoryEvent).where(HistoryEvent.case_id == reviewed, HistoryEvent.kind == "state_reached")
        ):
            event.data = {k: v for k, v in event.data.items() if k != "revision"}
            event.hash = None
    _rechain(orchestrator, reviewed)
    assert verify(orchestrator, reviewed)[reviewed].intact
    cut_after(orchestrator, reviewed, "state_reached", which=-2)

    finding = verify(orchestrator, reviewed)[reviewed].finding

    assert finding.what == "cut"
    assert "was last saved at" in finding.explanation


def test_a_history_whose_case_row_is_gone_is_named(recorded):
    orchestrator, _, untouched = recorded
    with orchestrator.store.unit_of_work() as session:
        for table in ("case_labels", "external_tasks", "cases"):
            column = "id" if table == "cases" else "case_id"
            session.execute(text(f"DELETE FROM {table} WHERE {column} = :c"), {"c": untouched})

    finding = verify(orchestrator, untouched)[untouched].finding

    assert finding.what == "mismatch"
    assert "no row" in finding.explanation


def _rechain(orchestrator, case_id: str) -> None:
    previous = GENESIS
    with orchestrator.store.unit_of_work() as session:
        for event in session.scalars(
            select(HistoryEvent).where(HistoryEvent.case_id == case_id).order_by(HistoryEvent.seq)
        ):
            event.prev_hash = previous
            event.hash = previous = event_hash(event)
