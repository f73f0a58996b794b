"""Rewrite a diagram's XML before SpiffWorkflow parses it, into constructs it runs as Camunda 7 does.

The deployed source is kept as the analyst drew it; only the parsed spec sees these:
- a sequence flow without an `id` (optional in BPMN 2.0) gets one;
- data objects, data stores and their associations are dropped (Camunda 7 ignores them);
- a message throw event without implementation becomes a none event (Camunda 7 does nothing);
- `potentialOwner` / `humanPerformer` become candidate users and groups / the assignee;
- a link throw event gets a flow to the link catch event of the same name;
- compensation becomes splits and joins of licflow's own (`compensation`);
- an event sub-process becomes a boundary event on the rest of its scope: the scope's content
  moves into a sub-process `<scope>__body`, the event sub-process's start event becomes a boundary
  event on it (interrupting or not) leading to the event sub-process, now an ordinary sub-process;
- an async boundary (`camunda:asyncBefore` / `asyncAfter`) becomes a held step (`async_steps`).
"""

from __future__ import annotations

from lxml import etree

from engine.dialect.constructs import compensation
from engine.dialect.constructs import vocabulary as v
from engine.dialect.constructs.async_steps import insert_continuations
from engine.dialect.constructs.vocabulary import B, C

DATA_ELEMENTS = (
    "dataObject",
    "dataObjectReference",
    "dataStore",
    "dataStoreReference",
    "dataInputAssociation",
    "dataOutputAssociation",
)
KEPT_IN_SCOPE = ("documentation", "extensionElements", "laneSet", "incoming", "outgoing")


def prepare(root) -> None:
    """Rewrite the BPMN document `root` in place into constructs SpiffWorkflow runs."""
    name_unnamed_flows(root)
    compensation.rewrite(root)  # reads the associations, which drop_data_elements removes
    drop_data_elements(root)
    silence_message_throws(root)
    read_performers(root)
    join_links(root)
    for scope in reversed([e for e in root.iter(f"{B}process", f"{B}subProcess")]):
        lift_event_subprocesses(scope)
    insert_continuations(root)


