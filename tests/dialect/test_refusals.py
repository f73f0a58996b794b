"""Deploy refuses what licflow cannot run, naming the element and the way to do it in licflow."""

from __future__ import annotations

import pytest

from engine.errors import InvalidDiagram
from tests.dialect import drive

EXTERNAL = 'camunda:type="external" camunda:topic="..."'
NOTE = 'serviceTask "note" ("Note the request")'


def _refusal(orchestrator, documents: dict[str, bytes]) -> str:
    with pytest.raises(InvalidDiagram) as refused:
        orchestrator.deploy(documents)
    assert drive.rows(orchestrator, drive.Case) == []
    return str(refused.value)


def _note_as_service_task(attributes=None, inner=None) -> dict[str, bytes]:
    return drive.edited("pass_through_tasks", "note", "serviceTask", attributes, inner)


def test_a_java_class_service_task_is_refused_with_the_external_task_way(orchestrator):
    message = _refusal(orchestrator, _note_as_service_task({"camunda:class": "org.acme.Note"}))

    assert f"{NOTE}: a Java class (camunda:class) cannot run in licflow" in message
    assert EXTERNAL in message


def test_a_delegate_expression_service_task_is_refused(orchestrator):
    message = _refusal(orchestrator, _note_as_service_task({"camunda:delegateExpression": "${noter}"}))

    assert f"{NOTE}: a delegate expression (camunda:delegateExpression)" in message
    assert EXTERNAL in message


def test_an_expression_service_task_is_refused(orchestrator):
    message = _refusal(orchestrator, _note_as_service_task({"camunda:expression": "${x.note()}"}))

    assert f"{NOTE}: an expression service task (camunda:expression)" in message


def test_a_connector_service_task_is_refused(orchestrator):
    connector = (
        "<bpmn:extensionElements><camunda:connector><camunda:connectorId>http-connector</camunda:connectorId>"
        "</camunda:connector></bpmn:extensionElements>"
    )
    message = _refusal(orchestrator, _note_as_service_task(inner=connector))

    assert f"{NOTE}: a connector (camunda:connector) cannot run in licflow" in message
    assert EXTERNAL in message


def test_a_service_task_without_implementation_is_refused(orchestrator):
    message = _refusal(orchestrator, _note_as_service_task())

    assert f"{NOTE}: the task has no implementation licflow runs" in message


def test_an_attribute_licflow_would_ignore_is_refused(orchestrator):
    documents = drive.edited("pass_through_tasks", "note", attributes={"camunda:jobPriority": "5"})

    message = _refusal(orchestrator, documents)

    assert 'task "note" ("Note the request"): camunda:jobPriority="5" on a task is not supported' in message
    assert "the same priority" in message


def test_a_java_listener_is_refused_naming_the_element_and_the_way_to_do_it(orchestrator):
    listener = (
        '<bpmn:extensionElements><camunda:executionListener class="org.acme.Audit" event="start" />'
        "</bpmn:extensionElements>"
    )
    message = _refusal(orchestrator, drive.edited("pass_through_tasks", "note", inner=listener))

    assert 'task "note" ("Note the request"): an execution listener calling a Java class' in message
    assert "an expression listener" in message and "script listener" in message and "external task" in message


def test_an_element_licflow_does_not_run_is_refused(orchestrator):
    documents = drive.edited("pass_through_tasks", "note", "complexGateway")

    message = _refusal(orchestrator, documents)

    assert 'complexGateway "note" ("Note the request"): bpmn:complexGateway is not supported' in message
    assert message.count("\n- ") == 1


def test_every_refused_construct_of_a_diagram_is_listed_at_once(orchestrator):
    attributes = {"camunda:class": "org.acme.File", "camunda:jobPriority": "5"}
    documents = drive.edited("pass_through_tasks", "file_paper", "serviceTask", attributes)

    message = _refusal(orchestrator, documents)

    assert message.startswith("pass_through_tasks.bpmn: licflow cannot run 2 construct(s)")
    assert "camunda:class" in message and "camunda:jobPriority" in message


def test_a_link_throw_without_its_catch_is_refused(orchestrator):
    documents = drive.variant("link_events", 'id="LinkEventDefinition_catch" name="Review"', 'name="Other"')

    message = _refusal(orchestrator, documents)

    assert 'intermediateThrowEvent "to_review" ("To review"): no link catch event named "Review"' in message
