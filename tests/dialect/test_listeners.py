"""Execution and task listeners of type expression and script run where Camunda 7 runs them."""

from __future__ import annotations

import pytest

from engine.errors import InvalidDiagram, ProcessError
from engine.history.chain_check import check_cases
from engine.history.replay import replay_case
from engine.people import assignment
from tests.dialect import drive

NOTE_START = "${execution.setVariable(&#39;trail&#39;, trail.concat(&#39; note:start&#39;))}"
CREATE = "${task.setAssignee(execution.getVariable(&#39;reviewer&#39;))}"


def test_start_and_end_listeners_of_the_process_and_a_task_run_in_order(orchestrator):
    drive.deploy(orchestrator, "listener_trail")

    case_id = orchestrator.start_case("dialect_listener_trail", variables={"takes": 0})

    assert drive.status(orchestrator, case_id) == "completed"
    trail = drive.variables(orchestrator, case_id)["trail"]
    assert trail == "process:start note:start note:end process:end"


def test_a_take_listener_runs_once_each_time_its_flow_is_taken(orchestrator):
    drive.deploy(orchestrator, "listener_trail")

    case_id = orchestrator.start_case("dialect_listener_trail", variables={"takes": 0})

    assert drive.variables(orchestrator, case_id)["takes"] == 3
    assert drive.completed_elements(orchestrator, case_id).count("count") == 4
    with orchestrator.store.unit_of_work() as session:
        assert replay_case(session, case_id).reproduced  # the listeners run again, alike


def test_a_create_listener_sets_the_assignee_and_the_assignment_listener_sees_it(orchestrator):
    drive.deploy(orchestrator, "listener_tasks")

    case_id = orchestrator.start_case("dialect_listener_tasks", variables={"reviewer": "ann"})

    (review,) = drive.open_tasks(orchestrator, case_id)
    assert review.assignee == "ann"
    seen = drive.variables(orchestrator, case_id)
    assert (seen["assigned_to"], seen["assignment_seen"]) == ("ann", "assignment of Review the request")


def test_a_complete_listener_writes_the_variable_the_next_gateway_reads(orchestrator):
    drive.deploy(orchestrator, "listener_tasks")
    fast = orchestrator.start_case("dialect_listener_tasks", variables={"reviewer": None})
    slow = orchestrator.start_case("dialect_listener_tasks", variables={"reviewer": None})

    drive.complete(orchestrator, fast, "review", {"score": 8})
    drive.complete(orchestrator, slow, "review", {"score": 2})

    assert drive.open_elements(orchestrator, fast) == ["sign"]
    assert drive.open_elements(orchestrator, slow) == ["hearing"]
    assert drive.variables(orchestrator, fast)["route"] == "fast"


def test_a_failing_listener_fails_the_command_naming_the_element_and_the_listener(orchestrator):
    orchestrator.deploy(
        drive.variant("listener_trail", NOTE_START, "${execution.setVariable(&#39;share&#39;, 1 / parts)}")
    )

    with pytest.raises(ProcessError) as failed:
        orchestrator.start_case("dialect_listener_trail", variables={"takes": 0})

    message = str(failed.value)
    assert 'task "note" ("Note the request"): the start execution listener #1' in message
    assert "parts" in message
    assert drive.case_ids(orchestrator, "dialect_listener_trail") == []


def test_a_failing_complete_listener_leaves_the_task_open(orchestrator):
    drive.deploy(orchestrator, "listener_tasks")
    case_id = orchestrator.start_case("dialect_listener_tasks", variables={"reviewer": None})

    with pytest.raises(ProcessError) as failed:
        drive.complete(orchestrator, case_id, "review", {})  # no score: None > 5 fails

    assert 'userTask "review" ("Review the request"): the complete task listener #3' in str(failed.value)
    assert drive.open_elements(orchestrator, case_id) == ["review"]


ESCAPES = [
    ("expression", "${&#39;&#39;.getClass().forName(&#39;java.lang.Runtime&#39;)}"),
    ("expression", "${execution.__class__}"),
    ("python", "open(&#39;{sentinel}&#39;, &#39;w&#39;)"),
    ("python", "x = ().__class__.__base__.__subclasses__()"),
    ("javascript", "require(&#39;fs&#39;).writeFileSync(&#39;{sentinel}&#39;, &#39;x&#39;)"),
    ("javascript", "this.constructor.constructor(&#39;return process&#39;)().exit(1)"),
]


@pytest.mark.parametrize(("language", "payload"), ESCAPES)
def test_a_listener_cannot_escape_the_sandbox(orchestrator, tmp_path, language, payload):
    sentinel = tmp_path / "escaped"
    payload = payload.replace("{sentinel}", str(sentinel))
    if language == "expression":
        listener = f'<camunda:taskListener expression="{payload}" event="create" />'
    else:
        script = f'<camunda:script scriptFormat="{language}">{payload}</camunda:script>'
        listener = f'<camunda:taskListener event="create">{script}</camunda:taskListener>'
    documents = drive.variant(
        "listener_tasks", f'<camunda:taskListener expression="{CREATE}" event="create" />', listener
    )

    with pytest.raises((InvalidDiagram, ProcessError)) as stopped:
        orchestrator.deploy(documents)
        orchestrator.start_case("dialect_listener_tasks")

    assert "review" in str(stopped.value)
    assert not sentinel.exists()
    assert drive.case_ids(orchestrator, "dialect_listener_tasks") == []


