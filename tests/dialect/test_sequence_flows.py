"""Sequence flows: the `id` attribute is optional in BPMN 2.0, and a flow without one runs."""

from __future__ import annotations

from lxml import etree

from tests.dialect import drive

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
BPMNDI = "{http://www.omg.org/spec/BPMN/20100524/DI}"


def _without_flow_ids(documents: dict[str, bytes]) -> dict[str, bytes]:
    """Drop the flows' ids, and what refers to them (incoming/outgoing, edges), as generators write it."""
    ((name, content),) = documents.items()
    root = etree.fromstring(content)
    flow_ids = set()
    for flow in root.iter(f"{BPMN}sequenceFlow"):
        flow_ids.add(flow.attrib.pop("id"))
    for reference in [*root.iter(f"{BPMN}incoming"), *root.iter(f"{BPMN}outgoing")]:
        reference.getparent().remove(reference)
    for edge in list(root.iter(f"{BPMNDI}BPMNEdge")):
        if edge.get("bpmnElement") in flow_ids:
            edge.getparent().remove(edge)
    return {name: etree.tostring(root)}


def test_a_case_follows_sequence_flows_that_have_no_id(orchestrator):
    documents = _without_flow_ids(drive.diagram("flows_without_ids"))
    assert b"Flow_start_check" not in next(iter(documents.values()))
    orchestrator.deploy(documents)
    case_id = orchestrator.start_case("dialect_flows")

    assert drive.work(orchestrator, "dialect.check") == 1
    drive.complete(orchestrator, case_id, "answer")

    assert drive.status(orchestrator, case_id) == "completed"
    assert drive.completed_elements(orchestrator, case_id) == ["start", "check", "answer", "end"]
