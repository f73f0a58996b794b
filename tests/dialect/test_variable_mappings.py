"""Variable mappings as Camunda 7 maps them: input/output parameters, camunda:in/out on call activities."""

from __future__ import annotations

import pytest

from engine.errors import InvalidDiagram
from engine.people.task_forms import describe_task
from tests.dialect import drive

APPLICATION = {"amount": 100, "kind": "export", "applicant": "ACME LLP"}


def _user_task_variables(orchestrator, case_id: str, element_id: str) -> dict:
    (task,) = [t for t in drive.open_tasks(orchestrator, case_id) if t.element_id == element_id]
    with orchestrator.store.unit_of_work() as session:
        return describe_task(session, task.id).variables


def _worker_variables(orchestrator, topic: str) -> tuple[str, dict]:
    from engine.external.tasks import task_variables

    (task,) = orchestrator.fetch_and_lock("worker", [topic], drive.LOCK)
    with orchestrator.store.unit_of_work() as session:
        return task.id, task_variables(session, task)


def _reviewed(orchestrator) -> str:
    drive.deploy(orchestrator, "input_output")
    case_id = orchestrator.start_case("dialect_input_output", variables=APPLICATION)
    drive.complete(orchestrator, case_id, "review", {"decision": "issue"})
    return case_id


def test_a_user_task_sees_its_input_parameters_as_local_variables(orchestrator):
    drive.deploy(orchestrator, "input_output")
    case_id = orchestrator.start_case("dialect_input_output", variables=APPLICATION)

    seen = _user_task_variables(orchestrator, case_id, "review")

    assert seen["limit"] == 200
    assert seen["note"] == "Check the documents"
    assert seen["checks"] == [100, "export"]
    assert seen["labels"] == {"kind": "export", "desk": "licensing"}
    assert "limit" not in drive.variables(orchestrator, case_id)  # locals are the task's, not the case's


def test_output_parameters_are_the_only_variables_a_task_gives_back(orchestrator):
    case_id = _reviewed(orchestrator)

    after = drive.variables(orchestrator, case_id)
    assert after["approved"] is True
    assert after["reviewed_limit"] == 200
    assert not {"decision", "limit", "note", "checks", "labels"} & set(after)  # local to the review
    assert after["amount"] == 100


def test_an_external_task_gets_its_inputs_at_fetch_and_what_its_worker_sets_goes_to_the_case(orchestrator):
    case_id = _reviewed(orchestrator)

    task_id, seen = _worker_variables(orchestrator, "dialect.notify")
    assert seen["recipient"] == "ACME LLP"
    assert seen["amount"] == 101  # the input shadows the case's amount for the worker only
    orchestrator.complete_external_task(task_id, "worker", {"sent": True})

    after = drive.variables(orchestrator, case_id)
    assert after["sent"] is True
    assert "recipient" not in after
    assert after["amount"] == 100  # the shadowed variable is as it was


def test_a_script_reads_its_input_parameter_and_what_it_sets_goes_to_the_case(orchestrator):
    case_id = _reviewed(orchestrator)
    drive.work(orchestrator, "dialect.notify")

    after = drive.variables(orchestrator, case_id)
    assert drive.status(orchestrator, case_id) == "completed"
    assert after["doubled"] == 200
    assert "factor" not in after


def test_a_call_activity_passes_and_gets_back_only_what_its_mappings_name(orchestrator):
    drive.deploy(orchestrator, "call_mappings", "fee")
    case_id = orchestrator.start_case(
        "dialect_call_mappings", business_key="LIC-7", variables={"amount": 100, "rate": 0.05, "secret": "x"}
    )

    task_id, seen = _worker_variables(orchestrator, "dialect.fee")
    assert seen == {"base_amount": 100, "fee_hint": 5.0}
    orchestrator.complete_external_task(task_id, "worker", {"fee": 7, "scratch": 1})

    after = drive.variables(orchestrator, case_id)
    assert drive.status(orchestrator, case_id) == "completed"
    assert after["fee_due"] == 7
    assert after["called_key"] == "LIC-7"  # camunda:in businessKey gave the called process the caller's key
    assert not {"fee", "scratch", "base_amount", "fee_hint"} & set(after)
    assert after["secret"] == "x"


def test_a_call_activity_without_in_mappings_passes_nothing_to_the_called_process(orchestrator):
    drive.deploy(orchestrator, "order", "payment")
    case_id = orchestrator.start_case("dialect_order", variables={"card": "4111"})

    task_id, seen = _worker_variables(orchestrator, "dialect.charge")
    assert seen == {}
    orchestrator.complete_external_task(task_id, "worker", {"declined": False, "receipt": "R-1"})

    assert "receipt" not in drive.variables(orchestrator, case_id)  # and no camunda:out brings nothing back
    assert drive.topics(orchestrator, case_id) == ["dialect.ship"]


