"""Conditions, assignments and due dates as analysts type them in Camunda Modeler run as JUEL."""

from __future__ import annotations

import pytest

from store.models import UserTask
from tests.engine import sample
from tests.engine.dialect.modeler import diagram, step

CONDITIONS = [
    ("${amount > 100 && approved}", {"amount": 250, "approved": True}, True),
    ("${amount > 100 && approved}", {"amount": 250, "approved": False}, False),
    ("${kind eq 'a'}", {"kind": "a"}, True),
    ('${kind == "b" || kind ne "a"}', {"kind": "c"}, True),
    ("${not empty items}", {"items": ["x"]}, True),
    ("${empty items}", {"items": []}, True),
    ("${execution.getVariable('amount') > 100}", {"amount": 101}, True),
    ("${order.amount ge 100}", {"order": {"amount": 99}}, False),
    ("${lines[0] == 'first'}", {"lines": ["first", "second"]}, True),
    ("${limits['export'] lt 5}", {"limits": {"export": 3}}, True),
    ("${amount div 2 == 3 and amount mod 2 == 0}", {"amount": 6}, True),
    ("${(amount > 5 ? 'big' : 'small') == 'big'}", {"amount": 6}, True),
    ("${missing == null}", {"missing": None}, True),
    ("${execution.getBusinessKey() == 'BK-7'}", {}, True),
    ("${execution.getProcessInstanceId() != null}", {}, True),
    (
        "${statutory_due_iso(registered_on, 5) == '2025-04-02T18:30:00+05:00'}",
        {"registered_on": "2025-03-26"},
        True,
    ),
]


def _gateway_diagram(condition: str) -> dict[str, bytes]:
    negated = "${!(" + condition[2:-1] + ")}"
    branches = {"EndEvent_yes": condition, "EndEvent_no": negated}
    return {"condition.bpmn": diagram("condition", [], branches)}


@pytest.mark.parametrize(("condition", "variables", "taken"), CONDITIONS, ids=[c for c, _, _ in CONDITIONS])
def test_a_gateway_takes_the_branch_its_juel_condition_chooses(orchestrator, condition, variables, taken):
    orchestrator.deploy(_gateway_diagram(condition))

    case_id = orchestrator.start_case("condition", "BK-7", variables, actor="analyst")

    ended = "EndEvent_yes" if taken else "EndEvent_no"
    assert ("element_completed", ended) in sample.history_kinds(orchestrator, case_id)
    assert sample.case(orchestrator, case_id).status == "completed"


def test_an_unknown_variable_in_a_condition_names_the_element_the_expression_and_the_variable(orchestrator):
    orchestrator.deploy(_gateway_diagram("${amount > 100}"))

    with pytest.raises(Exception) as failed:
        orchestrator.start_case("condition", "BK-1", {}, actor="analyst")

    message = str(failed.value)
    assert "Flow_to_EndEvent_yes" in message or "Gateway_decide" in message
    assert "amount" in message and "${amount > 100}" in message


def test_a_user_task_takes_its_assignee_candidates_and_due_date_from_expressions(orchestrator):
    task = step(
        "userTask",
        "Activity_review",
        'name="Review" camunda:assignee="${starter}" camunda:candidateGroups="${team}, heads" '
        'camunda:dueDate="${due}"',
    )
    orchestrator.deploy({"review.bpmn": diagram("review", [task])})

    case_id = orchestrator.start_case(
        "review", None, {"starter": "olga", "team": "officers", "due": "2030-01-02T09:00:00+05:00"}, actor="x"
    )

    (row,) = sample.rows(orchestrator, UserTask, case_id=case_id)
    assert row.assignee == "olga"
    assert row.candidate_groups == ",officers,heads,"
    assert row.due_at.replace(tzinfo=None).isoformat() == "2030-01-02T04:00:00"
