"""Multi-instance over a collection, with its element variable and the loop variables of Camunda 7."""

from __future__ import annotations

from tests.dialect import drive


def test_a_parallel_user_task_per_approver_ends_when_the_completion_condition_holds(orchestrator):
    drive.deploy(orchestrator, "mi_approvals")
    case_id = orchestrator.start_case("dialect_mi_approvals", variables={"approvers": ["ana", "bek", "dana"]})

    approvals = drive.open_tasks(orchestrator, case_id)
    assert sorted(t.assignee for t in approvals) == ["ana", "bek", "dana"]
    for task in approvals[:2]:
        orchestrator.complete_user_task(
            task.id, {f"said_{task.assignee}": "yes"}, task.assignee, task.assignee
        )

    assert drive.open_elements(orchestrator, case_id) == ["decide"]
    cancelled = [
        t for t in drive.rows(orchestrator, drive.UserTask, case_id=case_id) if t.status == "cancelled"
    ]
    assert [t.assignee for t in cancelled] == [approvals[2].assignee]
    found = drive.variables(orchestrator, case_id)
    assert {k for k in found if k.startswith("said_")} == {f"said_{t.assignee}" for t in approvals[:2]}
    assert not {"approver", "loopCounter", "nrOfInstances", "nrOfCompletedInstances"} & set(found)


def test_a_sequential_external_task_gives_the_worker_one_element_at_a_time(orchestrator):
    drive.deploy(orchestrator, "mi_documents")
    case_id = orchestrator.start_case(
        "dialect_mi_documents", variables={"documents": ["passport", "contract"]}
    )
    seen = []

    for _ in range(2):
        (task,) = orchestrator.fetch_and_lock("worker", ["dialect.document"], drive.LOCK, max_tasks=10)
        found = _task_variables(orchestrator, task)
        seen.append((found["document"], found["loopCounter"], found["nrOfInstances"]))
        orchestrator.complete_external_task(task.id, "worker", {f"checked_{found['document']}": True})

    assert seen == [("passport", 0, 2), ("contract", 1, 2)]
    assert drive.status(orchestrator, case_id) == "completed"


def test_a_parallel_call_activity_calls_one_process_per_element(orchestrator):
    drive.deploy(orchestrator, "mi_inspections", "inspection")
    case_id = orchestrator.start_case(
        "dialect_mi_inspections", variables={"consignments": ["C-1", "C-2", "C-3"]}
    )

    tasks = orchestrator.fetch_and_lock("worker", ["dialect.inspect"], drive.LOCK, max_tasks=10)
    assert sorted(_task_variables(orchestrator, t)["consignment"] for t in tasks) == ["C-1", "C-2", "C-3"]
    for task in tasks:
        orchestrator.complete_external_task(task.id, "worker", {})

    assert drive.status(orchestrator, case_id) == "completed"


def test_a_sequential_sub_process_runs_its_cardinality_of_times(orchestrator):
    drive.deploy(orchestrator, "mi_hearings")
    case_id = orchestrator.start_case("dialect_mi_hearings")

    for _ in range(3):
        drive.complete(orchestrator, case_id, "record")

    assert drive.status(orchestrator, case_id) == "completed"
    assert drive.completed_elements(orchestrator, case_id).count("record") == 3


def test_an_empty_collection_runs_no_instance(orchestrator):
    drive.deploy(orchestrator, "mi_approvals")

    case_id = orchestrator.start_case("dialect_mi_approvals", variables={"approvers": []})

    assert drive.open_elements(orchestrator, case_id) == ["decide"]


def _task_variables(orchestrator, task) -> dict:
    from engine.external.tasks import task_variables

    with orchestrator.store.unit_of_work() as session:
        return task_variables(session, task)
