"""Conditional events as Camunda 7 runs them: boundary, intermediate catch and event sub-process start.

`<bpmn:conditionalEventDefinition camunda:variableName="x" camunda:variableEvents="create, update">`
with `<bpmn:condition xsi:type="bpmn:tFormalExpression">${x > 5}</bpmn:condition>`.

A `WatchedCondition` never fires by itself: `run_to_waits` (how every command and replay run
the engine) watches the waiting ones after the engine's steps, with the case's variables,
fires those that hold and runs on. An event looks when it is reached (an intermediate event
whose condition already holds passes at once; a boundary or event sub-process start fires
as its activity or scope starts) and whenever the command changed variables of the case;
`camunda:variableName` narrows the changes looked at to one variable, `camunda:variableEvents`
to creating, updating or deleting it. Each event remembers a digest of the variables it last
looked at, so a non-interrupting event fires again only on a new change. Conditions that keep
firing each other without end give a ProcessError naming the event.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn.serializer.helpers.spec import EventDefinitionConverter
from SpiffWorkflow.bpmn.specs.event_definitions.conditional import ConditionalEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.dialect.constructs.vocabulary import B, C
from engine.dialect.juel.errors import UnknownVariable
from engine.errors import ProcessError

EVENTS = ("create", "update", "delete")
MET = "condition_met"  # set by the watch when the condition holds
SEEN = "condition_seen"  # digests of the variables the watch last looked at
REARMED = "condition_rearmed"  # a non-interrupting event listening again after it fired
MAX_ROUNDS = 100  # rounds of conditions firing within one command
Variables = dict[str, Any]


class WatchedCondition(ConditionalEventDefinition):
    """A conditional event's condition and the variable changes it listens to."""

    def __init__(self, expression, variable_name=None, variable_events=None, **kwargs):
        super().__init__(expression, **kwargs)
        self.variable_name = variable_name or None
        self.variable_events = list(variable_events or [])

    def has_fired(self, my_task):
        return bool(my_task.internal_data.get(MET))

    def reset(self, my_task):
        my_task.internal_data.pop(MET, None)
        super().reset(my_task)

    def listens_to(self, changes: list[tuple[str, str]]) -> bool:
        """Tell whether any of the (variable, create|update|delete) changes concerns this event."""
        return any(
            (self.variable_name is None or name == self.variable_name)
            and (not self.variable_events or kind in self.variable_events)
            for name, kind in changes
        )

    def __eq__(self, other):
        return isinstance(other, WatchedCondition) and other.expression == self.expression


class WatchedConditionConverter(EventDefinitionConverter):
    """Keep the condition and its variable filters in the serialized spec."""

    def to_dict(self, event_definition):
        dct = super().to_dict(event_definition)
        dct["expression"] = event_definition.expression
        dct["variable_name"] = event_definition.variable_name
        dct["variable_events"] = event_definition.variable_events
        return dct


def variable_events(text: str | None) -> list[str]:
    """Read `camunda:variableEvents` ("create, update"): the kinds of change listened to."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


class ConditionParser:
    """Build watched conditions with camunda:variableName / variableEvents (a mixin of event parsers)."""

    def parse_conditional_event(self, event):
        condition = event.find(f"{B}condition")
        if condition is None or not (condition.text or "").strip():
            self.raise_validation_exception("a conditional event needs a condition, e.g. ${x > 5}")
        return WatchedCondition(
            condition.text.strip(),
            variable_name=event.get(f"{C}variableName"),
            variable_events=variable_events(event.get(f"{C}variableEvents")),
            description=self.get_event_description(event),
        )


CONVERTERS = {WatchedCondition: WatchedConditionConverter}


def run_to_waits(
    workflow,
    did_complete: Callable,
    variables_of: Callable[[Any], Variables],
    settle: Callable[[], None] = lambda: None,
) -> None:
    """Run the engine's steps, then fire the conditions that hold and run on, until the case waits.

    `settle` runs after each round of steps, before the conditions are read: the one variable
    scope shares what a branch wrote, so a condition in another branch sees it.
    """
    workflow.do_engine_steps(did_complete_task=did_complete)
    settle()
    for _ in range(MAX_ROUNDS):
        if not fire_conditions(workflow, variables_of):
            return
        workflow.do_engine_steps(did_complete_task=did_complete)
        settle()
    element = next((t.task_spec.bpmn_id for t in _watches(workflow)), None)
    raise ProcessError(
        f"conditional event {element} keeps firing: its path changes the variables it listens to; "
        "narrow it with camunda:variableName",
        element,
    )


def watching(workflow) -> bool:
    """Tell whether a conditional event of the case waits for its condition."""
    return bool(_watches(workflow))


def fire_before_leaving(
    workflow,
    did_complete: Callable,
    variables_of: Callable[[Any], Variables],
    settle: Callable[[], None],
) -> None:
    """Fire the conditions that the variables a task completes with make true, before the task leaves.

    Camunda 7 sets a completion's variables first and then lets the task go: a conditional
    boundary event that now holds interrupts the activity (the task with it), as the
    order-handling example's "date exists" does. The caller completes the task only if it is
    still where it was.
    """
    settle()
    if fire_conditions(workflow, variables_of):
        run_to_waits(workflow, did_complete, variables_of, settle)  # the fired events' paths, to their waits


def fire_conditions(workflow, variables_of: Callable[[Any], Variables]) -> bool:
    """Fire every waiting conditional event that looks now and whose condition holds; tell if any did."""
    watches = _watches(workflow)
    if not watches:
        return False
    variables = variables_of(workflow)
    current = digests(variables)
    fired = False
    for task in watches:
        definition = task.task_spec.event_definition
        seen = task.internal_data.get(SEEN)
        task.internal_data[SEEN] = current
        if seen is None and task.internal_data.pop(REARMED, False):
            continue  # fired a moment ago; it listens for the next change
        if seen is not None and not definition.listens_to(changes(seen, current)):
            continue
        if _holds(workflow, task, definition, variables):
            task.data.update(variables)
            task.internal_data[MET] = True
            task.task_spec._update(task)
            fired = True
    return fired


def _watches(workflow) -> list:
    return [
        task
        for task in list(workflow.event_manager.tasks.values())
        if task.has_state(TaskState.WAITING)
        and isinstance(task.task_spec.event_definition, WatchedCondition)
        and not isinstance(task.task_spec, StartEvent)  # a process's: POST /condition starts it
    ]


def _holds(workflow, task, definition: WatchedCondition, variables: Variables) -> bool:
    try:
        value = workflow.script_engine.evaluate(task, definition.expression, external_context=variables)
    except SpiffWorkflowException as error:
        if _unknown_variable(error):
            return False  # Camunda's conditional events try the condition: a variable not yet set is false
        element = task.task_spec.bpmn_id
        raise ProcessError(f"the condition of {element} cannot be evaluated: {error}", element) from error
    return value is True


def _unknown_variable(error: BaseException | None) -> bool:
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, UnknownVariable):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def digests(variables: Variables) -> dict[str, str]:
    """Return a short digest of each variable's value, to tell later which ones changed."""
    return {
        name: hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]
        for name, value in variables.items()
    }


def changes(seen: dict[str, str], current: dict[str, str]) -> list[tuple[str, str]]:
    """Return the (variable, create|update|delete) changes from `seen` to `current`."""
    found = [(name, "create") for name in current if name not in seen]
    found += [(name, "update") for name in current if name in seen and seen[name] != current[name]]
    found += [(name, "delete") for name in seen if name not in current]
    return found
