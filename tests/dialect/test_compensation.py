"""Compensation runs as in Camunda 7: completed activities are undone by their handlers, the latest first."""

from __future__ import annotations

import pytest

from engine.errors import InvalidDiagram
from tests.dialect import drive

TRIP_END = '<bpmn:compensateEventDefinition id="CompensateEventDefinition_trip" />'


def _after(elements: list[str], element: str) -> list[str]:
    return elements[elements.index(element) + 1 :]


def test_a_booked_fee_is_refunded_when_a_later_check_fails(orchestrator):
    drive.deploy(orchestrator, "compensation_refund")
    case_id = orchestrator.start_case("dialect_refund")
    drive.work(orchestrator, "dialect.book_fee")

    drive.work(orchestrator, "dialect.check_goods", {"goodsInOrder": False})

    assert drive.topics(orchestrator, case_id) == ["dialect.refund_fee"]
    assert drive.status(orchestrator, case_id) == "running"  # the throw event waits for its handler
    drive.work(orchestrator, "dialect.refund_fee", {"refunded": True})
    assert _after(drive.completed_elements(orchestrator, case_id), "check_goods") == [
        "in_order",
        "refund_fee",
        "undo_fee",
        "cancelled",
    ]
    assert drive.variables(orchestrator, case_id)["refunded"] is True
    assert drive.status(orchestrator, case_id) == "completed"


def test_nothing_is_refunded_on_the_path_that_throws_no_compensation(orchestrator):
    drive.deploy(orchestrator, "compensation_refund")
    case_id = orchestrator.start_case("dialect_refund")
    drive.work(orchestrator, "dialect.book_fee")

    drive.work(orchestrator, "dialect.check_goods", {"goodsInOrder": True})

    assert drive.topics(orchestrator, case_id) == []
    assert drive.status(orchestrator, case_id) == "completed"
    assert "refund_fee" not in drive.completed_elements(orchestrator, case_id)


def test_two_compensable_tasks_are_undone_in_reverse_order_of_completion(orchestrator):
    drive.deploy(orchestrator, "compensation_trip")
    case_id = orchestrator.start_case("dialect_trip")
    drive.work(orchestrator, "dialect.book_flight", {"flight": "booked"})

    drive.fail(orchestrator, "dialect.pay", "PAYMENT_FAILED")

    assert _after(drive.completed_elements(orchestrator, case_id), "payment_failed") == [
        "cancel_flight",
        "cancel_hotel",
        "undo_trip",
    ]
    variables = drive.variables(orchestrator, case_id)
    assert (variables["hotel"], variables["flight"]) == ("cancelled", "cancelled")
    assert drive.status(orchestrator, case_id) == "completed"


def test_a_throw_with_an_activity_ref_undoes_only_that_activity(orchestrator):
    documents = drive.variant(
        "compensation_trip", TRIP_END, TRIP_END.replace(" />", ' activityRef="book_flight" />')
    )
    orchestrator.deploy(documents)
    case_id = orchestrator.start_case("dialect_trip")
    drive.work(orchestrator, "dialect.book_flight", {"flight": "booked"})

    drive.fail(orchestrator, "dialect.pay", "PAYMENT_FAILED")

    assert _after(drive.completed_elements(orchestrator, case_id), "payment_failed") == [
        "cancel_flight",
        "undo_trip",
    ]
    variables = drive.variables(orchestrator, case_id)
    assert (variables["hotel"], variables["flight"]) == ("booked", "cancelled")


def test_an_activity_not_yet_completed_is_not_compensated(orchestrator):
    drive.deploy(orchestrator, "compensation_trip")
    case_id = orchestrator.start_case("dialect_trip")

    drive.fail(orchestrator, "dialect.book_flight", "NO_SEATS")

    assert _after(drive.completed_elements(orchestrator, case_id), "no_seats") == [
        "cancel_hotel",
        "undo_early",
    ]
    assert drive.variables(orchestrator, case_id)["hotel"] == "cancelled"
    assert "flight" not in drive.variables(orchestrator, case_id)
    assert drive.status(orchestrator, case_id) == "completed"


