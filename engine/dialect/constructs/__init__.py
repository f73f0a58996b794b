"""The Camunda 7 constructs: what licflow runs of the Modeler's palette, what it refuses, and how.

`vocabulary` lists the BPMN elements and camunda extensions licflow knows and where each
may stand; `refusals` turns everything else into a deploy error that names the element
and the way to do it in licflow; `rewrite` reshapes the XML into constructs SpiffWorkflow
runs the way Camunda does (flows without ids, links, event sub-processes, performers).
The task specs and parser pieces live beside them: `specs` (pass-through tasks, boundary
events, broadcast signals), `timers` (timer start events), `gateways` (joins that merge
each branch's changes), `multi_instance`, `calls` (call activities bound at run time),
`compensation` (boundary event and handler, throw and end events: rewrite, specs, refusals),
`mappings` (input/output parameters, `camunda:in`/`out`) and `scope` (one variable scope
per process instance over SpiffWorkflow's per-task copies).
docs/dialect.md is the table of all of it.
"""
