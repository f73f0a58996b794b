"""What each command costs in SQL statements: a budget per command kind, so a regression fails.

A command is one transaction; its statements are counted as the database driver sees them
(the BEGIN that opens the transaction is not counted; the commit ends it). The case comes
from the cache of recently saved cases, as it does for a command that follows another.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import event, update

from engine.people.queries import open_user_tasks
from engine.runtime import case_cache
from engine.runtime.timers import fire_due_timers
from store.models import Case
from tests.conftest import read_diagram
from tests.engine import sample
from tests.engine.sample import LOCK

BUDGET = {
    # the newest definition; the case, its label, its external task, its history (one INSERT)
    "start a case": 5,
    # expired locks; the one UPDATE that chooses, locks and returns the tasks
    "fetch and lock": 2,
    # claim, report, the case with its history's head; the case row, user task, task gone, timer, history
    "complete an external task": 8,
    # claim, the case; the case row, task closed, timer cancelled, subscription, history
    "complete a user task": 7,
    # the waiting case, the case; the case row, subscription gone, history
    "correlate a message": 5,
    # a sweep: claim the due ones; then the fire: take the claimed timer, the case; the case row,
    # timer fired, what it opened or closed, history; the sweep looks for more, and for the next due time
    "fire a timer": 9,
}


class Statements:
    """Counts the statements the store's engine sends, outside BEGIN."""

    def __init__(self, store) -> None:
        self.sent: list[str] = []
        event.listen(store.engine, "before_cursor_execute", self._seen)

    def _seen(self, _connection, _cursor, statement, _parameters, _context, _many) -> None:
        if not statement.lstrip().upper().startswith("BEGIN"):
            self.sent.append(" ".join(statement.split())[:120])

    @contextmanager
    def counting(self, kind: str) -> Iterator[None]:
        before = len(self.sent)
        yield
        spent = self.sent[before:]
        assert len(spent) <= BUDGET[kind], f"{kind} costs {len(spent)} statements:\n" + "\n".join(spent)
        assert spent, f"{kind} sent nothing: the counter does not see the store"


@pytest.fixture
def statements(orchestrator) -> Statements:
    case_cache.CASES.clear()
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    return Statements(orchestrator.store)


def test_each_command_of_a_case_stays_within_its_statement_budget(orchestrator, statements):
    with statements.counting("start a case"):
        case_id = sample.start(orchestrator, "B-1")
    with statements.counting("fetch and lock"):
        (task,) = orchestrator.fetch_and_lock("w1", ["sample.check"], LOCK)
    with statements.counting("complete an external task"):
        orchestrator.complete_external_task(task.id, "w1", {"skip_review": False})
    with orchestrator.transaction() as session:
        (review,) = [t for t in open_user_tasks(session, "officers", limit=10) if t.case_id == case_id]
    with statements.counting("complete a user task"):
        orchestrator.complete_user_task(review.id, {"approved": True}, "tester")
    with statements.counting("correlate a message"):
        orchestrator.correlate_message("answer", {}, business_key="B-1")

    assert sample.case(orchestrator, case_id).status == "completed"


def test_a_case_the_cache_knows_nothing_of_is_read_with_its_state_in_the_same_statement(
    orchestrator, statements
):
    case_id = sample.start(orchestrator, "B-2")
    (task,) = orchestrator.fetch_and_lock("w1", ["sample.check"], LOCK)
    case_cache.CASES.clear()  # a process that never saw the case: its state comes with its row
    with statements.counting("complete an external task"):
        orchestrator.complete_external_task(task.id, "w1", {"skip_review": False})

    assert sample.open_review(orchestrator, case_id).element_id == "review"


def test_a_case_the_cache_holds_at_an_older_revision_costs_one_statement_more(orchestrator, statements):
    case_id = sample.start(orchestrator, "B-4")
    (task,) = orchestrator.fetch_and_lock("w1", ["sample.check"], LOCK)
    cases = Case.__table__
    with orchestrator.transaction() as session:  # another process saved the case since this one did
        session.execute(update(cases).where(cases.c.id == case_id).values(revision=cases.c.revision + 1))
    before = len(statements.sent)

    orchestrator.complete_external_task(task.id, "w1", {"skip_review": False})

    spent = statements.sent[before:]
    assert len(spent) <= BUDGET["complete an external task"] + 1
    assert any(sent.startswith("SELECT cases.state FROM cases") for sent in spent)  # its state, read apart
    assert sample.open_review(orchestrator, case_id).element_id == "review"


def test_a_due_timer_fires_within_its_statement_budget(orchestrator, statements):
    case_id = sample.start(orchestrator, "B-3")
    sample.pass_check(orchestrator)

    overdue = time_machine.travel(datetime(2030, 1, 2, 9, 0, tzinfo=UTC), tick=False)
    with overdue, statements.counting("fire a timer"):
        assert fire_due_timers(orchestrator.store) == 1

    assert sample.case(orchestrator, case_id).status == "completed"  # the overdue review ends the case
