"""The deploy rules of execution and task listeners: what licflow runs of them and what it refuses.

Listeners of type expression or script run (engine/dialect/listeners); Java classes and
delegate expressions, events licflow does not listen for, and listeners in places they
cannot run are refused, each with the way to do it.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.dialect.constructs import vocabulary as v

LISTENER_WAY = (
    'an expression listener (expression="${...}") or a script listener (javascript or python), '
    "or an external task served by a worker"
)
LISTENER_EVENTS = {
    "executionListener": ("start", "end"),
    "taskListener": ("create", "assignment", "complete", "delete"),
}


def problems(element, holder) -> Iterator[tuple[str, str]]:
    """Tell what is wrong with the listener `element` of `holder`: (problem, the way to do it)."""
    name = v.split(element.tag)[1]
    kind, event = v.local(holder.tag), element.get("event")
    what = "an execution listener" if name == "executionListener" else "a task listener"
    for attribute, says in (
        ("class", "a Java class (camunda:class)"),
        ("delegateExpression", "a delegate expression"),
    ):
        if element.get(attribute):
            yield (f"{what} calling {says} cannot run in licflow", LISTENER_WAY)
            return
    script = element.find(f"{v.C}script")
    if element.get("expression") is None and script is None:
        yield (f"{what} needs an expression or a script", LISTENER_WAY)
    if script is not None and (script.get("resource") or not (script.text or "").strip()):
        yield (f"{what} script must be written inline", "the script in the listener")
    events = ("take",) if kind == "sequenceFlow" else LISTENER_EVENTS[name]
    if name == "taskListener" and kind != "userTask":
        yield ("a task listener belongs to a user task", "an execution listener")
    elif event not in events:
        yield (f'{what} on event "{event}" is not supported', " or ".join(events))
    if kind == "sequenceFlow" and _from_event_gateway(holder):
        yield (
            "a take listener on a flow leaving an event-based gateway is not supported",
            "a start listener on the event the flow leads to",
        )


def _from_event_gateway(flow) -> bool:
    source = flow.getparent().find(f"*[@id='{flow.get('sourceRef')}']")
    return source is not None and v.local(source.tag) == "eventBasedGateway"