def test_a_claim_runs_the_assignment_listener_and_a_replay_runs_it_again(orchestrator):
    drive.deploy(orchestrator, "listener_tasks")
    case_id = orchestrator.start_case("dialect_listener_tasks", variables={"reviewer": None})
    assert "assigned_to" not in drive.variables(orchestrator, case_id)

    (review,) = drive.open_tasks(orchestrator, case_id)
    with orchestrator.store.unit_of_work() as session:
        assignment.claim(session, review.id, "officer2")

    assert drive.variables(orchestrator, case_id)["assigned_to"] == "officer2"
    with orchestrator.store.unit_of_work() as session:
        assignment.set_assignee(session, review.id, "officer3", "head1")
    assert drive.variables(orchestrator, case_id)["assigned_to"] == "officer3"
    with orchestrator.store.unit_of_work() as session:
        assert replay_case(session, case_id).reproduced
        (checked,) = check_cases(session, [case_id])
        assert checked.intact


def test_a_delete_listener_runs_when_a_boundary_event_cancels_the_task(orchestrator):
    drive.deploy(orchestrator, "listener_withdrawal")
    case_id = orchestrator.start_case("dialect_listener_withdrawal", business_key="W-1")

    orchestrator.correlate_message("withdrawal", business_key="W-1")

    assert drive.open_elements(orchestrator, case_id) == ["archive"]
    seen = drive.variables(orchestrator, case_id)
    assert (seen["withdrawn_from"], seen["review_ended"]) == ("Review the request", "end")


def test_a_completed_task_runs_its_end_listener_and_not_its_delete_listener(orchestrator):
    drive.deploy(orchestrator, "listener_withdrawal")
    case_id = orchestrator.start_case("dialect_listener_withdrawal", business_key="W-2")

    drive.complete(orchestrator, case_id, "review")

    assert drive.status(orchestrator, case_id) == "completed"
    seen = drive.variables(orchestrator, case_id)
    assert seen["review_ended"] == "end" and "withdrawn_from" not in seen


def _with_listener(element_id: str, listener: str, name: str = "pass_through_tasks") -> dict[str, bytes]:
    return drive.edited(
        name, element_id, inner=f"<bpmn:extensionElements>{listener}</bpmn:extensionElements>"
    )


REFUSED = [
    ("note", '<camunda:executionListener event="start" />', "needs an expression or a script"),
    (
        "note",
        '<camunda:executionListener expression="${x}" event="take" />',
        'on event "take" is not supported',
    ),
    (
        "note",
        '<camunda:taskListener expression="${x}" event="create" />',
        "a task listener belongs to a user task",
    ),
    (
        "note",
        '<camunda:executionListener event="end"><camunda:script scriptFormat="js" resource="audit.js" />'
        "</camunda:executionListener>",
        "script must be written inline",
    ),
    (
        "answer",
        '<camunda:taskListener event="timeout"><camunda:script scriptFormat="python">x = 1</camunda:script>'
        "</camunda:taskListener>",
        'a task listener on event "timeout" is not supported',
    ),
    (
        "note",
        '<camunda:executionListener event="end"><camunda:script scriptFormat="groovy">x = 1</camunda:script>'
        "</camunda:executionListener>",
        "scriptFormat 'groovy', which licflow does not run",
    ),
    (
        "note",
        '<camunda:executionListener expression="${a &gt;}" event="start" />',
        "cannot read the start listener",
    ),
]


@pytest.mark.parametrize(("element_id", "listener", "says"), REFUSED)
def test_a_listener_licflow_cannot_run_is_refused_at_deploy(orchestrator, element_id, listener, says):
    with pytest.raises(InvalidDiagram) as refused:
        orchestrator.deploy(_with_listener(element_id, listener))

    assert says in str(refused.value)
    assert f'"{element_id}"' in str(refused.value) or f" {element_id} " in str(refused.value)


def test_a_take_listener_on_a_flow_leaving_an_event_based_gateway_is_refused(orchestrator):
    listener = '<camunda:executionListener expression="${x}" event="take" />'

    with pytest.raises(InvalidDiagram) as refused:
        orchestrator.deploy(_with_listener("Flow_2", listener, "event_gateway"))

    assert 'sequenceFlow "Flow_2": a take listener on a flow leaving an event-based gateway' in str(
        refused.value
    )


def test_each_instance_of_a_multi_instance_user_task_runs_its_task_listeners(orchestrator):
    opening = '<bpmn:userTask id="approve" name="Approve" camunda:assignee="${approver}">'
    listeners = (
        "<bpmn:extensionElements>"
        '<camunda:taskListener expression="${task.setAssignee(approver.toUpperCase())}" event="create" />'
        "</bpmn:extensionElements>"
    )
    orchestrator.deploy(drive.variant("mi_approvals", opening, opening + listeners))

    case_id = orchestrator.start_case("dialect_mi_approvals", variables={"approvers": ["ana", "bek", "dana"]})

    assert sorted(t.assignee for t in drive.open_tasks(orchestrator, case_id)) == ["ANA", "BEK", "DANA"]
