"""Refuse at deploy what licflow cannot run as Camunda 7 runs it, naming the element and the way to do it.

Every element and `camunda:*` attribute of a diagram is looked at before SpiffWorkflow
parses it. What licflow executes passes; what it would ignore, run differently or hang
on is refused, each with the element's kind, id and name, what is wrong, and what to do
instead. `docs/dialect.md` lists every construct of the Camunda 7 palette and its fate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from engine.dialect.constructs import compensation, listener_rules, mappings
from engine.dialect.constructs import vocabulary as v
from engine.dialect.constructs.conditions import EVENTS as CONDITION_EVENTS
from engine.dialect.constructs.conditions import variable_events
from engine.dialect.constructs.rewrite import performer_text
from engine.errors import InvalidDiagram

EXTERNAL = 'an external task: camunda:type="external" camunda:topic="..." served by a worker'


@dataclass(frozen=True)
class Refusal:
    """One construct of a diagram that licflow will not deploy."""

    element: str  # e.g. 'serviceTask "charge" ("Charge the card")'
    problem: str
    remedy: str

    def __str__(self) -> str:
        return f"{self.element}: {self.problem}; in licflow: {self.remedy}"


def owner(element):
    """Return the nearest BPMN element with an id that holds `element` (itself, if it has one)."""
    current = element
    while current is not None:
        namespace, name = v.split(current.tag)
        if namespace == v.BPMN_NS and name != "extensionElements" and current.get("id"):
            return current
        current = current.getparent()
    return element


def describe(element) -> str:
    """Name an element as a person finds it in the Modeler: kind, id and name."""
    element = owner(element) if v.split(element.tag)[0] != v.BPMN_NS else element
    kind = v.local(element.tag)
    ident = element.get("id")
    text = f'{kind} "{ident}"' if ident else kind
    holder = owner(element)
    if ident is None and holder is not element:
        text += f' in {v.local(holder.tag)} "{holder.get("id")}"'
    name = element.get("name")
    return f'{text} ("{name}")' if name else text


def check(root, filename: str) -> None:
    """Raise InvalidDiagram listing every construct of the document licflow cannot run."""
    found = refusals(root)
    if found:
        lines = "\n".join(f"- {refusal}" for refusal in found)
        count = len(found)
        raise InvalidDiagram(f"{filename}: licflow cannot run {count} construct(s) of this diagram:\n{lines}")


def refusals(root) -> list[Refusal]:
    """Return the refusals of a BPMN document, in document order, without repeats."""
    seen: dict[str, Refusal] = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        for rule in RULES:
            for refusal in rule(element):
                seen.setdefault(str(refusal), refusal)
    return list(seen.values())


Rule = Callable[..., Iterator[Refusal]]


def _unknown_elements(element) -> Iterator[Refusal]:
    namespace, name = v.split(element.tag)
    if namespace == v.BPMN_NS and name not in v.BPMN_ELEMENTS:
        remedy = v.UNSUPPORTED_BPMN.get(name, "leave it out; docs/dialect.md lists what runs")
        yield Refusal(describe(element), f"bpmn:{name} is not supported", remedy)
    elif namespace == v.CAMUNDA_NS and name not in v.CAMUNDA_ELEMENTS:
        parent_namespace, parent_name = v.split(element.getparent().tag)
        if parent_namespace == v.CAMUNDA_NS and parent_name not in v.CAMUNDA_ELEMENTS:
            return  # reported with the unsupported extension that holds it
        remedy = v.UNSUPPORTED_CAMUNDA.get(name, "leave it out; docs/dialect.md lists what runs")
        yield Refusal(describe(owner(element)), f"camunda:{name} is not supported", remedy)


def _camunda_attributes(element) -> Iterator[Refusal]:
    kind = v.local(element.tag)
    for key, value in element.attrib.items():
        namespace, name = v.split(key)
        if namespace != v.CAMUNDA_NS:
            continue
        allowed = v.CAMUNDA_ATTRIBUTES.get(name)
        if allowed is not None and (kind in allowed or "*" in allowed):
            continue
        if name in v.SERVICE_IMPLEMENTATIONS:
            continue  # _service_implementation names these with their remedy
        remedy = v.UNSUPPORTED_CAMUNDA.get(name, "leave it out; docs/dialect.md lists what runs")
        problem = f'camunda:{name}="{value}" on a {kind} is not supported'
        holder = element.getparent() if kind.endswith("EventDefinition") else owner(element)
        yield Refusal(describe(holder), problem, remedy)


def _service_implementation(element) -> Iterator[Refusal]:
    kind = v.local(element.tag)
    if v.split(element.tag)[0] != v.BPMN_NS:
        return
    attributes = {v.local(k): val for k, val in element.attrib.items() if v.split(k)[0] == v.CAMUNDA_NS}
    connector = element.find(f"{v.B}extensionElements/{v.C}connector")
    if kind in ("serviceTask", "sendTask"):
        yield from _external_task_rules(element, attributes, connector is not None)
    elif kind == "businessRuleTask":  # decisionRef and its attributes: engine/dialect/decisions
        for name in ("class", "delegateExpression", "expression", "type", "topic"):
            if name in attributes:
                yield Refusal(
                    describe(element),
                    f"a business rule task implemented by camunda:{name} is not supported",
                    f"a decision table (camunda:decisionRef) or {EXTERNAL} on a service task",
                )
    elif kind == "messageEventDefinition":
        for name in ("class", "delegateExpression", "expression", "type", "topic", "resultVariable"):
            if name in attributes:
                yield Refusal(
                    describe(element.getparent()),
                    f"a message event implemented by camunda:{name} is not supported",
                    f"a send task as {EXTERNAL}; a message throw event without implementation does nothing",
                )


def _external_task_rules(element, attributes: dict, has_connector: bool) -> Iterator[Refusal]:
    what = {
        "class": "a Java class (camunda:class) cannot run in licflow",
        "delegateExpression": "a delegate expression (camunda:delegateExpression) calls Java beans",
        "expression": "an expression service task (camunda:expression) calls Java beans",
    }
    for name, problem in what.items():
        if name in attributes:
            yield Refusal(describe(element), problem, EXTERNAL)
    if has_connector:
        yield Refusal(describe(element), "a connector (camunda:connector) cannot run in licflow", EXTERNAL)
    if "resultVariable" in attributes:
        yield Refusal(
            describe(element),
            "camunda:resultVariable has no meaning for an external task",
            "the worker completes the task with the variables it sets",
        )
    implemented = any(name in attributes for name in what) or has_connector
    if implemented:
        return
    if attributes.get("type") != "external" or not attributes.get("topic"):
        yield Refusal(describe(element), "the task has no implementation licflow runs", EXTERNAL)


def _compensation(element) -> Iterator[Refusal]:
    for holder, problem, remedy in compensation.problems(element):
        yield Refusal(describe(holder), problem, remedy)


def _event_definitions(element) -> Iterator[Refusal]:
    kind = v.local(element.tag)
    if kind not in v.EVENTS:
        return
    definitions = [c for c in element if v.local(c.tag).endswith("EventDefinition")]
    if len(definitions) > 1:
        yield Refusal(
            describe(element),
            "an event with several event definitions (multiple / parallel multiple) is not supported",
            "one event per trigger, e.g. an event-based gateway",
        )
    scope = v.local(element.getparent().tag)
    in_event_subprocess = scope == "subProcess" and element.getparent().get("triggeredByEvent") == "true"
    for definition in definitions:
        trigger = v.local(definition.tag).removesuffix("EventDefinition")
        allowed = v.event_triggers(kind, scope, in_event_subprocess)
        if trigger not in allowed:
            remedy = v.UNSUPPORTED_TRIGGERS.get(trigger, "; ".join(sorted(allowed)) + " run here")
            where = "an event sub-process" if in_event_subprocess else f"a {scope}"
            yield Refusal(describe(element), f"a {trigger} {kind} in {where} is not supported", remedy)
        yield from _reference_rules(element, definition, trigger)
    if not definitions and kind == "startEvent" and in_event_subprocess:
        yield Refusal(
            describe(element),
            "an event sub-process needs a start event with a trigger",
            "an error, escalation, message, timer, signal or conditional start event",
        )


def _reference_rules(event, definition, trigger: str) -> Iterator[Refusal]:
    kind = v.local(event.tag)
    throws = kind in ("endEvent", "intermediateThrowEvent")
    reference = {"message": "messageRef", "signal": "signalRef"}.get(trigger)
    if reference and not definition.get(reference) and not (throws and trigger == "message"):
        yield Refusal(describe(event), f"the {trigger} event names no {trigger}", f"set {reference}")
    if throws and trigger in ("error", "escalation") and not definition.get(f"{trigger}Ref"):
        yield Refusal(describe(event), f"the {trigger} end event names no {trigger}", f"set {trigger}Ref")
    if trigger == "signal" and definition.find(f"{v.B}extensionElements/{v.C}in") is not None:
        yield Refusal(
            describe(event),
            "signal variables (camunda:in on a signal) are not supported",
            "a signal carries no variables; correlate a message to pass variables",
        )


def _event_subprocess_scopes(element) -> Iterator[Refusal]:
    if v.local(element.tag) not in ("process", "subProcess"):
        return
    handlers = [c for c in element if v.local(c.tag) == "subProcess" and c.get("triggeredByEvent") == "true"]
    if not handlers:
        return
    for handler in handlers:
        starts = [c for c in handler if v.local(c.tag) == "startEvent"]
        if len(starts) != 1:
            yield Refusal(describe(handler), "an event sub-process needs exactly one start event", "draw one")
    starts = [c for c in element if v.local(c.tag) == "startEvent"]
    if len(starts) != 1:
        yield Refusal(
            describe(element),
            "a scope with an event sub-process needs exactly one start event of its own",
            "one start event beside the event sub-processes",
        )
    non_interrupting = any(
        c.get("isInterrupting") == "false" for h in handlers for c in h if v.local(c.tag) == "startEvent"
    )
    terminates = element.findall(f"{v.B}endEvent/{v.B}terminateEventDefinition")
    if non_interrupting and terminates:
        yield Refusal(
            describe(element),
            "a terminate end event in a scope with a non-interrupting event sub-process is not supported",
            "a none end event, or an interrupting event sub-process",
        )


def _links(element) -> Iterator[Refusal]:
    if v.local(element.tag) not in v.SCOPES:
        return
    catches: dict[str, list] = {}
    for event in element.findall(f"{v.B}intermediateCatchEvent"):
        link = event.find(f"{v.B}linkEventDefinition")
        if link is not None:
            catches.setdefault(link.get("name") or event.get("name") or "", []).append(event)
            if event.find(f"{v.B}incoming") is not None or _flows_to(element, event.get("id")):
                yield Refusal(describe(event), "a link catch event has no incoming flow", "remove the flow")
    for name, events in catches.items():
        if len(events) > 1:
            yield Refusal(describe(events[1]), f'two link catch events are named "{name}"', "name each once")
    for event in element.findall(f"{v.B}intermediateThrowEvent"):
        link = event.find(f"{v.B}linkEventDefinition")
        if link is None:
            continue
        name = link.get("name") or event.get("name") or ""
        if name not in catches:
            yield Refusal(
                describe(event),
                f'no link catch event named "{name}" in the same scope',
                "a link catch event with the same name beside it",
            )
        if any(f.get("sourceRef") == event.get("id") for f in element.findall(f"{v.B}sequenceFlow")):
            yield Refusal(describe(event), "a link throw event has no outgoing flow", "remove the flow")


def _flows_to(scope, element_id) -> bool:
    return any(f.get("targetRef") == element_id for f in scope.findall(f"{v.B}sequenceFlow"))


def _loops(element) -> Iterator[Refusal]:
    if v.local(element.tag) != "multiInstanceLoopCharacteristics":
        return
    body = element.getparent()
    collection = element.get(f"{v.C}collection")
    if element.find(f"{v.B}loopCardinality") is None and not collection:
        yield Refusal(
            describe(body), "a multi-instance needs a collection or a cardinality", "set camunda:collection"
        )
    kind = v.local(body.tag)
    if kind not in v.MULTI_INSTANCE_BODIES:
        yield Refusal(
            describe(body),
            f"a multi-instance {kind} is not supported",
            "a multi-instance user task, external task, call activity or sub-process",
        )


def _user_tasks(element) -> Iterator[Refusal]:
    if v.local(element.tag) != "resourceAssignmentExpression":
        return
    performer = element.getparent()
    text = performer_text(performer).strip()
    if not text:
        problem = "a performer without an expression"
        yield Refusal(describe(performer.getparent()), problem, "name users or groups")
    elif "${" in text:
        yield Refusal(
            describe(performer.getparent()),
            "an expression in a potential owner or human performer is not supported",
            "camunda:candidateUsers / camunda:candidateGroups / camunda:assignee with the expression",
        )


def _call_activities(element) -> Iterator[Refusal]:
    if v.local(element.tag) != "callActivity":
        return
    binding = element.get(f"{v.C}calledElementBinding", "latest")
    if binding not in ("latest", "deployment", "version"):
        yield Refusal(
            describe(element),
            f'camunda:calledElementBinding="{binding}" is not supported',
            "latest, deployment or version (with camunda:calledElementVersion)",
        )
    version = element.get(f"{v.C}calledElementVersion")
    if binding == "version" and not (version or "").isdigit():
        problem = "binding version needs a camunda:calledElementVersion number"
        yield Refusal(describe(element), problem, "set it")
    if not element.get("calledElement"):
        yield Refusal(describe(element), "a call activity without calledElement", "name the process to call")


def _listeners(element) -> Iterator[Refusal]:
    namespace, name = v.split(element.tag)
    if namespace != v.CAMUNDA_NS or name not in listener_rules.LISTENER_EVENTS:
        return
    holder = owner(element)
    for problem, remedy in listener_rules.problems(element, holder):
        yield Refusal(describe(holder), problem, remedy)


def _conditions(element) -> Iterator[Refusal]:
    if v.local(element.tag) != "conditionalEventDefinition":
        return
    event = element.getparent()
    condition = element.find(f"{v.B}condition")
    if condition is None or not (condition.text or "").strip():
        yield Refusal(describe(event), "a conditional event without a condition", "write one, e.g. ${x > 5}")
    unknown = [e for e in variable_events(element.get(f"{v.C}variableEvents")) if e not in CONDITION_EVENTS]
    if unknown:
        yield Refusal(
            describe(event),
            f"camunda:variableEvents names {', '.join(unknown)}",
            "create, update and/or delete, separated by commas",
        )
    scope = event.getparent()
    sources = [
        f.get("sourceRef")
        for f in scope.findall(f"{v.B}sequenceFlow")
        if f.get("targetRef") == event.get("id")
    ]
    if any(scope.find(f"{v.B}eventBasedGateway[@id='{source}']") is not None for source in sources):
        yield Refusal(
            describe(event),
            "a conditional event after an event-based gateway is not supported",
            "a conditional boundary event on a task the path waits in",
        )


def _async_after_ends(element) -> Iterator[Refusal]:
    if v.local(element.tag) == "endEvent" and element.get(f"{v.C}asyncAfter") == "true":
        yield Refusal(
            describe(element),
            "camunda:asyncAfter on an end event: nothing follows it in its scope",
            "camunda:asyncAfter on the sub-process or call activity it ends, or leave it out",
        )


def _variable_mappings(element) -> Iterator[Refusal]:
    for holder, problem, remedy in mappings.problems(element):
        yield Refusal(describe(holder), problem, remedy)


RULES: tuple[Rule, ...] = (
    _unknown_elements,
    _camunda_attributes,
    _service_implementation,
    _compensation,
    _event_definitions,
    _event_subprocess_scopes,
    _links,
    _loops,
    _user_tasks,
    _call_activities,
    _listeners,
    _conditions,
    _async_after_ends,
    _variable_mappings,
)
