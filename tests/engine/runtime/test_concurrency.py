"""Two commands on one case at the same time: exactly one wins, none is lost."""

from __future__ import annotations

import threading

import pytest

from engine.errors import Conflict
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
