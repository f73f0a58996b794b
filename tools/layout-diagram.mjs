#!/usr/bin/env node
// Draw a BPMN diagram: add BPMN DI (shapes and edges) to a file that has none yet.
//
// Usage: node tools/layout-diagram.mjs IN.bpmn [OUT.bpmn]   (OUT defaults to IN)
//
// For writing a new process as XML; once drawn, analysts move things in Camunda
// Modeler and this tool is not needed again for that file. Several boundary events
// on one activity are spread along its bottom edge so that none overlaps another.
// Sub-processes are drawn collapsed, their content on a plane of their own, as
// Camunda Modeler draws a collapsed sub-process (drill down to open it).

import { readFileSync, writeFileSync } from 'node:fs';
import { layoutProcess } from 'bpmn-auto-layout';
import { BpmnModdle } from 'bpmn-moddle';

const SPACING = 45;

function containers(definitions) {
  const found = [];
  const visit = (element) => {
    found.push(element);
    for (const child of element.flowElements || []) {
      if (child.$type === 'bpmn:SubProcess') visit(child);
    }
  };
  definitions.rootElements.filter((e) => e.$type === 'bpmn:Process').forEach(visit);
  return found;
}

function spreadBoundaryEvents(definitions) {
  const shapes = new Map();
  const edges = new Map();
  for (const diagram of definitions.diagrams) {
    for (const element of diagram.plane.planeElement) {
      (element.$type === 'bpmndi:BPMNShape' ? shapes : edges).set(element.bpmnElement.id, element);
    }
  }
  const byHost = new Map();
  for (const root of containers(definitions)) {
    for (const node of (root.flowElements || []).filter((e) => e.$type === 'bpmn:BoundaryEvent')) {
      const list = byHost.get(node.attachedToRef.id) || [];
      list.push(node);
      byHost.set(node.attachedToRef.id, list);
    }
  }
  for (const [hostId, events] of byHost) {
    const host = shapes.get(hostId).bounds;
    events.forEach((event, index) => {
      const bounds = shapes.get(event.id).bounds;
      const shift = host.x + 10 + index * SPACING - bounds.x;
      bounds.x += shift;
      for (const flow of event.outgoing || []) {
        const points = edges.get(flow.id).waypoint;
        // the edge leaves the event downwards, then turns towards its target
        points[0].x += shift;
        if (points.length > 2) points[1].x += shift;
      }
    });
  }
}

function collapseSubProcesses(moddle, definitions) {
  const plane = definitions.diagrams[0].plane;
  for (const sub of containers(definitions).filter((c) => c.$type === 'bpmn:SubProcess')) {
    const inside = new Set((sub.flowElements || []).map((e) => e.id));
    const moved = plane.planeElement.filter((di) => inside.has(di.bpmnElement.id));
    if (moved.length === 0) continue;
    plane.planeElement = plane.planeElement.filter((di) => !inside.has(di.bpmnElement.id));
    const own = moddle.create('bpmndi:BPMNPlane', { id: `BPMNPlane_${sub.id}`, bpmnElement: sub });
    own.planeElement = moved;
    const diagram = moddle.create('bpmndi:BPMNDiagram', { id: `BPMNDiagram_${sub.id}`, plane: own });
    definitions.diagrams.push(diagram);
    diagram.$parent = definitions;
    const shape = plane.planeElement.find((di) => di.bpmnElement.id === sub.id);
    if (shape) shape.isExpanded = false;
  }
}

const [input, output = input] = process.argv.slice(2);
if (!input) {
  console.error('usage: node tools/layout-diagram.mjs IN.bpmn [OUT.bpmn]');
  process.exit(2);
}
const moddle = new BpmnModdle();
const laidOut = await layoutProcess(readFileSync(input, 'utf8'));
const { rootElement } = await moddle.fromXML(laidOut);
collapseSubProcesses(moddle, rootElement);
spreadBoundaryEvents(rootElement);
const { xml } = await moddle.toXML(rootElement, { format: true });
writeFileSync(output, xml + '\n');
console.log(`drew ${output}`);
