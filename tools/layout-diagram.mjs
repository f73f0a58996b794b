#!/usr/bin/env node
// Draw a BPMN diagram: add BPMN DI (shapes and edges) to a file that has none yet.
//
// Usage: node tools/layout-diagram.mjs IN.bpmn [OUT.bpmn]   (OUT defaults to IN)
//
// For writing a new process as XML; once drawn, analysts move things in Camunda
// Modeler and this tool is not needed again for that file. Several boundary events
// on one activity are spread along its bottom edge so that none overlaps another.

import { readFileSync, writeFileSync } from 'node:fs';
import { layoutProcess } from 'bpmn-auto-layout';
import { BpmnModdle } from 'bpmn-moddle';

const SPACING = 45;

function spreadBoundaryEvents(definitions) {
  const plane = definitions.diagrams[0].plane;
  const shapes = new Map();
  const edges = new Map();
  for (const element of plane.planeElement) {
    (element.$type === 'bpmndi:BPMNShape' ? shapes : edges).set(element.bpmnElement.id, element);
  }
  const byHost = new Map();
  for (const root of definitions.rootElements.filter((e) => e.$type === 'bpmn:Process')) {
    for (const node of root.flowElements.filter((e) => e.$type === 'bpmn:BoundaryEvent')) {
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

const [input, output = input] = process.argv.slice(2);
if (!input) {
  console.error('usage: node tools/layout-diagram.mjs IN.bpmn [OUT.bpmn]');
  process.exit(2);
}
const moddle = new BpmnModdle();
const laidOut = await layoutProcess(readFileSync(input, 'utf8'));
const { rootElement } = await moddle.fromXML(laidOut);
spreadBoundaryEvents(rootElement);
const { xml } = await moddle.toXML(rootElement, { format: true });
writeFileSync(output, xml + '\n');
console.log(`drew ${output}`);
