"""Two commands on one case at the same time: exactly one wins, none is lost."""

from __future__ import annotations

import threading

import pytest

from engine.errors import Conflict
from engine.people import assignment
from tests.conftest import read_diagram
from tests.engine import sample
from tests.engine.sample import start


@pytest.fixture
def review_task(orchestrator):
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    case_id = start(orchestrator, "K-1")
    sample.pass_check(orchestrator)
    return sample.open_review(orchestrator, case_id)


def test_two_concurrent_completions_of_one_user_task_let_exactly_one_succeed(orchestrator, review_task):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def complete(officer: str) -> None:
        barrier.wait()
        try:
            orchestrator.complete_user_task(review_task.id, {"approved": officer == "a"}, officer)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=complete, args=(name,)) for name in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["conflict", "ok"]
    kinds = sample.history_kinds(orchestrator, review_task.case_id)
    assert kinds.count(("user_task_completed", "review")) == 1
    (row,) = sample.rows(orchestrator, sample.UserTask, id=review_task.id)
    assert row.status == "completed"


def test_a_task_claimed_by_someone_else_is_refused_inside_the_completing_transaction(
    orchestrator, review_task
):
    with orchestrator.transaction() as session:
        assignment.claim(session, review_task.id, "anna")

    with pytest.raises(Conflict, match="claimed by anna"):
        orchestrator.complete_user_task(review_task.id, {"approved": True}, "user:bob", "bob")
    with pytest.raises(Conflict, match="claimed by anna"):
        orchestrator.complete_user_task(review_task.id, {"approved": True}, "api:script")
    orchestrator.complete_user_task(review_task.id, {"approved": True}, "user:anna", "anna")

    (row,) = sample.rows(orchestrator, sample.UserTask, id=review_task.id)
    assert (row.status, row.completed_by) == ("completed", "user:anna")


def test_a_claim_and_someone_elses_completion_at_the_same_moment_never_both_succeed(orchestrator):
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    for number in range(30):
        case_id = start(orchestrator, f"A-{number}")
        sample.pass_check(orchestrator)
        task = sample.open_review(orchestrator, case_id)

        def claim_for_bob(task_id=task.id) -> str:
            with orchestrator.transaction() as session:
                assignment.claim(session, task_id, "bob")
            return "claimed"

        claimed, completed = sample.together(
            claim_for_bob,
            lambda task_id=task.id: orchestrator.complete_user_task(
                task_id, {"approved": True}, "user:anna", "anna"
            ),
        )

        outcomes = [type(result).__name__ for result in (claimed, completed)]
        assert sorted(outcomes) in (["Conflict", "str"],), (number, claimed, completed)
        (row,) = sample.rows(orchestrator, sample.UserTask, id=task.id)
        if completed == case_id:
            assert (row.status, row.completed_by) == ("completed", "user:anna")
        else:
            assert (claimed, row.status, row.assignee) == ("claimed", "open", "bob")