def test_wait_for_completion_false_waits_for_the_handler_as_camunda_7_does(orchestrator):
    throw = '<bpmn:compensateEventDefinition id="CompensateEventDefinition_fee" />'
    orchestrator.deploy(
        drive.variant("compensation_refund", throw, throw.replace(" />", ' waitForCompletion="false" />'))
    )
    case_id = orchestrator.start_case("dialect_refund")
    drive.work(orchestrator, "dialect.book_fee")

    drive.work(orchestrator, "dialect.check_goods", {"goodsInOrder": False})

    assert "undo_fee" not in drive.completed_elements(orchestrator, case_id)
    drive.work(orchestrator, "dialect.refund_fee")
    assert drive.status(orchestrator, case_id) == "completed"


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (
            '<bpmn:association id="Association_hotel" associationDirection="One" '
            'sourceRef="hotel_booked" targetRef="cancel_hotel" />',
            "",
            'boundaryEvent "hotel_booked" ("Hotel booked"): a compensation boundary event needs its handler',
        ),
        (
            TRIP_END,
            TRIP_END.replace(" />", ' activityRef="pay" />'),
            'activityRef "pay" names no activity with a compensation boundary event in this scope',
        ),
        (
            '<bpmn:sequenceFlow id="Flow_4" sourceRef="pay" targetRef="booked" />',
            '<bpmn:sequenceFlow id="Flow_4" sourceRef="pay" targetRef="cancel_hotel" />',
            'scriptTask "cancel_hotel" ("Cancel the hotel"): a compensation handler has sequence flows',
        ),
    ],
    ids=["handler without association", "activityRef without compensation", "handler with a flow"],
)
def test_compensation_licflow_cannot_run_is_refused_at_deploy_naming_the_element(
    orchestrator, old, new, says
):
    with pytest.raises(InvalidDiagram) as refused:
        orchestrator.deploy(drive.variant("compensation_trip", old, new))

    assert says in str(refused.value)


def _external_handler(element: str, name: str) -> tuple[str, str]:
    script = f'{element.split("_")[1]} = "cancelled"'
    old = (
        f'<bpmn:scriptTask id="{element}" name="{name}" isForCompensation="true" scriptFormat="python">\n'
        f"      <bpmn:script>{script}</bpmn:script>\n    </bpmn:scriptTask>"
    )
    new = (
        f'<bpmn:serviceTask id="{element}" name="{name}" isForCompensation="true" '
        f'camunda:type="external" camunda:topic="dialect.{element}" />'
    )
    return old, new


def test_handlers_that_wait_for_workers_run_side_by_side_and_the_end_event_waits_for_all(orchestrator):
    text = drive.diagram("compensation_trip")["compensation_trip.bpmn"].decode()
    for element, name in (("cancel_hotel", "Cancel the hotel"), ("cancel_flight", "Cancel the flight")):
        old, new = _external_handler(element, name)
        assert old in text
        text = text.replace(old, new)
    orchestrator.deploy({"compensation_trip.bpmn": text.encode()})
    case_id = orchestrator.start_case("dialect_trip")
    drive.work(orchestrator, "dialect.book_flight", {"flight": "booked"})

    drive.fail(orchestrator, "dialect.pay", "PAYMENT_FAILED")

    assert drive.topics(orchestrator, case_id) == ["dialect.cancel_flight", "dialect.cancel_hotel"]
    drive.work(orchestrator, "dialect.cancel_hotel", {"hotel": "cancelled"})
    assert drive.status(orchestrator, case_id) == "running"
    drive.work(orchestrator, "dialect.cancel_flight", {"flight": "cancelled"})
    variables = drive.variables(orchestrator, case_id)
    assert (variables["hotel"], variables["flight"]) == ("cancelled", "cancelled")
    assert drive.status(orchestrator, case_id) == "completed"


QUESTIONS = """
    <bpmn:subProcess id="questions" name="Questions" triggeredByEvent="true">
      <bpmn:startEvent id="question_asked" name="Question asked" isInterrupting="false">
        <bpmn:outgoing>Flow_q1</bpmn:outgoing>
        <bpmn:messageEventDefinition id="MessageEventDefinition_q" messageRef="Message_question" />
      </bpmn:startEvent>
      <bpmn:sequenceFlow id="Flow_q1" sourceRef="question_asked" targetRef="answered" />
      <bpmn:endEvent id="answered" name="Answered">
        <bpmn:incoming>Flow_q1</bpmn:incoming>
      </bpmn:endEvent>
    </bpmn:subProcess>
  </bpmn:process>"""


