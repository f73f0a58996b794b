"""A recorded case rebuilds from its inputs alone, step by step, and says so in plain words."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.history.replay import replay_case
from engine.history.verdict import verdict
from store.models import Case, HistoryEvent
from tests.procedure.world import almaty


def issued_export(procedure) -> str:
    procedure.submit(submitted_at="2025-04-14T10:00:00+05:00", direction="export", list_section="2.16")
    procedure.decide(almaty("2025-04-16 11:02"), "officer_review", decision="issue")
    return procedure.case_id


def replayed(procedure):
    with procedure.orchestrator.store.unit_of_work() as session:
        return replay_case(session, procedure.case_id)


def test_an_issued_license_replays_to_a_verdict_with_its_deadline(procedure):
    issued_export(procedure)

    replay = replayed(procedure)

    assert replay.reproduced and replay.completed is False  # the records stay until expiry
    assert replay.steps_replayed == replay.steps > 5
    assert verdict(replay) == (
        f"outcome reproduced; {replay.events} events; "
        "statutory due time 2025-04-21 18:30 met (decision 2025-04-16 11:02)"
    )


def test_replay_reads_nothing_but_the_record_and_changes_nothing(procedure):
    case_id = issued_export(procedure)
    before = procedure.case()

    # the world's fakes are gone: a replay must not call a worker
    procedure.world = None
    replayed(procedure)

    after = procedure.case()
    assert (after.revision, after.state) == (before.revision, before.state)
    assert case_id == after.id


@pytest.mark.history_edited
def test_a_recorded_input_that_no_longer_fits_is_the_first_diverging_step(procedure):
    issued_export(procedure)
    with procedure.orchestrator.store.unit_of_work() as session:
        review = session.scalars(
            select(HistoryEvent).where(
                HistoryEvent.case_id == procedure.case_id, HistoryEvent.kind == "user_task_completed"
            )
        ).one()
        review.data = {**review.data, "data": {**review.data["data"], "decision": "preliminary_refusal"}}
        review_seq = review.seq

    replay = replayed(procedure)

    assert replay.divergence.seq == review_seq
    assert verdict(replay).startswith(f"diverged at step {replay.divergence.step} of {replay.steps}")
    assert "officer_review" in replay.divergence.how


def test_a_case_still_under_consideration_has_no_decision_yet(procedure):
    procedure.submit(submitted_at="2025-04-14T10:00:00+05:00")

    replay = replayed(procedure)

    assert verdict(replay).endswith("statutory due time 2025-04-21 18:30; no decision yet")
    assert procedure.case().status == "running"
    with procedure.orchestrator.store.unit_of_work() as session:
        assert session.get(Case, procedure.case_id) is not None
