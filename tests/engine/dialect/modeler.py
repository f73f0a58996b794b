"""Write small diagrams the way Camunda Modeler 5 saves them: Camunda 7 namespaces and DI included.

A diagram is a chain of steps from a start event to an end event, optionally split by an
exclusive gateway into named branches that each end in their own end event. Each step is the
XML of one flow node, written as an analyst would type it in the Modeler's properties panel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
    'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
    'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:modeler="http://camunda.org/schema/modeler/1.0" '
    'id="Definitions_{key}" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" '
    'exporterVersion="5.28.0" modeler:executionPlatform="Camunda Platform" '
    'modeler:executionPlatformVersion="7.20.0">\n'
)
SIZES = {"startEvent": (36, 36), "endEvent": (36, 36), "exclusiveGateway": (50, 50)}


@dataclass
class Node:
    """One flow node: its id, its tag and what is inside it (besides incoming and outgoing)."""

    id: str
    tag: str
    attributes: str = ""
    body: str = ""
    incoming: list[str] = field(default_factory=list)
    outgoing: list[str] = field(default_factory=list)
    x: int = 0
    y: int = 100


def step(tag: str, id: str, attributes: str = "", body: str = "") -> Node:
    """Return one flow node written as the Modeler writes it."""
    return Node(id, tag, attributes, body)


def timer(kind: str, text: str) -> str:
    """Return a timer event definition with its timeDate, timeDuration or timeCycle."""
    return (
        f'<bpmn:timerEventDefinition id="TimerEventDefinition_{abs(hash(text)) % 10**6}">'
        f'<bpmn:{kind} xsi:type="bpmn:tFormalExpression">{escape(text)}</bpmn:{kind}>'
        "</bpmn:timerEventDefinition>"
    )


def diagram(key: str, steps: list[Node], branches: dict[str, str] | None = None) -> bytes:
    """Return a diagram: start, the steps in a chain, then an end, or a gateway with conditioned branches."""
    nodes = [step("startEvent", "StartEvent_1"), *steps]
    flows: list[tuple[str, str, str, str | None]] = []
    if branches:
        nodes.append(step("exclusiveGateway", "Gateway_decide"))
    else:
        nodes.append(step("endEvent", "EndEvent_done"))
    for before, after in zip(nodes, nodes[1:], strict=False):
        flows.append((f"Flow_{before.id}_{after.id}", before.id, after.id, None))
    gateway = nodes[-1]
    for index, (end_id, condition) in enumerate((branches or {}).items()):
        end = step("endEvent", end_id)
        end.y = 100 + 120 * index
        nodes.append(end)
        flows.append((f"Flow_to_{end_id}", gateway.id, end_id, condition))
    _lay_out(nodes, len(steps) + 2)
    for flow_id, source, target, _ in flows:
        _node(nodes, source).outgoing.append(flow_id)
        _node(nodes, target).incoming.append(flow_id)
    return (HEADER.format(key=key) + _process(key, nodes, flows) + _shapes(key, nodes, flows)).encode()


def _lay_out(nodes: list[Node], chain: int) -> None:
    for index, node in enumerate(nodes):
        node.x = 150 + 160 * min(index, chain)


def _node(nodes: list[Node], node_id: str) -> Node:
    return next(node for node in nodes if node.id == node_id)


def _process(key: str, nodes: list[Node], flows) -> str:
    parts = [f'  <bpmn:process id="{key}" isExecutable="true" camunda:historyTimeToLive="180">']
    for node in nodes:
        links = "".join(f"<bpmn:incoming>{f}</bpmn:incoming>" for f in node.incoming)
        links += "".join(f"<bpmn:outgoing>{f}</bpmn:outgoing>" for f in node.outgoing)
        space = " " if node.attributes else ""
        opening = f'<bpmn:{node.tag} id="{node.id}"{space}{node.attributes}>'
        parts.append(f"    {opening}{links}{node.body}</bpmn:{node.tag}>")
    for flow_id, source, target, condition in flows:
        if condition is None:
            parts.append(
                f'    <bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}" />'
            )
        else:
            parts.append(
                f'    <bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">'
                f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{escape(condition)}'
                "</bpmn:conditionExpression></bpmn:sequenceFlow>"
            )
    parts.append("  </bpmn:process>")
    return "\n".join(parts) + "\n"


def _shapes(key: str, nodes: list[Node], flows) -> str:
    parts = [
        f'  <bpmndi:BPMNDiagram id="BPMNDiagram_1"><bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="{key}">'
    ]
    for node in nodes:
        width, height = SIZES.get(node.tag, (100, 80))
        parts.append(
            f'    <bpmndi:BPMNShape id="{node.id}_di" bpmnElement="{node.id}">'
            f'<dc:Bounds x="{node.x}" y="{node.y - height // 2}" width="{width}" height="{height}" />'
            "</bpmndi:BPMNShape>"
        )
    for flow_id, source, target, _ in flows:
        start, end = _node(nodes, source), _node(nodes, target)
        parts.append(
            f'    <bpmndi:BPMNEdge id="{flow_id}_di" bpmnElement="{flow_id}">'
            f'<di:waypoint x="{start.x + 50}" y="{start.y}" /><di:waypoint x="{end.x}" y="{end.y}" />'
            "</bpmndi:BPMNEdge>"
        )
    parts.append("  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>\n</bpmn:definitions>\n")
    return "\n".join(parts)