def test_compensation_runs_in_a_process_that_also_has_an_event_sub_process(orchestrator):
    documents = drive.variant("compensation_refund", "  </bpmn:process>", QUESTIONS)
    text = (
        documents["compensation_refund.bpmn"]
        .decode()
        .replace(
            "  <bpmn:process ",
            '  <bpmn:message id="Message_question" name="question" />\n  <bpmn:process ',
            1,
        )
    )
    orchestrator.deploy({"compensation_refund.bpmn": text.encode()})
    case_id = orchestrator.start_case("dialect_refund")
    drive.work(orchestrator, "dialect.book_fee")

    drive.work(orchestrator, "dialect.check_goods", {"goodsInOrder": False})

    assert drive.topics(orchestrator, case_id) == ["dialect.refund_fee"]
    drive.work(orchestrator, "dialect.refund_fee")
    assert drive.status(orchestrator, case_id) == "completed"


SUB_PROCESS_TRIP = """
    <bpmn:subProcess id="trip" name="Trip">
      <bpmn:startEvent id="trip_start" name="Trip planned">
        <bpmn:outgoing>Flow_t1</bpmn:outgoing>
      </bpmn:startEvent>
      <bpmn:sequenceFlow id="Flow_t1" sourceRef="trip_start" targetRef="book_room" />
      <bpmn:scriptTask id="book_room" name="Book a room" scriptFormat="python">
        <bpmn:incoming>Flow_t1</bpmn:incoming>
        <bpmn:outgoing>Flow_t2</bpmn:outgoing>
        <bpmn:script>room = "booked"</bpmn:script>
      </bpmn:scriptTask>
      <bpmn:sequenceFlow id="Flow_t2" sourceRef="book_room" targetRef="trip_end" />
      <bpmn:endEvent id="trip_end" name="Trip booked">
        <bpmn:incoming>Flow_t2</bpmn:incoming>
      </bpmn:endEvent>
      <bpmn:boundaryEvent id="room_booked" name="Room booked" attachedToRef="book_room">
        <bpmn:compensateEventDefinition id="CompensateEventDefinition_room" />
      </bpmn:boundaryEvent>
      <bpmn:scriptTask id="cancel_room" name="Cancel the room" isForCompensation="true" scriptFormat="python">
        <bpmn:script>room = "cancelled"</bpmn:script>
      </bpmn:scriptTask>
      <bpmn:association id="Association_room" sourceRef="room_booked" targetRef="cancel_room" />
    </bpmn:subProcess>
  </bpmn:process>"""


def test_compensation_thrown_outside_a_sub_process_for_the_activities_inside_it_is_refused(orchestrator):
    with pytest.raises(InvalidDiagram) as refused:
        orchestrator.deploy(drive.variant("compensation_trip", "  </bpmn:process>", SUB_PROCESS_TRIP))

    assert 'boundaryEvent "room_booked" ("Room booked"): compensation thrown outside the sub-process' in str(
        refused.value
    )


def test_a_compensation_end_event_inside_a_sub_process_undoes_what_the_sub_process_did(orchestrator):
    inner = SUB_PROCESS_TRIP.replace(
        "<bpmn:incoming>Flow_t2</bpmn:incoming>\n      </bpmn:endEvent>",
        "<bpmn:incoming>Flow_t2</bpmn:incoming>\n"
        '        <bpmn:compensateEventDefinition id="CompensateEventDefinition_trip_end" />\n'
        "      </bpmn:endEvent>",
    ).replace(
        "</bpmn:subProcess>",
        '</bpmn:subProcess>\n    <bpmn:sequenceFlow id="Flow_t3" sourceRef="trip" targetRef="book_hotel" />',
    )
    text = drive.variant("compensation_trip", "  </bpmn:process>", inner)["compensation_trip.bpmn"].decode()
    text = text.replace('sourceRef="start" targetRef="book_hotel"', 'sourceRef="start" targetRef="trip"')
    orchestrator.deploy({"compensation_trip.bpmn": text.encode()})

    case_id = orchestrator.start_case("dialect_trip")

    assert _after(drive.completed_elements(orchestrator, case_id), "book_room") == [
        "cancel_room",
        "trip_end",
        "trip",
        "book_hotel",
    ]
    assert drive.variables(orchestrator, case_id)["room"] == "cancelled"
    assert drive.topics(orchestrator, case_id) == ["dialect.book_flight"]
