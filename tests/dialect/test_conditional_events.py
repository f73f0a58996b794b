"""Conditional events fire as Camunda 7 fires them: when reached, and when a command changes variables.

Boundary (interrupting and not), intermediate catch, and event sub-process start
(interrupting and not), with camunda:variableName / camunda:variableEvents.
"""

from __future__ import annotations

import pytest

from engine.errors import InvalidDiagram
from engine.history.replay import replay_case
from tests.dialect import drive
from tests.web.camunda.helpers import BEARER, TOKEN
from web import create_app

NON_INTERRUPTING = {"cancelActivity": "false"}


def _set(orchestrator, case_id: str, **variables) -> None:
    orchestrator.change_variables(case_id, variables, [], "officer1")


def test_an_interrupting_conditional_boundary_fires_when_variables_make_it_true(orchestrator):
    drive.deploy(orchestrator, "conditional_boundary")
    case_id = orchestrator.start_case("dialect_conditional_boundary", variables={"amount": 500})
    assert drive.open_elements(orchestrator, case_id) == ["assess"]

    _set(orchestrator, case_id, amount=800)
    assert drive.open_elements(orchestrator, case_id) == ["assess"]
    _set(orchestrator, case_id, amount=1500)

    assert drive.open_elements(orchestrator, case_id) == ["senior_review"]
    (assess,) = drive.rows(orchestrator, drive.UserTask, case_id=case_id, element_id="assess")
    assert assess.status == "cancelled"


def test_completing_the_task_with_variables_that_make_its_boundary_true_takes_the_boundary(orchestrator):
    drive.deploy(orchestrator, "conditional_boundary")
    case_id = orchestrator.start_case("dialect_conditional_boundary", variables={"amount": 500})

    drive.complete(orchestrator, case_id, "assess", {"amount": 1500})  # as Camunda: variables first

    assert drive.open_elements(orchestrator, case_id) == ["senior_review"]
    (assess,) = drive.rows(orchestrator, drive.UserTask, case_id=case_id, element_id="assess")
    assert assess.status == "cancelled"
    with orchestrator.store.unit_of_work() as session:
        replay = replay_case(session, case_id)
    assert replay.reproduced, replay.divergence


def test_a_conditional_boundary_already_true_when_its_task_starts_fires_at_once(orchestrator):
    drive.deploy(orchestrator, "conditional_boundary")

    case_id = orchestrator.start_case("dialect_conditional_boundary", variables={"amount": 5000})

    assert drive.open_elements(orchestrator, case_id) == ["senior_review"]


def test_a_non_interrupting_conditional_boundary_fires_on_each_change_while_it_holds(orchestrator):
    orchestrator.deploy(drive.edited("conditional_boundary", "amount_raised", attributes=NON_INTERRUPTING))
    case_id = orchestrator.start_case("dialect_conditional_boundary", variables={"amount": 500})

    _set(orchestrator, case_id, amount=1500)
    assert drive.open_elements(orchestrator, case_id) == ["assess", "senior_review"]
    _set(orchestrator, case_id, amount=2500)
    _set(orchestrator, case_id, amount=700)

    assert drive.open_elements(orchestrator, case_id) == ["assess", "senior_review", "senior_review"]


def test_a_conditional_event_with_a_variable_name_ignores_changes_of_other_variables(orchestrator):
    documents = drive.edited(
        "conditional_boundary",
        "ConditionalEventDefinition_amount",
        attributes={"camunda:variableName": "amount"},
    )
    documents = {
        name: content.replace(
            b'<bpmn:boundaryEvent id="amount_raised"',
            b'<bpmn:boundaryEvent cancelActivity="false" id="amount_raised"',
        )
        for name, content in documents.items()
    }
    orchestrator.deploy(documents)
    case_id = orchestrator.start_case("dialect_conditional_boundary", variables={"amount": 500})
    _set(orchestrator, case_id, amount=1500)

    _set(orchestrator, case_id, remark="urgent")

    assert drive.open_elements(orchestrator, case_id) == ["assess", "senior_review"]


def test_an_intermediate_conditional_event_waits_until_another_branch_makes_it_true(orchestrator):
    drive.deploy(orchestrator, "conditional_catch")
    case_id = orchestrator.start_case("dialect_conditional_catch", variables={"documents": "missing"})
    assert drive.open_elements(orchestrator, case_id) == ["collect"]

    drive.complete(orchestrator, case_id, "collect", {"documents": "complete"})

    assert drive.open_elements(orchestrator, case_id) == ["decide"]


def test_an_intermediate_conditional_event_already_true_passes_at_once(orchestrator):
    drive.deploy(orchestrator, "conditional_catch")

    case_id = orchestrator.start_case("dialect_conditional_catch", variables={"documents": "complete"})

    assert drive.open_elements(orchestrator, case_id) == ["collect", "decide"]


