"""Asynchronous continuations: `camunda:asyncBefore` / `asyncAfter` (and the older `camunda:async`).

As in Camunda 7, an async boundary is where a command commits: the command that reaches it
stops there, and a job continues the case in a transaction of its own. The parsed spec
gets an `AsyncContinuation` step at each boundary (the deployed source stays as drawn):

- async before an element with incoming flows: one step on each incoming flow (a join
  gets one job per arriving path, as in Camunda);
- async before a start or boundary event, or an event after an event-based gateway: one
  step after the event, carrying its outgoing flows (the event itself only waits);
- async after a gateway: one step on each outgoing flow (a job per path taken);
- async after any other element: one step after it, carrying its outgoing flows, whose
  conditions are read when the job runs.

An `AsyncContinuation` is ready but held: the engine's steps pass it by, the case stands
there, and `engine.runtime.jobs` runs it as a job (a due-now row of the timer service).
`camunda:exclusive` needs nothing: licflow's jobs of one case never run at the same time,
because each takes the case's revision.
"""

from __future__ import annotations

from lxml import etree
from SpiffWorkflow.util.task import TaskState

from engine import clock
from engine.dialect.constructs import vocabulary as v
from engine.dialect.constructs.specs import PassThroughTask
from engine.dialect.constructs.vocabulary import B, C

LICFLOW_NS = "urn:licflow:async"
MARK = "{" + LICFLOW_NS + "}continues"
BOUNDARY = "{" + LICFLOW_NS + "}boundary"
GATEWAYS = ("exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway")
WAITS_ONLY = ("startEvent", "boundaryEvent")


class AsyncContinuation(PassThroughTask):
    """A held step at an async boundary: ready, never run by the engine's steps, run by its job."""

    def __init__(self, wf_spec, bpmn_id, **kwargs):
        kwargs["manual"] = True
        super().__init__(wf_spec, bpmn_id, **kwargs)

    @property
    def continues(self) -> str:
        """The element of the diagram whose async boundary this is."""
        return self.extensions.get("async", {}).get("element", self.bpmn_id)

    @property
    def boundary(self) -> str:
        """`before` or `after` the element."""
        return self.extensions.get("async", {}).get("boundary", "before")

    def _on_ready_hook(self, my_task):
        my_task.internal_data.setdefault("held_at", clock.now().isoformat())
        super()._on_ready_hook(my_task)


def is_held(task) -> bool:
    """Tell whether an engine task is an async continuation waiting for its job."""
    return isinstance(task.task_spec, AsyncContinuation) and task.has_state(TaskState.READY)


class AsyncContinuationParser:
    """Parse the steps `insert_continuations` drew as `AsyncContinuation`s (a mixin of the task parser)."""

    def create_task(self):
        if self.node.get(MARK) is not None:
            self.spec_class = AsyncContinuation
        return super().create_task()

    def parse_extensions(self, node=None):
        extensions = super().parse_extensions(node)
        element = node if node is not None else self.node
        if element.get(MARK) is not None:
            extensions["async"] = {"element": element.get(MARK), "boundary": element.get(BOUNDARY)}
        return extensions


def async_before(element) -> bool:
    """Tell whether a diagram element asks for an async boundary before it."""
    return "true" in (element.get(f"{C}asyncBefore"), element.get(f"{C}async"))


def async_after(element) -> bool:
    """Tell whether a diagram element asks for an async boundary after it."""
    return element.get(f"{C}asyncAfter") == "true"


def insert_continuations(root) -> None:
    """Draw an `AsyncContinuation` step at every async boundary of the document (in place)."""
    for scope in list(root.iter(f"{B}process", f"{B}subProcess")):
        for element in [c for c in scope if isinstance(c.tag, str) and v.local(c.tag) in v.FLOW_NODES]:
            if async_before(element):
                _before(scope, element)
            if async_after(element):
                _after(scope, element, per_flow=v.local(element.tag) in GATEWAYS)


def _flows(scope, **where) -> list:
    ((key, value),) = where.items()
    return [f for f in scope.findall(f"{B}sequenceFlow") if f.get(key) == value]


def _before(scope, element) -> None:
    ident = element.get("id")
    incoming = _flows(scope, targetRef=ident)
    after_gateway = any(_kind(scope, f.get("sourceRef")) == "eventBasedGateway" for f in incoming)
    if v.local(element.tag) in WAITS_ONLY or not incoming or after_gateway:
        _after(scope, element, per_flow=False, boundary="before")
        return
    for number, flow in enumerate(incoming, start=1):
        step = _step(scope, f"{ident}__async_before_{number}", ident, "before")
        _flow(scope, f"{step.get('id')}__on", step.get("id"), ident)
        flow.set("targetRef", step.get("id"))


def _after(scope, element, per_flow: bool, boundary: str = "after") -> None:
    ident = element.get("id")
    outgoing = _flows(scope, sourceRef=ident)
    if not outgoing:
        return  # refusals allow no async after an element nothing follows
    if per_flow:
        for number, flow in enumerate(outgoing, start=1):
            step = _step(scope, f"{ident}__async_{boundary}_{number}", ident, boundary)
            _flow(scope, f"{step.get('id')}__on", step.get("id"), flow.get("targetRef"))
            flow.set("targetRef", step.get("id"))
        return
    step = _step(scope, f"{ident}__async_{boundary}", ident, boundary)
    for flow in outgoing:
        flow.set("sourceRef", step.get("id"))
    default = element.get("default")
    if default:  # a task's default flow now leaves from the step
        step.set("default", default)
        del element.attrib["default"]
    _flow(scope, f"{step.get('id')}__in", ident, step.get("id"))


def _kind(scope, ident: str | None) -> str | None:
    found = [c for c in scope if isinstance(c.tag, str) and c.get("id") == ident]
    return v.local(found[0].tag) if found else None


def _step(scope, ident: str, element_id: str, boundary: str):
    step = etree.SubElement(scope, f"{B}task", id=ident)
    step.set(MARK, element_id)
    step.set(BOUNDARY, boundary)
    return step


def _flow(scope, ident: str, source: str, target: str) -> None:
    etree.SubElement(scope, f"{B}sequenceFlow", id=ident, sourceRef=source, targetRef=target)
