"""A case never hangs silently: one standing on an element licflow cannot execute gets an incident."""

from __future__ import annotations

from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser

from engine import clock
from engine.runtime.serializer import dump_spec
from store.models import ProcessDefinition
from tests.dialect import drive


def _deployed_before_manual_tasks_ran(orchestrator) -> None:
    """Store a definition as SpiffWorkflow's own parser builds it: its manual task waits for a hand."""
    ((name, content),) = drive.diagram("pass_through_tasks").items()
    parser = CamundaParser()
    parser.add_bpmn_str(content, name)
    spec = parser.get_spec("dialect_pass_through")
    with orchestrator.store.unit_of_work() as session:
        session.add(
            ProcessDefinition(
                key="dialect_pass_through",
                version=1,
                name="old",
                content_hash="0" * 64,
                source={name: content.decode()},
                spec=dump_spec(spec, {}),
                deployed_at=clock.now(),
                deployed_by="analyst",
            )
        )


def test_a_case_on_an_element_licflow_cannot_execute_gets_an_incident_naming_it(orchestrator):
    _deployed_before_manual_tasks_ran(orchestrator)

    case_id = orchestrator.start_case("dialect_pass_through")

    (incident,) = drive.rows(orchestrator, drive.Incident, case_id=case_id)
    assert (incident.kind, incident.element_id) == ("unsupportedElement", "file_paper")
    assert 'ManualTask "file_paper" ("File the paper copy"), which licflow cannot execute' in incident.message
    assert drive.status(orchestrator, case_id) == "running"