def name_unnamed_flows(root) -> None:
    """Give every sequence flow without an id one, unique in the document."""
    taken = {e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    for flow in root.iter(f"{B}sequenceFlow"):
        if flow.get("id"):
            continue
        base = f"Flow_{flow.get('sourceRef')}_{flow.get('targetRef')}"
        ident, n = base, 1
        while ident in taken:
            n += 1
            ident = f"{base}_{n}"
        flow.set("id", ident)
        taken.add(ident)


def drop_data_elements(root) -> None:
    """Remove data objects, stores and associations, which Camunda 7 does not execute."""
    for element in [e for e in root.iter() if isinstance(e.tag, str) and v.local(e.tag) in DATA_ELEMENTS]:
        if v.split(element.tag)[0] == v.BPMN_NS:
            element.getparent().remove(element)
    for association in list(root.iter(f"{B}association")):
        association.getparent().remove(association)


def silence_message_throws(root) -> None:
    """Make message throw events without implementation none events, as Camunda 7 runs them."""
    for kind in ("intermediateThrowEvent", "endEvent"):
        for event in root.iter(f"{B}{kind}"):
            for definition in event.findall(f"{B}messageEventDefinition"):
                event.remove(definition)


def read_performers(root) -> None:
    """Turn `potentialOwner` into candidate users/groups and `humanPerformer` into the assignee."""
    for task in root.iter(f"{B}userTask"):
        users, groups = _split(task.get(f"{C}candidateUsers")), _split(task.get(f"{C}candidateGroups"))
        for owner in task.findall(f"{B}potentialOwner"):
            for entry in _split(_expression(owner)):
                if entry.startswith("user(") and entry.endswith(")"):
                    users.append(entry[5:-1].strip())
                else:  # "group(x)" or a bare name, which Camunda reads as a group
                    groups.append(entry[6:-1].strip() if entry.startswith("group(") else entry)
        if users:
            task.set(f"{C}candidateUsers", ",".join(dict.fromkeys(users)))
        if groups:
            task.set(f"{C}candidateGroups", ",".join(dict.fromkeys(groups)))
        performer = task.find(f"{B}humanPerformer")
        if performer is not None and not task.get(f"{C}assignee"):
            task.set(f"{C}assignee", _expression(performer).strip())


def _expression(performer) -> str:
    return performer_text(performer)


def performer_text(performer) -> str:
    """Return the text of a performer's expression (`formalExpression`, or `expression` as moddle writes)."""
    for kind in ("formalExpression", "expression"):
        expression = performer.find(f"{B}resourceAssignmentExpression/{B}{kind}")
        if expression is not None:
            return expression.text or ""
    return ""


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def join_links(root) -> None:
    """Connect each link throw event to the link catch event of the same name in its scope."""
    for scope in root.iter(f"{B}process", f"{B}subProcess"):
        catches = {}
        for event in scope.findall(f"{B}intermediateCatchEvent"):
            link = event.find(f"{B}linkEventDefinition")
            if link is not None:
                catches[_link_name(event, link)] = event
        for event in scope.findall(f"{B}intermediateThrowEvent"):
            link = event.find(f"{B}linkEventDefinition")
            target = catches.get(_link_name(event, link)) if link is not None else None
            if target is not None:
                _flow(scope, f"{event.get('id')}__link", event.get("id"), target.get("id"))


def _link_name(event, link) -> str:
    return link.get("name") or event.get("name") or ""


def lift_event_subprocesses(scope) -> None:
    """Rewrite the event sub-processes of `scope` as boundary events on a sub-process of its content."""
    handlers = [c for c in scope if _is_event_subprocess(c)]
    starts = [c for c in scope if c.tag == f"{B}startEvent"]
    if not handlers or len(starts) != 1:
        return  # refusals report a scope with event sub-processes and not one start event
    start, scope_id = starts[0], scope.get("id")
    body = etree.Element(f"{B}subProcess", id=f"{scope_id}__body")
    body_start = etree.SubElement(body, f"{B}startEvent", id=f"{scope_id}__body_start")
    for child in list(scope):
        if child is start or child in handlers or not isinstance(child.tag, str):
            continue
        if v.local(child.tag) in KEPT_IN_SCOPE:
            continue
        if child.tag == f"{B}sequenceFlow" and child.get("sourceRef") == start.get("id"):
            child.set("sourceRef", body_start.get("id"))
        body.append(child)
    scope.append(body)
    _flow(scope, f"{scope_id}__enter_body", start.get("id"), body.get("id"))
    _end_after(scope, body)
    for handler in handlers:
        _attach_handler(scope, body, handler)


def _is_event_subprocess(element) -> bool:
    return element.tag == f"{B}subProcess" and element.get("triggeredByEvent") == "true"


def _attach_handler(scope, body, handler) -> None:
    """Move the handler's start event onto `body` as a boundary event that leads into the handler."""
    (trigger,) = [c for c in handler if c.tag == f"{B}startEvent"]
    trigger_id = trigger.get("id")
    boundary = etree.SubElement(
        scope,
        f"{B}boundaryEvent",
        id=trigger_id,
        attachedToRef=body.get("id"),
        cancelActivity=trigger.get("isInterrupting", "true"),
    )
    for key, value in trigger.attrib.items():
        if key not in ("id", "isInterrupting"):
            boundary.set(key, value)
    for child in list(trigger):
        if v.local(child.tag) not in ("incoming", "outgoing"):
            boundary.append(child)
    entered = etree.Element(f"{B}startEvent", id=f"{trigger_id}__entered")
    handler.replace(trigger, entered)
    for flow in handler.findall(f"{B}sequenceFlow"):
        if flow.get("sourceRef") == trigger_id:
            flow.set("sourceRef", entered.get("id"))
    del handler.attrib["triggeredByEvent"]
    _flow(scope, f"{trigger_id}__handle", trigger_id, handler.get("id"))
    _end_after(scope, handler)


def _end_after(scope, element) -> None:
    end = etree.SubElement(scope, f"{B}endEvent", id=f"{element.get('id')}__done")
    _flow(scope, f"{element.get('id')}__to_done", element.get("id"), end.get("id"))


def _flow(scope, ident: str, source: str, target: str) -> None:
    etree.SubElement(scope, f"{B}sequenceFlow", id=ident, sourceRef=source, targetRef=target)
