"""Escalations are caught as Camunda catches them: at a sub-process's boundary, or by an event sub-process."""

from __future__ import annotations

from tests.dialect import drive


def test_an_escalation_inside_a_sub_process_is_caught_at_its_non_interrupting_boundary(orchestrator):
    drive.deploy(orchestrator, "escalation_boundary")
    case_id = orchestrator.start_case("dialect_escalation_boundary")

    drive.work(orchestrator, "dialect.draft")

    assert drive.open_elements(orchestrator, case_id) == ["help"]
    assert drive.topics(orchestrator, case_id) == ["dialect.finish"]
    assert drive.variables(orchestrator, case_id)["escalation"] == "HELP"
    drive.work(orchestrator, "dialect.finish")
    drive.complete(orchestrator, case_id, "help")
    assert drive.status(orchestrator, case_id) == "completed"


def test_an_escalation_starts_a_non_interrupting_escalation_event_sub_process(orchestrator):
    drive.deploy(orchestrator, "escalation_event_subprocess")
    case_id = orchestrator.start_case("dialect_escalation_handler")

    drive.work(orchestrator, "dialect.check")

    assert drive.open_elements(orchestrator, case_id) == ["answer", "read_case"]
    drive.complete(orchestrator, case_id, "answer")
    assert drive.status(orchestrator, case_id) == "running"
    drive.complete(orchestrator, case_id, "read_case")
    assert drive.status(orchestrator, case_id) == "completed"


def test_an_escalation_end_event_is_caught_at_the_interrupting_boundary(orchestrator):
    drive.deploy(orchestrator, "escalation_end")
    case_id = orchestrator.start_case("dialect_escalation_end")

    drive.work(orchestrator, "dialect.assess")

    assert drive.open_elements(orchestrator, case_id) == ["decide"]
    assert "end" not in drive.completed_elements(orchestrator, case_id)


def test_an_interrupting_escalation_event_sub_process_stops_the_work(orchestrator):
    documents = drive.edited(
        "escalation_event_subprocess", "escalated", attributes={"isInterrupting": "true"}
    )
    orchestrator.deploy(documents)
    case_id = orchestrator.start_case("dialect_escalation_handler")

    drive.work(orchestrator, "dialect.check")

    assert drive.open_elements(orchestrator, case_id) == ["read_case"]
