"""Helpers that drive the core sample diagram (tests/diagrams/core_sample.bpmn)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from engine.orchestrator import Orchestrator
from store.models import Case, ExternalTask, HistoryEvent, Incident, Timer, UserTask

__all__ = ["HistoryEvent", "Incident"]

REVIEW_DUE = "2030-01-01T09:00:00+00:00"
DUE = "2029-12-31T13:30:00+00:00"
LOCK = timedelta(minutes=5)


def start(orchestrator: Orchestrator, business_key: str, **variables) -> str:
    """Start a core sample case with its review timer and due date set."""
    return orchestrator.start_case(
        "core_sample", business_key, {"review_due": REVIEW_DUE, "due": DUE, **variables}, actor="tester"
    )


def pass_check(orchestrator: Orchestrator, skip_review: bool = False) -> None:
    """Let a worker complete every waiting check task."""
    for task in orchestrator.fetch_and_lock("w1", ["sample.check"], LOCK, max_tasks=100):
        orchestrator.complete_external_task(task.id, "w1", {"skip_review": skip_review})


def rows(orchestrator: Orchestrator, model, **where) -> list:
    """Return rows of `model` matching the column values given."""
    with orchestrator.store.unit_of_work() as session:
        query = select(model).filter_by(**where)
        return list(session.scalars(query))


def case(orchestrator: Orchestrator, case_id: str) -> Case:
    return rows(orchestrator, Case, id=case_id)[0]


def history_kinds(orchestrator: Orchestrator, case_id: str) -> list[tuple[str, str | None]]:
    with orchestrator.store.unit_of_work() as session:
        events = session.scalars(
            select(HistoryEvent).where(HistoryEvent.case_id == case_id).order_by(HistoryEvent.seq)
        )
        return [(e.kind, e.element_id) for e in events]


def open_review(orchestrator: Orchestrator, case_id: str) -> UserTask:
    return rows(orchestrator, UserTask, case_id=case_id, status="open")[0]


def external_tasks(orchestrator: Orchestrator, case_id: str) -> list[ExternalTask]:
    return rows(orchestrator, ExternalTask, case_id=case_id)


def timers(orchestrator: Orchestrator, case_id: str) -> list[Timer]:
    return rows(orchestrator, Timer, case_id=case_id)


def together(*calls: Callable[[], object]) -> list[object]:
    """Run the calls in threads released at the same moment; return each one's result or error."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:  # the test looks at what each caller got
            results[index] = error

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
