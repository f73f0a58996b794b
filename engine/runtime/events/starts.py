"""Begin a case: at its none start event, or at the message, signal or timer start event that fired."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.specs.control import StartEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from engine import extensions
from engine.dialect.constructs.conditions import MET as CONDITION_MET
from engine.errors import InvalidCommand
from engine.runtime import cases
from engine.runtime.definitions import specs_of
from store.models import CaseLabel, ProcessDefinition


def start(
    session: Session,
    definition: ProcessDefinition,
    business_key: str | None,
    variables: dict[str, Any],
    actor: str,
    start_event: str | None = None,
    trigger: dict[str, Any] | None = None,
) -> cases.OpenCase:
    """Start a case of `definition` at `start_event` (None: its initial one), run and save it."""
    require_variables(variables)
    spec, _ = specs_of(definition)
    element = start_event if start_event is not None else initial_start_event(spec)
    variables = {**variables, **_initiator(spec, element, actor)}
    case = cases.new_case(session, definition, business_key, variables)
    started = {"start_event": element} if element is not None else {}
    case.history.append(
        "case_started",
        actor,
        definition_key=definition.key,
        definition_version=definition.version,
        business_key=business_key,
        variables=variables,
        clock=case.now.isoformat(),
        **started,
        **(trigger or {}),
    )
    _label(session, case.id, variables)
    open_at(case.workflow, element)
    cases.advance(case)
    cases.finish(session, case, actor)
    return case


def require_variables(variables: Any) -> None:
    """Refuse variables that are not an object with string keys."""
    if not isinstance(variables, dict) or not all(isinstance(k, str) for k in variables):
        raise InvalidCommand("variables must be an object with string keys")


def initial_start_event(spec) -> str | None:
    """Return the start event a plain start fires: None for the none start event, else the only one.

    As in Camunda 7, a process whose only start event waits for a message, signal or
    timer can still be started directly; with several and no none start event it cannot.
    """
    events = spec.bpmn_start_events
    if not events or any(isinstance(e.event_definition, NoneEventDefinition) for e in events):
        return None
    if len(events) == 1:
        return events[0].bpmn_id
    raise InvalidCommand(
        f"process {spec.name} has no none start event: it starts by its message, signal or timer start events"
    )


def open_at(workflow, element_id: str | None) -> None:
    """Fire start event `element_id` of a new workflow and cancel its other start events."""
    if element_id is None:
        return
    for task in workflow.get_tasks(state=TaskState.READY):
        task.run()  # the root start task
    for split in workflow.get_tasks(state=TaskState.READY):
        if isinstance(split.task_spec, StartEventSplit):
            split.run()
    found = False
    for task in workflow.get_tasks(state=TaskState.NOT_FINISHED_MASK):
        if not isinstance(task.task_spec, StartEvent) or task.workflow is not workflow:
            continue
        if task.task_spec.bpmn_id == element_id:
            task._set_internal_data(event_fired=True, **{CONDITION_MET: True})
            task.task_spec._update(task)
            found = True
        else:
            task.cancel()
    if not found:
        raise InvalidCommand(f"process {workflow.spec.name} has no start event {element_id!r}")


def _initiator(spec, element: str | None, actor: str) -> dict[str, Any]:
    """Return {variable: actor} when the start event names a `camunda:initiator` variable."""
    for event in spec.bpmn_start_events:
        fired = (
            event.bpmn_id == element
            if element is not None
            else isinstance(event.event_definition, NoneEventDefinition)
        )
        variable = event.extensions.get("camunda", {}).get("initiator") if fired else None
        if variable:
            return {variable: actor}
    return {}


def _label(session: Session, case_id: str, variables: dict[str, Any]) -> None:
    label = extensions.current().case_label
    if label is not None:
        session.add(CaseLabel(case_id=case_id, **label(variables)))
