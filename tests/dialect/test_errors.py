"""BPMN errors: caught by an error event sub-process, thrown from a called process, written to variables."""

from __future__ import annotations

from tests.dialect import drive


def test_a_bpmn_error_starts_the_error_event_sub_process_and_stops_the_work(orchestrator):
    drive.deploy(orchestrator, "error_event_subprocess")
    case_id = orchestrator.start_case("dialect_error_handler")

    drive.fail(orchestrator, "dialect.charge", "PAYMENT_FAILED", "insufficient funds")

    assert drive.topics(orchestrator, case_id) == []
    assert drive.open_elements(orchestrator, case_id) == ["call_applicant"]
    found = drive.variables(orchestrator, case_id)
    assert (found["failure_code"], found["failure_message"]) == ("PAYMENT_FAILED", "insufficient funds")
    drive.complete(orchestrator, case_id, "call_applicant")
    assert drive.status(orchestrator, case_id) == "completed"
    assert drive.rows(orchestrator, drive.Incident) == []


def test_an_error_end_event_of_a_called_process_is_caught_at_the_call_activity(orchestrator):
    drive.deploy(orchestrator, "order", "payment")
    case_id = orchestrator.start_case("dialect_order")

    drive.work(orchestrator, "dialect.charge", {"declined": True})

    assert drive.open_elements(orchestrator, case_id) == ["cancel_order"]
    found = drive.variables(orchestrator, case_id)
    assert (found["error_code"], found["error_message"]) == ("DECLINED", "the card was declined")
    assert drive.topics(orchestrator, case_id) == []


def test_a_called_process_that_ends_well_continues_the_caller(orchestrator):
    drive.deploy(orchestrator, "order", "payment")
    case_id = orchestrator.start_case("dialect_order")

    drive.work(orchestrator, "dialect.charge", {"declined": False})

    assert drive.topics(orchestrator, case_id) == ["dialect.ship"]


def test_an_error_boundary_writes_the_code_and_message_of_a_workers_error(orchestrator):
    drive.deploy(orchestrator, "error_variables")
    case_id = orchestrator.start_case("dialect_error_variables")

    drive.fail(orchestrator, "dialect.check", "NOT_REGISTERED", "no such company")

    assert drive.open_elements(orchestrator, case_id) == ["explain"]
    found = drive.variables(orchestrator, case_id)
    assert (found["code"], found["reason"]) == ("NOT_REGISTERED", "no such company")