def test_variables_all_passes_every_variable_both_ways(orchestrator):
    mappings = (
        '<bpmn:extensionElements><camunda:in variables="all" /><camunda:out variables="all" />'
        "</bpmn:extensionElements>"
    )
    orchestrator.deploy(drive.edited("order", "pay", inner=mappings) | drive.diagram("payment"))
    case_id = orchestrator.start_case("dialect_order", variables={"card": "4111"})

    task_id, seen = _worker_variables(orchestrator, "dialect.charge")
    assert seen == {"card": "4111"}
    orchestrator.complete_external_task(task_id, "worker", {"declined": False, "receipt": "R-1"})

    assert drive.variables(orchestrator, case_id)["receipt"] == "R-1"


def test_local_in_mappings_pass_the_call_activitys_own_variables_and_local_outs_stay_in_it(orchestrator):
    mappings = (
        "<bpmn:extensionElements>"
        '<camunda:in variables="all" local="true" />'
        '<camunda:out source="receipt" target="receipt" local="true" />'
        "<camunda:inputOutput>"
        '<camunda:inputParameter name="currency">KZT</camunda:inputParameter>'
        '<camunda:outputParameter name="paid_with">${receipt}</camunda:outputParameter>'
        "</camunda:inputOutput>"
        "</bpmn:extensionElements>"
    )
    orchestrator.deploy(drive.edited("order", "pay", inner=mappings) | drive.diagram("payment"))
    case_id = orchestrator.start_case("dialect_order", variables={"card": "4111"})

    task_id, seen = _worker_variables(orchestrator, "dialect.charge")
    assert seen == {"currency": "KZT"}  # only the call activity's own (input) variable, not the case's card
    orchestrator.complete_external_task(task_id, "worker", {"declined": False, "receipt": "R-1"})

    after = drive.variables(orchestrator, case_id)
    assert after["paid_with"] == "R-1"
    assert "receipt" not in after and "currency" not in after


def test_an_embedded_sub_process_sees_its_input_parameters_and_they_vanish_after_it(orchestrator):
    inputs = (
        "<bpmn:extensionElements><camunda:inputOutput>"
        '<camunda:inputParameter name="hearing_room">${room}</camunda:inputParameter>'
        "</camunda:inputOutput></bpmn:extensionElements>"
    )
    orchestrator.deploy(drive.edited("mi_hearings", "hearing", inner=inputs))
    case_id = orchestrator.start_case("dialect_mi_hearings", variables={"room": "B-12"})

    assert _user_task_variables(orchestrator, case_id, "record")["hearing_room"] == "B-12"
    for _ in range(3):
        drive.complete(orchestrator, case_id, "record")

    assert drive.status(orchestrator, case_id) == "completed"
    assert "hearing_room" not in drive.variables(orchestrator, case_id)
    assert drive.variables(orchestrator, case_id)["room"] == "B-12"


def test_a_call_activity_deployed_before_licflow_read_its_mappings_still_passes_every_variable(orchestrator):
    import json

    from engine.runtime import definitions
    from store.models import ProcessDefinition

    drive.deploy(orchestrator, "order", "payment")
    with orchestrator.store.unit_of_work() as session:  # the spec as it was stored before camunda:in was read
        (order,) = [d for d in session.query(ProcessDefinition) if d.key == "dialect_order"]
        stored = json.loads(order.spec)
        del stored["spec"]["task_specs"]["pay"]["extensions"]["variableMappings"]
        order.spec = json.dumps(stored)
    definitions._SPECS.clear()
    orchestrator.start_case("dialect_order", variables={"card": "4111"})

    assert _worker_variables(orchestrator, "dialect.charge")[1] == {"card": "4111"}


@pytest.mark.parametrize(
    ("inner", "says"),
    [
        (
            '<camunda:inputParameter name="x"><camunda:script scriptFormat="python">x = 1</camunda:script>'
            "</camunda:inputParameter>",
            "a script (camunda:script) in an input/output parameter is not supported",
        ),
        ('<camunda:inputParameter name="x">${a &gt;}</camunda:inputParameter>', "cannot read"),
        (
            '<camunda:inputParameter name="x"><camunda:list><camunda:value>${a &gt;}</camunda:value>'
            "</camunda:list></camunda:inputParameter>",
            "cannot read the camunda:value",
        ),
    ],
    ids=["script", "expression", "list item"],
)
def test_a_parameter_licflow_cannot_evaluate_is_refused_at_deploy(orchestrator, inner, says):
    documents = drive.edited(
        "pass_through_tasks",
        "note",
        inner=f"<bpmn:extensionElements><camunda:inputOutput>{inner}</camunda:inputOutput></bpmn:extensionElements>",
    )

    with pytest.raises(InvalidDiagram, match="note") as refused:
        orchestrator.deploy(documents)

    assert says in str(refused.value)


