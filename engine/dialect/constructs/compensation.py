"""Compensation as Camunda 7 runs it: when compensation is thrown, completed activities are undone.

A compensation boundary event marks an activity as compensable; the activity its association
points to (`isForCompensation="true"`) is the handler. When a compensation intermediate throw
or end event is reached, every activity of its (sub-)process that completed, and was not
compensated before, has its handler started: the most recently completed first, all of them
side by side (Camunda spawns one execution per handler), once per completion. With
`activityRef` only that activity is compensated. The throw event waits for every handler and
then passes (Camunda 7 reads `waitForCompletion="false"` as true, with a warning).

SpiffWorkflow has no compensation, so the diagram is rewritten before it is parsed:
- the compensation boundary events are dropped (they never wait: they only link the handler);
- the flows into a throw event `T` go to a `compensate` split `T__compensate`, which has a flow
  to each handler it may start and one to the scope's `compensated` join `<scope>__compensated`;
- each handler flows into that join, and the join flows to every throw event of the scope,
  which stays as a none event: the join continues at the one its split started from.
The split and the join are licflow elements with no BPMN id: they do not show in the history.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree
from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.specs.bpmn_task_spec import BpmnTaskSpec
from SpiffWorkflow.util.task import TaskState

from engine.dialect.constructs import vocabulary as v
from engine.dialect.constructs.gateways import with_changes_of
from engine.dialect.constructs.vocabulary import B

LICFLOW_NS = "urn:licflow:constructs"
L = "{" + LICFLOW_NS + "}"
COMPENSATE = f"{B}compensateEventDefinition"
THROWS = (f"{B}intermediateThrowEvent", f"{B}endEvent")
ACTIVITIES = tuple(f"{B}{kind}" for kind in v.FLOW_NODES if not kind.endswith(("Event", "Gateway")))
EXTENSION = "compensation"


# --- the rewrite ------------------------------------------------------------------------------


def rewrite(root) -> None:
    """Rewrite the compensation of every scope of the BPMN document `root` into splits and joins."""
    handlers = handler_links(root)
    for scope in list(root.iter(f"{B}process", f"{B}subProcess")):
        _rewrite_scope(scope, handlers)


def handler_links(root) -> dict[str, str]:
    """Return {compensation boundary event id: handler id}, from the associations of the document."""
    boundaries = {e.get("id") for e in root.iter(f"{B}boundaryEvent") if e.find(COMPENSATE) is not None}
    links = {}
    for association in root.iter(f"{B}association"):
        source, target = association.get("sourceRef"), association.get("targetRef")
        if source in boundaries:
            links[source] = target
        elif target in boundaries:  # drawn from the handler to the event
            links[target] = source
    return links


def compensable(scope, handlers: dict[str, str]) -> dict[str, str]:
    """Return {activity id: handler id} for the activities of `scope` with a compensation boundary event."""
    return {
        event.get("attachedToRef"): handlers[event.get("id")]
        for event in scope.findall(f"{B}boundaryEvent")
        if event.find(COMPENSATE) is not None and event.get("id") in handlers
    }


def throws(scope) -> list:
    """Return the compensation throw and end events directly in `scope`."""
    return [e for e in scope if e.tag in THROWS and e.find(COMPENSATE) is not None]


def _rewrite_scope(scope, handlers: dict[str, str]) -> None:
    pairs = compensable(scope, handlers)
    for event in scope.findall(f"{B}boundaryEvent"):
        if event.find(COMPENSATE) is not None:
            scope.remove(event)
    events = throws(scope)
    if not events:
        return
    join = f"{scope.get('id')}__compensated"
    etree.SubElement(scope, f"{L}compensated", id=join)
    for handler in dict.fromkeys(pairs.values()):
        _flow(scope, f"{handler}__compensated", handler, join)
    for event in events:
        definition = event.find(COMPENSATE)
        reference = definition.get("activityRef")
        chosen = {reference: pairs[reference]} if reference else pairs
        split = f"{event.get('id')}__compensate"
        compensates = " ".join(f"{activity}:{handler}" for activity, handler in chosen.items())
        attributes = {"throw": event.get("id"), "join": join, "compensates": compensates}
        etree.SubElement(scope, f"{L}compensate", id=split, **attributes)
        for flow in scope.findall(f"{B}sequenceFlow"):
            if flow.get("targetRef") == event.get("id"):
                flow.set("targetRef", split)
        for handler in dict.fromkeys(chosen.values()):
            _flow(scope, f"{split}__{handler}", split, handler)
        _flow(scope, f"{split}__none", split, join)
        _flow(scope, f"{join}__{event.get('id')}", join, event.get("id"))
        event.remove(definition)


def _flow(scope, ident: str, source: str, target: str) -> None:
    etree.SubElement(scope, f"{B}sequenceFlow", id=ident, sourceRef=source, targetRef=target)


# --- what licflow refuses -----------------------------------------------------------------------


def problems(element) -> Iterator[tuple[object, str, str]]:
    """Yield (element, problem, remedy) for the compensation constructs of `element` licflow cannot run."""
    if element.tag == f"{B}boundaryEvent" and element.find(COMPENSATE) is not None:
        yield from _boundary_problems(element)
    elif element.tag in THROWS and element.find(COMPENSATE) is not None:
        yield from _throw_problems(element)
    elif element.tag in ACTIVITIES and element.get("isForCompensation") == "true":
        if _flows_of(element):
            yield (
                element,
                "a compensation handler has sequence flows",
                "only an association from the boundary",
            )
        elif element.get("id") not in handler_links(element.getroottree().getroot()).values():
            yield (
                element,
                "no compensation boundary event is associated with this handler",
                "draw an association from the compensation boundary event of the activity it undoes",
            )


def _boundary_problems(event) -> Iterator[tuple[object, str, str]]:
    root, scope = event.getroottree().getroot(), event.getparent()
    handler_id = handler_links(root).get(event.get("id"))
    handler = _child(scope, handler_id)
    activity = _child(scope, event.get("attachedToRef"))
    if handler is None or handler.get("isForCompensation") != "true":
        yield (
            event,
            "a compensation boundary event needs its handler beside the activity",
            'an association to an activity marked isForCompensation="true" in the same scope',
        )
    if activity is not None and activity.find(f"{B}multiInstanceLoopCharacteristics") is not None:
        yield event, "compensating a multi-instance activity is not supported", "compensate its body's steps"
    if _flows_of(event, incoming=False):
        yield (
            event,
            "a compensation boundary event has no outgoing flow",
            "link its handler by an association",
        )
    siblings = [e for e in scope.findall(f"{B}boundaryEvent") if e.find(COMPENSATE) is not None]
    if any(e.get("attachedToRef") == event.get("attachedToRef") for e in siblings if e is not event):
        yield event, "an activity has two compensation boundary events", "one handler per activity"
    if not throws(scope) and any(
        throws(outer) for outer in scope.iterancestors(f"{B}subProcess", f"{B}process")
    ):
        yield (
            event,
            "compensation thrown outside the sub-process does not reach the activities inside it in licflow",
            "a compensation throw or end event inside the same sub-process",
        )


def _throw_problems(event) -> Iterator[tuple[object, str, str]]:
    scope = event.getparent()
    if scope.get("triggeredByEvent") == "true":
        yield (
            event,
            "a compensation throw event in an event sub-process is not supported",
            "throw compensation in the flow of the scope it compensates, e.g. after an error boundary event",
        )
    reference = event.find(COMPENSATE).get("activityRef")
    handlers = handler_links(event.getroottree().getroot())
    if reference and reference not in compensable(scope, handlers):
        yield (
            event,
            f'activityRef "{reference}" names no activity with a compensation boundary event in this scope',
            "name an activity of the same (sub-)process that has a compensation boundary event",
        )


def _child(scope, ident):
    return next((c for c in scope if c.get("id") == ident), None) if ident else None


def _flows_of(element, incoming: bool = True) -> list:
    scope, ident = element.getparent(), element.get("id")
    ends = ("sourceRef", "targetRef") if incoming else ("sourceRef",)
    return [f for f in scope.findall(f"{B}sequenceFlow") if any(f.get(end) == ident for end in ends)]


# --- the task specs -------------------------------------------------------------------------------


class CompensationSplit(BpmnTaskSpec):
    """Start the handlers of the completed, not yet compensated activities, the latest completed first.

    Its extension names the throw event (`throw`) and {activity: handler} it compensates.
    """

    def _predict_hook(self, my_task):
        my_task._sync_children(self.outputs, TaskState.MAYBE)

    def _run_hook(self, my_task):
        config = self.extensions[EXTENSION]
        done = [
            t
            for t in self._completed(my_task, config["compensates"])
            if str(t.id) not in _compensated(my_task)
        ]
        done.sort(key=lambda t: (t.last_state_change, t.depth), reverse=True)
        my_task.internal_data["compensated"] = [str(t.id) for t in done]
        my_task._sync_children([], TaskState.FUTURE)
        outputs = {spec.name.removesuffix(".BoundaryEventSplit"): spec for spec in self.outputs}
        for task in done:
            my_task._add_child(outputs[config["compensates"][task.task_spec.name]], TaskState.FUTURE)
        if not done:
            my_task._add_child(outputs[config["join"]], TaskState.FUTURE)
        for child in my_task.children:
            child.task_spec._predict(child, mask=TaskState.FUTURE | TaskState.PREDICTED_MASK)
        return True

    @staticmethod
    def _completed(my_task, compensates: dict[str, str]) -> list:
        return [
            t
            for t in my_task.workflow.tasks.values()
            if t.task_spec.name in compensates and t.has_state(TaskState.COMPLETED)
        ]


def _compensated(my_task) -> set[str]:
    """Return the ids of the tasks an earlier compensation of the same scope already undid."""
    return {
        ident
        for t in my_task.workflow.tasks.values()
        if isinstance(t.task_spec, CompensationSplit) and t is not my_task
        for ident in t.internal_data.get("compensated", ())
    }


class CompensationJoin(BpmnTaskSpec):
    """Wait until every handler its split started has finished, then continue at the split's throw event."""

    def _predict_hook(self, my_task):
        my_task._sync_children(self.outputs, TaskState.MAYBE)

    def _update_hook(self, my_task):
        split = _split_of(my_task)
        if any(self._running(branch) for branch in split.children):
            my_task._set_state(TaskState.WAITING)
            return False
        joins = [
            t for t in split.workflow.tasks.values() if t.task_spec == self and t.is_descendant_of(split)
        ]
        arrived = sorted(
            (t for t in joins if t.has_state(TaskState.WAITING)), key=lambda t: t.last_state_change
        )
        my_task.data = _merged(split, [t.parent for t in arrived if t is not my_task] + [my_task.parent])
        for other in arrived:
            if other is not my_task:
                other.cancel()
        return True

    def _running(self, task) -> bool:
        if task.task_spec == self:
            return False
        if task.has_state(TaskState.DEFINITE_MASK):
            return True
        return any(self._running(child) for child in task.children)

    def _run_hook(self, my_task):
        throw = _split_of(my_task).task_spec.extensions[EXTENSION]["throw"]
        (output,) = [spec for spec in self.outputs if spec.name == throw]
        my_task._sync_children([output], TaskState.FUTURE)
        for child in my_task.children:
            child.task_spec._predict(child, mask=TaskState.FUTURE | TaskState.PREDICTED_MASK)
        return True


def _split_of(my_task):
    current = my_task.parent
    while not isinstance(current.task_spec, CompensationSplit):
        current = current.parent
    return current


def _merged(split, branches: list) -> dict:
    """The variables at the split with each handler's changes applied, in the order the handlers ended."""
    return with_changes_of(split.data, branches)


class CompensationParser(TaskParser):
    """Parse licflow's compensation split and join, which the rewrite adds to the diagram."""

    def create_task(self):
        return self.spec_class(self.spec, self.bpmn_id)

    def parse_extensions(self, node=None):
        node = self.node if node is None else node
        pairs = (pair.split(":", 1) for pair in (node.get("compensates") or "").split())
        return {EXTENSION: {"throw": node.get("throw"), "join": node.get("join"), "compensates": dict(pairs)}}

    def handles_multiple_outgoing(self):
        return True


PARSER_CLASSES = {
    f"{L}compensate": (CompensationParser, CompensationSplit),
    f"{L}compensated": (CompensationParser, CompensationJoin),
}
CONVERTERS = {CompensationSplit: BpmnTaskSpecConverter, CompensationJoin: BpmnTaskSpecConverter}
