"""The in-process worker loop applies an outcome again when the case changed at that very moment."""

from __future__ import annotations

import logging
from collections import Counter

from engine.errors import Conflict
from engine.external import tasks as external_tasks
from engine.external.worker_loop import WorkerLoop
from engine.worker import TaskContext, WorkerRegistry
from tests.conftest import read_diagram
from tests.engine import sample


def test_an_outcome_refused_because_the_case_changed_at_that_moment_is_applied_again(
    orchestrator, monkeypatch
):
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    case_id = sample.start(orchestrator, "L-1")
    effects = Counter()
    registry = WorkerRegistry()

    @registry.topic("sample.check")
    def check(context: TaskContext) -> dict:
        effects[context.idempotency_key] += 1
        return {"skip_review": True}

    complete, refusals = external_tasks.complete, []

    def changed_at_that_moment_once(session, *arguments):
        if not refusals:
            refusals.append(arguments[0])
            raise Conflict("the case was changed by another command at the same time")
        return complete(session, *arguments)

    monkeypatch.setattr(external_tasks, "complete", changed_at_that_moment_once)
    WorkerLoop(orchestrator.store, registry, "w1").drain()

    assert len(refusals) == 1 and list(effects.values()) == [1]
    assert sample.case(orchestrator, case_id).status == "completed"


def test_an_outcome_for_a_lost_lock_is_dropped_with_a_log_line(orchestrator, caplog):
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    case_id = sample.start(orchestrator, "L-2")
    registry = WorkerRegistry()

    @registry.topic("sample.check")
    def check(context: TaskContext) -> dict:
        orchestrator.unlock(context.task_id)  # a person gave the task back meanwhile
        return {"skip_review": True}

    with caplog.at_level(logging.WARNING, logger="engine.runtime.worker_loop"):
        WorkerLoop(orchestrator.store, registry, "w1").run_once()

    assert "outcome dropped, the lock is lost" in caplog.text
    assert sample.external_tasks(orchestrator, case_id)[0].status == "available"
