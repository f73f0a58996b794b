"""Read a diagram's listeners onto the task specs that run them, and give take listeners an element.

A listener is kept in the spec's extensions (so it travels with the deployed spec) as a dict:
`kind` (execution or task), `event`, `number` (its place among the element's listeners, as the
Modeler lists them), `owner` (the element as messages name it) and either `expression` or
`language` with `script`. A process's own
execution listeners go to the spec's start task (start) and end task (end).
"""

from __future__ import annotations

from lxml import etree
from SpiffWorkflow.bpmn.parser.ProcessParser import ProcessParser
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask

from engine.dialect.constructs import vocabulary as v
from engine.dialect.constructs.refusals import describe
from engine.dialect.constructs.vocabulary import B, C

LISTENERS = "listeners"  # the key of a task spec's extensions that holds its listeners
KINDS = {"executionListener": "execution", "taskListener": "task"}
TAKE = "__take"  # the suffix of the event that runs a flow's take listeners


def listeners_of(element, default_event: str = "start") -> list[dict]:
    """Return the execution and task listeners an element's extensionElements hold, in order."""
    owner = describe(element)
    if owner.startswith("intermediateThrowEvent") and (element.get("id") or "").endswith(TAKE):
        owner = f'sequenceFlow "{element.get("id").removesuffix(TAKE)}"'
    extensions = element.find(f"{B}extensionElements")
    found: list[dict] = []
    for child in extensions if extensions is not None else ():
        if not isinstance(child.tag, str) or v.split(child.tag)[0] != v.CAMUNDA_NS:
            continue
        kind = KINDS.get(v.local(child.tag))
        if kind is None:
            continue
        event = child.get("event") or (default_event if kind == "execution" else "create")
        listener = {"kind": kind, "event": event, "number": len(found) + 1, "owner": owner}
        script = child.find(f"{C}script")
        if child.get("expression") is not None:
            listener["expression"] = child.get("expression")  # read at deploy by expression_check
        elif script is not None:
            listener["language"] = script.get("scriptFormat")
            listener["script"] = script.text or ""
        found.append(listener)
    return found


def give_takes_an_element(root) -> None:
    """Put a pass-through event on every sequence flow with take listeners; it runs them once per take.

    `a --Flow_1--> b` becomes `a --Flow_1--> Flow_1__take --Flow_1__taken--> b`: the flow keeps its
    id, condition and default role, and the event holds the flow's listeners as its own.
    """
    for flow in list(root.iter(f"{B}sequenceFlow")):
        listeners = [e for e in flow.iterfind(f"{B}extensionElements/{C}executionListener")]
        if not listeners:
            continue
        ident = flow.get("id")
        event = etree.SubElement(flow.getparent(), f"{B}intermediateThrowEvent", id=ident + TAKE)
        if flow.get("name"):
            event.set("name", flow.get("name"))
        holder = etree.SubElement(event, f"{B}extensionElements")
        for listener in listeners:
            listener.set("event", "take")
            holder.append(listener)
        taken = {"id": ident + "__taken", "sourceRef": event.get("id"), "targetRef": flow.get("targetRef")}
        etree.SubElement(flow.getparent(), f"{B}sequenceFlow", taken)
        flow.set("targetRef", event.get("id"))


class ListeningProcessParser(ProcessParser):
    """Parse a process or sub-process and put each element's listeners on the spec that runs it."""

    def _parse(self):
        super()._parse()
        if self.node.tag == f"{B}process":
            start, end = self.spec.start, self.spec.task_specs["End"]
            for listener in listeners_of(self.node):
                target = start if listener["event"] == "start" else end
                _extensions(target).setdefault(LISTENERS, []).append(listener)
        by_id = {e.get("id"): e for e in self.node.iter() if isinstance(e.tag, str) and e.get("id")}
        for spec in self.spec.task_specs.values():
            element = by_id.get(getattr(spec, "bpmn_id", None))
            if element is None or isinstance(spec, LoopTask):
                continue  # a multi-instance's listeners run on each instance, as in Camunda
            found = listeners_of(element)
            if found:
                _extensions(spec)[LISTENERS] = found


def _extensions(spec) -> dict:
    if getattr(spec, "extensions", None) is None:
        spec.extensions = {}
    return spec.extensions