def test_in_mappings_licflow_cannot_read_are_refused_at_deploy_naming_the_call_activity(orchestrator):
    mappings = (
        '<bpmn:extensionElements><camunda:in source="amount" /><camunda:out variables="some" />'
        '<camunda:out businessKey="${key}" /></bpmn:extensionElements>'
    )

    with pytest.raises(InvalidDiagram) as refused:
        orchestrator.deploy(drive.edited("order", "pay", inner=mappings) | drive.diagram("payment"))

    message = str(refused.value)
    assert 'callActivity "pay" ("Pay"): a camunda:in names no target' in message
    assert 'camunda:out variables="some" is not supported' in message
    assert "camunda:out with a businessKey is not supported" in message


def test_a_task_waiting_in_one_branch_sees_what_the_other_branch_wrote_before_the_join(orchestrator):
    drive.deploy(orchestrator, "gateways")
    case_id = orchestrator.start_case("dialect_gateways", variables={"status": "new"})

    drive.work(orchestrator, "dialect.tax", {"status": "taxes checked", "taxes_owed": True})

    seen = _user_task_variables(orchestrator, case_id, "check_court")
    assert (seen["status"], seen["taxes_owed"]) == ("taxes checked", True)
    assert drive.variables(orchestrator, case_id)["taxes_owed"] is True


def test_parallel_instances_share_the_case_variables_and_keep_their_element_variable(orchestrator):
    drive.deploy(orchestrator, "mi_approvals")
    case_id = orchestrator.start_case("dialect_mi_approvals", variables={"approvers": ["ana", "bek", "dana"]})
    first, *others = drive.open_tasks(orchestrator, case_id)

    orchestrator.complete_user_task(first.id, {"said_first": first.assignee}, first.assignee, first.assignee)

    with orchestrator.store.unit_of_work() as session:
        seen = [describe_task(session, t.id).variables for t in others]
    assert [s["said_first"] for s in seen] == [first.assignee] * 2
    assert sorted(s["approver"] for s in seen) == sorted(t.assignee for t in others)
    assert "approver" not in drive.variables(orchestrator, case_id)


def _deployed_before_one_scope(orchestrator, name: str) -> None:
    import json

    from engine.runtime import definitions
    from store.models import ProcessDefinition

    drive.deploy(orchestrator, name)
    with orchestrator.store.unit_of_work() as session:  # the spec as it was stored before one scope
        (stored_before,) = session.query(ProcessDefinition).all()
        stored = json.loads(stored_before.spec)
        del stored["variable_scope"]
        stored_before.spec = json.dumps(stored)
    definitions._SPECS.clear()


def test_a_case_of_a_process_deployed_before_one_scope_keeps_each_branchs_copy_until_the_join(orchestrator):
    _deployed_before_one_scope(orchestrator, "gateways")
    case_id = orchestrator.start_case("dialect_gateways", variables={"status": "new"})

    drive.work(orchestrator, "dialect.tax", {"status": "taxes checked", "taxes_owed": True})

    assert _user_task_variables(orchestrator, case_id, "check_court")["status"] == "new"
    drive.complete(orchestrator, case_id, "check_court", {"court_ban": False})
    assert drive.variables(orchestrator, case_id)["status"] == "taxes checked"  # merged at the join


def test_call_mappings_and_parameters_where_camunda_reads_none_are_refused_at_deploy(orchestrator):
    on_task = drive.edited(
        "pass_through_tasks",
        "note",
        inner='<bpmn:extensionElements><camunda:in source="a" target="b" /></bpmn:extensionElements>',
    )
    on_signal = drive.edited(
        "signal_throw",
        "SignalEventDefinition_throw",
        inner='<bpmn:extensionElements><camunda:out source="a" target="b" /></bpmn:extensionElements>',
    )

    with pytest.raises(InvalidDiagram, match='task "note" .*camunda:in on a task is not supported'):
        orchestrator.deploy(on_task)
    with pytest.raises(InvalidDiagram, match="camunda:out on a signalEventDefinition is not supported"):
        orchestrator.deploy(on_signal)


def test_the_same_files_deployed_again_over_a_process_stored_before_one_scope_make_a_version_that_has_it(
    orchestrator,
):
    _deployed_before_one_scope(orchestrator, "gateways")

    (deployed,) = drive.deploy(orchestrator, "gateways")
    case_id = orchestrator.start_case("dialect_gateways", variables={"status": "new"})
    drive.work(orchestrator, "dialect.tax", {"status": "taxes checked"})

    assert (deployed.version, deployed.created) == (2, True)
    assert _user_task_variables(orchestrator, case_id, "check_court")["status"] == "taxes checked"
