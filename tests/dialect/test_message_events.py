"""Message events: a non-interrupting boundary keeps listening; a message start event starts a case."""

from __future__ import annotations

import pytest

from engine.errors import AmbiguousCorrelation, MessageNotCorrelated
from tests.dialect import drive


def test_a_non_interrupting_message_boundary_listens_while_its_task_lives(orchestrator):
    drive.deploy(orchestrator, "message_boundary")
    case_id = orchestrator.start_case("dialect_reminders", "R-1")

    orchestrator.correlate_message("reminder", business_key="R-1")
    orchestrator.correlate_message("reminder", business_key="R-1")

    assert drive.topics(orchestrator, case_id) == ["dialect.notify", "dialect.notify"]
    assert drive.open_elements(orchestrator, case_id) == ["review"]
    drive.complete(orchestrator, case_id, "review")
    assert drive.rows(orchestrator, drive.MessageSubscription, case_id=case_id) == []
    with pytest.raises(MessageNotCorrelated):
        orchestrator.correlate_message("reminder", business_key="R-1")
    assert drive.work(orchestrator, "dialect.notify") == 2
    assert drive.status(orchestrator, case_id) == "completed"


def test_what_a_worker_set_while_a_message_boundary_listened_stays_when_the_message_comes_again(orchestrator):
    drive.deploy(orchestrator, "message_boundary")
    case_id = orchestrator.start_case("dialect_reminders", "R-2", variables={"urgency": "low"})
    orchestrator.correlate_message("reminder", business_key="R-2")
    drive.work(orchestrator, "dialect.notify", {"urgency": "high", "notified": True})

    orchestrator.correlate_message("reminder", business_key="R-2")  # the boundary listening again

    assert drive.topics(orchestrator, case_id) == ["dialect.notify"]
    assert drive.variables(orchestrator, case_id) == {"urgency": "high", "notified": True}


def test_a_variable_changed_while_a_receive_task_waits_keeps_its_value_when_the_message_comes(orchestrator):
    drive.deploy(orchestrator, "receive_task")
    case_id = orchestrator.start_case("dialect_receive_task", "D-1", variables={"copies": 1})
    orchestrator.change_variables(case_id, {"copies": 2}, ["unused"], "officer1")

    orchestrator.correlate_message("documents_received", business_key="D-1")

    assert drive.topics(orchestrator, case_id) == ["dialect.file"]
    assert drive.variables(orchestrator, case_id) == {"copies": 2}


def test_a_message_start_event_starts_a_case_with_the_message_variables(orchestrator):
    drive.deploy(orchestrator, "message_start")

    case_id = orchestrator.correlate_message("order_placed", {"item": "wheat"}, business_key="ORDER-1")

    assert drive.rows(orchestrator, drive.Case, id=case_id)[0].business_key == "ORDER-1"
    assert drive.variables(orchestrator, case_id)["item"] == "wheat"
    assert drive.topics(orchestrator, case_id) == ["dialect.ship"]
    assert drive.completed_elements(orchestrator, case_id) == ["order_placed"]


def test_a_message_start_event_of_two_processes_starts_neither(orchestrator):
    drive.deploy(orchestrator, "message_start")
    ((name, content),) = drive.diagram("message_start").items()
    orchestrator.deploy({"twin.bpmn": content.replace(b"dialect_message_start", b"dialect_message_twin")})

    with pytest.raises(AmbiguousCorrelation):
        orchestrator.correlate_message("order_placed", business_key="ORDER-2")

    assert drive.rows(orchestrator, drive.Case) == []


def test_a_process_started_directly_fires_its_only_start_event(orchestrator):
    drive.deploy(orchestrator, "message_start")

    case_id = orchestrator.start_case("dialect_message_start", "ORDER-3", {"item": "rice"})

    assert drive.topics(orchestrator, case_id) == ["dialect.ship"]
    assert drive.rows(orchestrator, drive.MessageSubscription) == []
