"""Timers as Camunda Modeler's timer field expects them: ISO 8601 dates, durations and cycles, cron."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from engine.runtime.timers import fire_due_timers
from store.models import Timer
from tests.engine import sample
from tests.engine.dialect.modeler import diagram, step, timer

STARTED = datetime(2030, 3, 4, 6, 0, tzinfo=UTC)  # a Monday, 11:00 in Asia/Almaty


def _waiting_diagram(kind: str, text: str) -> dict[str, bytes]:
    wait = step("intermediateCatchEvent", "Event_wait", 'name="Wait"', timer(kind, text))
    return {"wait.bpmn": diagram("wait", [wait])}


@pytest.mark.parametrize(
    ("kind", "text", "variables", "due"),
    [
        ("timeDuration", "PT10M", {}, STARTED + timedelta(minutes=10)),
        ("timeDuration", "P1DT2H", {}, STARTED + timedelta(days=1, hours=2)),
        ("timeDuration", "${wait_for}", {"wait_for": "PT45M"}, STARTED + timedelta(minutes=45)),
        ("timeDate", "2030-03-05T10:00:00Z", {}, datetime(2030, 3, 5, 10, 0, tzinfo=UTC)),
        ("timeDate", "2030-03-05T10:00:00+05:00", {}, datetime(2030, 3, 5, 5, 0, tzinfo=UTC)),
        ("timeDate", "2030-03-05T10:00:00", {}, datetime(2030, 3, 5, 5, 0, tzinfo=UTC)),  # the engine's zone
        (
            "timeDate",
            "${decided_at}",
            {"decided_at": "2030-03-06T00:00:00Z"},
            datetime(2030, 3, 6, tzinfo=UTC),
        ),
        ("timeCycle", "0 0 9 * * ?", {}, datetime(2030, 3, 5, 4, 0, tzinfo=UTC)),  # 09:00 Almaty next day
        ("timeCycle", "R3/PT10M", {}, STARTED + timedelta(minutes=10)),
    ],
)
def test_a_timer_waits_until_its_definition_says_then_fires_once(orchestrator, kind, text, variables, due):
    orchestrator.deploy(_waiting_diagram(kind, text))
    with time_machine.travel(STARTED, tick=False) as traveller:
        case_id = orchestrator.start_case("wait", None, variables, actor="analyst")
        (row,) = sample.timers(orchestrator, case_id)
        assert row.due_at.replace(tzinfo=UTC) == due

        traveller.move_to(due - timedelta(seconds=1))
        assert fire_due_timers(orchestrator.store) == 0
        traveller.move_to(due + timedelta(seconds=1))
        assert fire_due_timers(orchestrator.store) == 1

    assert sample.case(orchestrator, case_id).status == "completed"


def test_a_cycle_on_a_non_interrupting_boundary_fires_its_three_times_and_stops(orchestrator):
    review = step("userTask", "Activity_review", 'name="Review"')
    reminder = step(
        "boundaryEvent",
        "Event_remind",
        'name="Every 10 minutes" cancelActivity="false" attachedToRef="Activity_review"',
        timer("timeCycle", "R3/PT10M"),
    )
    documents = diagram("remind", [review])
    documents = documents.replace(
        b"</bpmn:process>",
        reminder_xml(reminder).encode() + b"</bpmn:process>",
    )
    orchestrator.deploy({"remind.bpmn": documents})

    with time_machine.travel(STARTED, tick=False) as traveller:
        case_id = orchestrator.start_case("remind", None, {}, actor="analyst")
        for minutes in (10, 20, 30, 40):
            traveller.move_to(STARTED + timedelta(minutes=minutes, seconds=1))
            fire_due_timers(orchestrator.store)

    reminded = [
        e
        for e in sample.history_kinds(orchestrator, case_id)
        if e == ("element_completed", "EndEvent_reminded")
    ]
    assert len(reminded) == 3
    assert sample.rows(orchestrator, Timer, case_id=case_id, status="waiting") == []


def reminder_xml(boundary) -> str:
    """The boundary event with its own path to an end event (the Modeler draws both)."""
    return (
        f'<bpmn:boundaryEvent id="{boundary.id}" {boundary.attributes}>'
        f"<bpmn:outgoing>Flow_remind</bpmn:outgoing>{boundary.body}</bpmn:boundaryEvent>"
        '<bpmn:endEvent id="EndEvent_reminded"><bpmn:incoming>Flow_remind</bpmn:incoming></bpmn:endEvent>'
        '<bpmn:sequenceFlow id="Flow_remind" sourceRef="Event_remind" targetRef="EndEvent_reminded" />'
    )


def test_a_timer_definition_licflow_cannot_read_is_refused_at_deploy(orchestrator):
    with pytest.raises(Exception) as refused:
        orchestrator.deploy(_waiting_diagram("timeDuration", "ten minutes"))

    assert "Event_wait" in str(refused.value) and "ten minutes" in str(refused.value)
    assert "PT10M" in str(refused.value)  # the message says which forms are read
