"""Conditional start events of processes, started by evaluating conditions (Camunda's `POST /condition`).

As in Camunda 7, a process's conditional start event starts nothing by itself: a client asks
the engine to evaluate the start conditions with some variables, and a case starts at each
conditional start event (of the newest version of its process, one the start subscriptions
list) whose condition holds with them, carrying those variables. A `camunda:variableName`
on the event makes it look only when that variable is among them.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.dialect.expressions import shared_script_engine
from engine.errors import InvalidCommand, ProcessError
from engine.runtime.definitions import specs_of
from engine.runtime.events import signals, starts
from store.models import ProcessDefinition, StartSubscription

KIND = "conditional"


def evaluate(
    session: Session,
    variables: dict[str, Any],
    business_key: str | None,
    actor: str,
    definition_id: int | None = None,
) -> list[str]:
    """Start a case at every conditional start event whose condition holds; return the case ids."""
    starts.require_variables(variables)
    query = select(StartSubscription).where(StartSubscription.kind == KIND)
    if definition_id is not None:
        query = query.where(StartSubscription.definition_id == definition_id)
    subscriptions = list(session.scalars(query.order_by(StartSubscription.id)))
    if not subscriptions:
        raise InvalidCommand("no conditional start event of a deployed process to evaluate")
    started = []
    for subscription in subscriptions:
        definition = session.get(ProcessDefinition, subscription.definition_id)
        if _holds(definition, subscription.element_id, variables):
            trigger = {"condition": subscription.element_id}
            case = starts.start(
                session, definition, business_key, variables, actor, subscription.element_id, trigger
            )
            signals.broadcast(session, case, actor)
            started.append(case.id)
    return started


def _holds(definition: ProcessDefinition, element_id: str, variables: dict[str, Any]) -> bool:
    spec, subprocess_specs = specs_of(definition)
    (event,) = [e for e in spec.bpmn_start_events if e.bpmn_id == element_id]
    condition = event.event_definition
    if condition.variable_name is not None and condition.variable_name not in variables:
        return False
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=shared_script_engine())
    (context,) = workflow.get_tasks(state=TaskState.READY)
    context.data.update(variables)
    try:
        return (
            workflow.script_engine.evaluate(context, condition.expression, external_context=variables) is True
        )
    except SpiffWorkflowException as error:
        raise ProcessError(
            f"the condition of {element_id} cannot be evaluated: {error}", element_id
        ) from error
