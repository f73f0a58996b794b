"""Read a recorded history as steps, and apply one step's recorded input to a rebuilt case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine import clock
from engine.dialect.constructs import conditions, scope
from engine.dialect.constructs.async_steps import is_held
from engine.dialect.expressions import CaseIdentity, shared_script_engine
from engine.dialect.listeners.hooks import assignment_changed
from engine.dialect.parser import VariablesMessageEventDefinition
from engine.runtime import waits
from engine.runtime.cases import case_variables, change_variables, completion_recorder
from engine.runtime.commands import bpmn_error_event
from engine.runtime.events.signals import catch_signal
from engine.runtime.events.starts import open_at

# the kinds of event that carry an input the engine acted on; everything else is an outcome
INPUTS = (
    "case_started",
    "user_task_completed",
    "external_task_completed",
    "bpmn_error_thrown",
    "message_correlated",
    "timer_fired",
    "signal_received",
    "variables_changed",
    "case_deleted",
    "task_assignee_changed",
    "job_executed",
)


class CannotApply(Exception):
    """The recorded input has nothing to act on in the rebuilt case."""


@dataclass
class Step:
    """One command of the history: its input event and what was recorded as its outcome."""

    number: int
    input: Any  # the HistoryEvent of the input
    completed: list[str] = field(default_factory=list)
    state: dict | None = None  # the recorded state_reached data, when the command recorded one
    case_completed: bool = False

    @property
    def clock(self) -> datetime:
        """Return the engine's clock reading of the command, as recorded."""
        recorded = (self.input.data or {}).get("clock")
        return datetime.fromisoformat(recorded) if recorded else clock.as_utc(self.input.at)


def steps_of(events: list) -> list[Step]:
    """Group a case's events (in seq order) into the steps of its commands."""
    steps: list[Step] = []
    for event in events:
        if event.kind in INPUTS:
            steps.append(Step(len(steps) + 1, event))
        elif not steps:
            continue
        elif event.kind == "element_completed":
            steps[-1].completed.append(event.element_id)
        elif event.kind == "state_reached":
            steps[-1].state = event.data
        elif event.kind == "case_completed":
            steps[-1].case_completed = True
    return steps


def start(step: Step, spec, subprocess_specs: dict, case_id: str | None = None, calls=None) -> BpmnWorkflow:
    """Create the case's workflow with its recorded start variables, at the start event that fired.

    `calls` resolves its call activities as recorded (`engine.runtime.calls.bindings`).
    """
    workflow = BpmnWorkflow(spec, dict(subprocess_specs), script_engine=shared_script_engine())
    workflow.called_processes = calls
    CaseIdentity.attach(workflow, case_id, step.input.data.get("business_key"))
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(step.input.data.get("variables") or {})
    open_at(workflow, step.input.data.get("start_event"))
    return workflow


def apply(workflow: BpmnWorkflow, step: Step, leaving: Callable[[Any], bool] = lambda task: True) -> None:
    """Apply a recorded input (not case_started) to the workflow, as the command did.

    `leaving(task)` lets the conditional events see a completion's variables before the task
    leaves (cases.before_leaving); the task completes only if it is still there.
    """
    event, data = step.input, step.input.data
    if event.kind == "user_task_completed":
        task = _one(waits.ready_user_tasks(workflow), event.element_id, "open user task")
        task.data.update(data.get("data") or {})
        if leaving(task):
            task.run()
    elif event.kind == "external_task_completed":
        task = _one(waits.started_external_tasks(workflow), event.element_id, "waiting service task")
        task.data.update(data.get("variables") or {})
        if leaving(task):
            task.complete()
    elif event.kind == "bpmn_error_thrown":
        task = _one(waits.started_external_tasks(workflow), event.element_id, "waiting service task")
        definition = bpmn_error_event(data["code"], data.get("message"))
        task.data.update(data.get("variables") or {})
        workflow.catch(BpmnEvent(definition, payload=data.get("variables") or {}, target=task.workflow))
    elif event.kind == "message_correlated":
        if not waits.waiting_tasks_for(workflow, data["name"]):
            raise CannotApply(f"the case does not wait for message {data['name']!r}")
        definition = VariablesMessageEventDefinition(data["name"])
        workflow.catch(BpmnEvent(definition, payload=data.get("variables") or {}))
    elif event.kind == "timer_fired":
        _fire_timer(workflow, event.element_id)
    elif event.kind == "signal_received":
        if not any(s.message_name == data["name"] for s in waits.waiting_signals(workflow)):
            raise CannotApply(f"the case does not wait for signal {data['name']!r}")
        catch_signal(workflow, data["name"])
    elif event.kind == "variables_changed":
        change_variables(workflow, data.get("modifications") or {}, data.get("deletions") or [])
    elif event.kind == "case_deleted":
        workflow.cancel()
    elif event.kind == "task_assignee_changed":
        task = _one(waits.ready_user_tasks(workflow), event.element_id, "open user task")
        assignment_changed(task, data.get("assignee"))
    elif event.kind == "job_executed":
        _run_job(workflow, data.get("continuation"))


def _run_job(workflow: BpmnWorkflow, continuation: str | None) -> None:
    held = [t for t in workflow.get_tasks(state=TaskState.READY) if is_held(t)]
    for task in held:
        if task.task_spec.bpmn_id == continuation:
            task.run()
            return
    waiting = ", ".join(sorted(t.task_spec.bpmn_id for t in held)) or "none"
    raise CannotApply(f"no job at {continuation} in the case (waiting: {waiting})")


def _fire_timer(workflow: BpmnWorkflow, element_id: str) -> None:
    if not any(t.element_id == element_id for t in waits.waiting_timers(workflow)):
        raise CannotApply(f"no timer {element_id} waits in the case")
    workflow.refresh_timers()
    if any(t.element_id == element_id for t in waits.waiting_timers(workflow)):
        raise CannotApply(f"timer {element_id} is not due yet at the recorded time")


def _one(tasks: list, element_id: str, what: str):
    """Return the first of `tasks` at `element_id` (tasks are matched by element, not by id)."""
    for task in tasks:
        if task.task_spec.bpmn_id == element_id:
            return task
    waiting = ", ".join(sorted(t.task_spec.bpmn_id for t in tasks)) or "none"
    raise CannotApply(f"no {what} {element_id} in the case (waiting: {waiting})")


def run(workflow: BpmnWorkflow, before: dict | None = None) -> list[str]:
    """Run the engine to the next waits, sharing the one scope (since `before`); return what completed."""
    completed: list[str] = []
    share = scope.sharing(workflow, before or {})
    conditions.run_to_waits(workflow, completion_recorder(completed), case_variables, share)
    share()
    return completed
