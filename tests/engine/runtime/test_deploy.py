"""Deploying: versions only on change, running cases keep theirs, Camunda attributes kept."""

from __future__ import annotations

import pytest

from engine.errors import InvalidDiagram
from engine.runtime.definitions import specs_of
from store.models import Case, ProcessDefinition
from tests.conftest import read_diagram
from tests.engine import sample
from tests.engine.sample import start


def _changed(documents: dict[str, bytes]) -> dict[str, bytes]:
    name, content = next(iter(documents.items()))
    return {name: content.replace(b'name="Review"', b'name="Review again"')}


def test_deploying_the_same_content_twice_keeps_one_version(orchestrator):
    first = orchestrator.deploy(read_diagram("core_sample.bpmn"))
    second = orchestrator.deploy(read_diagram("core_sample.bpmn"))

    assert [(d.key, d.version, d.created) for d in first] == [("core_sample", 1, True)]
    assert [(d.version, d.created) for d in second] == [(1, False)]


def test_a_changed_diagram_is_a_new_version_and_running_cases_stay_on_theirs(orchestrator):
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    old_case = start(orchestrator, "V-1")

    (deployed,) = orchestrator.deploy(_changed(read_diagram("core_sample.bpmn")))
    new_case = start(orchestrator, "V-2")
    sample.pass_check(orchestrator)

    assert deployed.version == 2
    versions = {c.id: c.definition_id for c in sample.rows(orchestrator, Case)}
    definitions = {d.id: d.version for d in sample.rows(orchestrator, ProcessDefinition)}
    assert definitions[versions[old_case]] == 1 and definitions[versions[new_case]] == 2
    assert sample.open_review(orchestrator, old_case).name == "Review"
    assert sample.open_review(orchestrator, new_case).name == "Review again"


def test_the_parsed_spec_is_stored_once_and_keeps_camunda_attributes(orchestrator):
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    (definition,) = sample.rows(orchestrator, ProcessDefinition)

    spec, _ = specs_of(definition)

    assert spec.task_specs["check"].extensions["camunda"] == {"type": "external", "topic": "sample.check"}
    review = spec.task_specs["review"]
    assert review.extensions["camunda"]["candidateGroups"] == "officers"
    assert review.extensions["camunda"]["dueDate"] == "${due}"
    assert [f.id for f in review.form.fields] == ["approved", "comment", "grounds"]
    assert review.form.key == "review"


def test_a_case_state_does_not_repeat_the_spec(orchestrator):
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    case_id = start(orchestrator, "V-3")

    state = sample.case(orchestrator, case_id).state

    assert '"spec"' not in state and "task_specs" not in state


def test_a_service_task_without_an_external_topic_is_refused(orchestrator):
    ((name, content),) = read_diagram("core_sample.bpmn").items()
    broken = content.replace(b'camunda:topic="sample.check"', b"")

    with pytest.raises(InvalidDiagram, match="camunda:topic"):
        orchestrator.deploy({name: broken})


def test_a_document_without_a_process_is_refused(orchestrator):
    empty = b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"/>'

    with pytest.raises(InvalidDiagram, match="no executable process"):
        orchestrator.deploy({"empty.bpmn": empty})
