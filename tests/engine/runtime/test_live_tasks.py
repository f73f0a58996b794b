"""The one pass over a case's tasks finds what SpiffWorkflow's own tree walk finds."""

from __future__ import annotations

import pytest

from engine.dialect.constructs import scope
from engine.runtime import waits
from tests.dialect import drive


@pytest.fixture
def compared(monkeypatch):
    """Compare every `live_tasks` answer of the engine with the tree walk it replaces; return the count."""
    answers = []
    fast = scope.live_tasks

    def checked(workflow):
        found = fast(workflow)
        walked = workflow.get_tasks(state=scope.LIVE)
        assert sorted(str(t.id) for t in found) == sorted(str(t.id) for t in walked)
        answers.append(len(found))
        return found

    monkeypatch.setattr(waits, "live_tasks", checked)
    monkeypatch.setattr(scope, "live_tasks", checked)
    return answers


@pytest.fixture
def orchestrator_on_sqlite(sqlite_template, tmp_path):
    import shutil

    from engine.orchestrator import Orchestrator
    from store.db import Store

    path = tmp_path / "live.db"
    shutil.copy(sqlite_template, path)
    store = Store(f"sqlite:///{path}")
    yield Orchestrator(store)
    store.dispose()


def test_parallel_multi_instance_user_tasks_are_found_as_the_tree_walk_finds_them(
    compared, orchestrator_on_sqlite
):
    orchestrator = orchestrator_on_sqlite
    drive.deploy(orchestrator, "mi_approvals")
    case_id = orchestrator.start_case("dialect_mi_approvals", variables={"approvers": ["ana", "bek", "dana"]})
    for task in drive.open_tasks(orchestrator, case_id)[:2]:
        orchestrator.complete_user_task(task.id, {}, task.assignee, task.assignee)

    assert max(compared) >= 3


def test_called_processes_and_sub_processes_are_looked_into_while_they_run(compared, orchestrator_on_sqlite):
    orchestrator = orchestrator_on_sqlite
    drive.deploy(orchestrator, "mi_inspections", "inspection")
    orchestrator.start_case("dialect_mi_inspections", variables={"consignments": ["C-1", "C-2"]})
    for task in orchestrator.fetch_and_lock("worker", ["dialect.inspect"], drive.LOCK, max_tasks=10):
        orchestrator.complete_external_task(task.id, "worker", {})

    assert len(compared) >= 3 and max(compared) >= 2


def test_a_sub_process_under_an_escalation_boundary_is_looked_into_to_its_end(
    compared, orchestrator_on_sqlite
):
    orchestrator = orchestrator_on_sqlite
    drive.deploy(orchestrator, "escalation_boundary")
    case_id = orchestrator.start_case("dialect_escalation_boundary")
    drive.work(orchestrator, "dialect.draft")
    drive.work(orchestrator, "dialect.finish")
    drive.complete(orchestrator, case_id, "help")

    assert drive.status(orchestrator, case_id) == "completed"
    assert len(compared) >= 4
