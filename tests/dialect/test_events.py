"""Events as Camunda runs them: terminate, receive and send tasks, event-based gateway, message handlers."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from engine.history.replay import replay_case
from engine.runtime.timers import fire_due_timers
from tests.dialect import drive


def test_a_terminate_end_event_ends_the_whole_case(orchestrator):
    drive.deploy(orchestrator, "terminate")
    case_id = orchestrator.start_case("dialect_terminate")

    drive.work(orchestrator, "dialect.watch")

    assert drive.status(orchestrator, case_id) == "completed"
    assert [t.status for t in drive.rows(orchestrator, drive.UserTask, case_id=case_id)] == ["cancelled"]


def test_a_receive_task_waits_for_its_message_and_a_send_task_is_an_external_task(orchestrator):
    drive.deploy(orchestrator, "receive_task")
    case_id = orchestrator.start_case("dialect_receive_task", "D-1")

    orchestrator.correlate_message("documents_received", {"pages": 3}, business_key="D-1")

    assert drive.topics(orchestrator, case_id) == ["dialect.file"]
    assert drive.variables(orchestrator, case_id)["pages"] == 3
    drive.work(orchestrator, "dialect.file")
    assert drive.status(orchestrator, case_id) == "completed"


def test_an_event_based_gateway_takes_the_event_that_comes_first(orchestrator):
    drive.deploy(orchestrator, "event_gateway")
    with time_machine.travel(datetime(2030, 5, 1, tzinfo=UTC), tick=False):
        paid = orchestrator.start_case("dialect_event_gateway", "F-1")
        dropped = orchestrator.start_case("dialect_event_gateway", "F-2")
        orchestrator.correlate_message("fee_paid", business_key="F-1")
    with time_machine.travel(datetime(2030, 5, 8, 0, 1, tzinfo=UTC), tick=False):
        fire_due_timers(orchestrator.store)

    assert drive.completed_elements(orchestrator, paid)[-2:] == ["paid", "accepted"]
    assert drive.completed_elements(orchestrator, dropped)[-2:] == ["week_passed", "dropped"]


def test_a_message_interrupting_boundary_cancels_its_task(orchestrator):
    orchestrator.deploy(drive.edited("message_boundary", "reminded", attributes={"cancelActivity": "true"}))
    case_id = orchestrator.start_case("dialect_reminders", "R-2")

    orchestrator.correlate_message("reminder", business_key="R-2")

    assert drive.open_tasks(orchestrator, case_id) == []
    assert drive.topics(orchestrator, case_id) == ["dialect.notify"]


def test_a_non_interrupting_message_event_sub_process_runs_beside_the_work_each_time(orchestrator):
    drive.deploy(orchestrator, "message_event_subprocess")
    case_id = orchestrator.start_case("dialect_message_handler", "N-1")

    orchestrator.correlate_message("note_added", business_key="N-1")
    orchestrator.correlate_message("note_added", business_key="N-1")

    assert drive.open_elements(orchestrator, case_id) == ["read_note", "read_note", "review"]


def test_a_non_interrupting_event_sub_process_keeps_the_variables_set_after_the_case_began(orchestrator):
    drive.deploy(orchestrator, "camunda_showcase_payment")
    fee = {"showcase_fee.dmn": (drive.DIAGRAMS / "showcase_fee.dmn").read_bytes()}
    orchestrator.deploy(drive.diagram("camunda_showcase") | fee)
    case_id = orchestrator.start_case("camunda_showcase", "SHOW-3")
    drive.work(orchestrator, "showcase.register", {"quantity": 12, "approvers": ["ann"], "needsLab": True})
    drive.work(orchestrator, "showcase.charge", {"paid": True})

    orchestrator.correlate_message("showcase_question", {"question": "When?"}, business_key="SHOW-3")

    drive.complete(orchestrator, case_id, "approve", {"approved": True})
    drive.work(orchestrator, "showcase.inspect", {"goodsInOrder": True})

    assert drive.topics(orchestrator, case_id) == ["showcase.lab"]  # the gateway read needsLab
    found = drive.variables(orchestrator, case_id)
    assert (found["quantity"], found["fee"], found["question"]) == (12, 50, "When?")
    with orchestrator.store.unit_of_work() as session:
        assert replay_case(session, case_id).reproduced


def test_a_non_interrupting_event_sub_process_neither_drops_nor_undoes_what_was_set_after_the_start(
    orchestrator,
):
    drive.deploy(orchestrator, "message_event_subprocess")
    case_id = orchestrator.start_case("dialect_message_handler", "N-3", variables={"level": 1})
    orchestrator.change_variables(case_id, {"level": 2, "needsLab": True}, [], "officer1")

    orchestrator.correlate_message("note_added", business_key="N-3")

    assert drive.open_elements(orchestrator, case_id) == ["read_note", "review"]
    assert drive.variables(orchestrator, case_id) == {"level": 2, "needsLab": True}
    orchestrator.change_variables(case_id, {"level": 3}, [], "officer1")
    orchestrator.correlate_message("note_added", business_key="N-3")  # the listening again keeps it too
    assert drive.variables(orchestrator, case_id) == {"level": 3, "needsLab": True}
    with orchestrator.store.unit_of_work() as session:
        assert replay_case(session, case_id).reproduced


def test_an_interrupting_message_event_sub_process_stops_the_work(orchestrator):
    orchestrator.deploy(
        drive.edited("message_event_subprocess", "note_added", attributes={"isInterrupting": "true"})
    )
    case_id = orchestrator.start_case("dialect_message_handler", "N-2")

    orchestrator.correlate_message("note_added", business_key="N-2")

    assert drive.open_elements(orchestrator, case_id) == ["read_note"]
    drive.complete(orchestrator, case_id, "read_note")
    assert drive.status(orchestrator, case_id) == "completed"


def test_a_none_intermediate_throw_event_passes(orchestrator):
    orchestrator.deploy(drive.edited("pass_through_tasks", "note", "intermediateThrowEvent"))

    case_id = orchestrator.start_case("dialect_pass_through")

    assert drive.open_elements(orchestrator, case_id) == ["answer"]


def test_a_message_end_event_without_implementation_ends_its_path(orchestrator):
    orchestrator.deploy(drive.edited("pass_through_tasks", "end", inner="<bpmn:messageEventDefinition />"))
    case_id = orchestrator.start_case("dialect_pass_through")

    drive.complete(orchestrator, case_id, "answer")

    assert drive.status(orchestrator, case_id) == "completed"


def test_elements_that_only_document_the_process_change_nothing(orchestrator):
    drive.deploy(orchestrator, "annotated")
    case_id = orchestrator.start_case("dialect_annotated")

    drive.work(orchestrator, "dialect.register")
    drive.complete(orchestrator, case_id, "review")

    assert drive.status(orchestrator, case_id) == "completed"