def test_a_conditional_event_sub_process_interrupts_the_work_when_its_condition_becomes_true(orchestrator):
    drive.deploy(orchestrator, "conditional_event_subprocess")
    case_id = orchestrator.start_case("dialect_conditional_handler", variables={"withdrawn": False})
    assert drive.open_elements(orchestrator, case_id) == ["process_application"]

    _set(orchestrator, case_id, withdrawn=True)

    assert drive.open_elements(orchestrator, case_id) == ["note_withdrawal"]
    drive.complete(orchestrator, case_id, "note_withdrawal")
    assert drive.status(orchestrator, case_id) == "completed"


def test_a_non_interrupting_conditional_event_sub_process_runs_beside_the_work(orchestrator):
    documents = drive.edited(
        "conditional_event_subprocess", "withdrawn", attributes={"isInterrupting": "false"}
    )
    orchestrator.deploy(documents)
    case_id = orchestrator.start_case("dialect_conditional_handler", variables={"withdrawn": False})

    _set(orchestrator, case_id, withdrawn=True)

    assert drive.open_elements(orchestrator, case_id) == ["note_withdrawal", "process_application"]


def test_variable_events_narrow_the_changes_a_conditional_event_looks_at(orchestrator):
    drive.deploy(orchestrator, "conditional_event_subprocess")
    case_id = orchestrator.start_case("dialect_conditional_handler", variables={"withdrawn": False})

    orchestrator.change_variables(case_id, {}, ["withdrawn"], "officer1")  # a delete: not listened to
    assert drive.open_elements(orchestrator, case_id) == ["process_application"]
    _set(orchestrator, case_id, withdrawn=True)  # a create

    assert drive.open_elements(orchestrator, case_id) == ["note_withdrawal"]


def test_a_case_whose_conditions_fired_replays_from_its_history(orchestrator):
    orchestrator.deploy(drive.edited("conditional_boundary", "amount_raised", attributes=NON_INTERRUPTING))
    case_id = orchestrator.start_case("dialect_conditional_boundary", variables={"amount": 500})
    _set(orchestrator, case_id, amount=1500)
    _set(orchestrator, case_id, amount=2500)
    drive.complete(orchestrator, case_id, "assess")

    with orchestrator.store.unit_of_work() as session:
        replay = replay_case(session, case_id)

    assert replay.reproduced, replay.divergence


def test_evaluating_conditions_starts_a_case_at_each_conditional_start_event_that_holds(orchestrator):
    drive.deploy(orchestrator, "conditional_start")

    assert orchestrator.evaluate_conditions({"amount": 400}) == []
    assert orchestrator.evaluate_conditions({"weight": 5000}) == []  # camunda:variableName="amount"
    (case_id,) = orchestrator.evaluate_conditions({"amount": 4000}, business_key="IMP-7")

    assert drive.open_elements(orchestrator, case_id) == ["review_import"]
    assert drive.variables(orchestrator, case_id)["amount"] == 4000
    assert drive.rows(orchestrator, drive.Case, id=case_id)[0].business_key == "IMP-7"


def test_post_condition_starts_the_process_instances_as_camunda_rest_does(orchestrator):
    drive.deploy(orchestrator, "conditional_start")
    rest = create_app(orchestrator, {"TESTING": True, "API_TOKENS": {"workers": TOKEN}}).test_client()
    body = {"variables": {"amount": {"value": 2500, "type": "Integer"}}, "businessKey": "IMP-8"}

    answer = rest.post("/engine-rest/condition", json=body, headers=BEARER)

    assert answer.status_code == 200
    ((started),) = answer.json
    assert (started["definitionKey"], started["businessKey"], started["ended"]) == (
        "dialect_conditional_start",
        "IMP-8",
        False,
    )
    assert drive.open_elements(orchestrator, started["id"]) == ["review_import"]


def test_a_conditional_event_after_an_event_based_gateway_is_refused_at_deploy(orchestrator):
    documents = drive.variant(
        "event_gateway",
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P7D</bpmn:timeDuration>',
        '<bpmn:condition xsi:type="bpmn:tFormalExpression">${late}</bpmn:condition>',
    )
    documents = {
        name: content.replace(b"bpmn:timerEventDefinition", b"bpmn:conditionalEventDefinition")
        for name, content in documents.items()
    }

    with pytest.raises(InvalidDiagram) as refused:
        orchestrator.deploy(documents)

    assert "a conditional event after an event-based gateway is not supported" in str(refused.value)


def test_unknown_variable_events_are_refused_at_deploy(orchestrator):
    documents = drive.edited(
        "conditional_boundary",
        "ConditionalEventDefinition_amount",
        attributes={"camunda:variableEvents": "change"},
    )

    with pytest.raises(InvalidDiagram) as refused:
        orchestrator.deploy(documents)

    assert "camunda:variableEvents names change" in str(refused.value)
