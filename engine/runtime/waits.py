"""Find where a case waits: user tasks, external tasks, timers, message and signal catches.

It also finds where a case stands still on an element the engine cannot execute
(`stuck_tasks`), which becomes an incident rather than a silent hang.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.conditional import ConditionalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask as UserTaskMixin
from SpiffWorkflow.util.task import TaskState

from engine.dialect.constructs.async_steps import AsyncContinuation, is_held
from engine.dialect.constructs.conditions import WatchedCondition
from engine.dialect.constructs.scope import live_tasks
from engine.dialect.parser import ExternalServiceTask


@dataclass(frozen=True)
class WaitingTimer:
    """A timer event of the case and when it is due."""

    task_id: str
    element_id: str
    due_at: datetime
    kind: str = "timer"  # or "job": an async continuation, due at once


@dataclass(frozen=True)
class WaitingMessage:
    """A message catch event of the case and the message name it waits for."""

    task_id: str
    element_id: str
    message_name: str


def ready_user_tasks(workflow) -> list:
    """Return the engine tasks of user tasks ready for a person."""
    return [t for t in workflow.get_tasks(state=TaskState.READY) if isinstance(t.task_spec, UserTaskMixin)]


def started_external_tasks(workflow) -> list:
    """Return the engine tasks of service tasks waiting for a worker."""
    return [
        t for t in workflow.get_tasks(state=TaskState.STARTED) if isinstance(t.task_spec, ExternalServiceTask)
    ]


def waiting_timers(workflow) -> list[WaitingTimer]:
    """Return the timers waiting in the case with their due times."""
    timers = []
    for wait_id, element_id, task, definition in _waiting_definitions(workflow):
        if isinstance(definition, TimerEventDefinition):
            value = definition.details(task).value
            if isinstance(value, str):
                timers.append(WaitingTimer(wait_id, element_id, TimerEventDefinition.get_datetime(value)))
    return timers


def held_jobs(workflow, ready: list | None = None) -> list[WaitingTimer]:
    """Return the async continuations of the case waiting for their job, due since they were reached.

    `ready` is the case's ready tasks when the caller has them.
    """
    ready = workflow.get_tasks(state=TaskState.READY) if ready is None else ready
    return [
        WaitingTimer(
            str(task.id),
            task.task_spec.continues,
            datetime.fromisoformat(task.internal_data["held_at"]),
            "job",
        )
        for task in ready
        if is_held(task) and "held_at" in task.internal_data
    ]


def waiting_messages(workflow) -> list[WaitingMessage]:
    """Return the message catch events waiting in the case."""
    return [
        WaitingMessage(wait_id, element_id, definition.name)
        for wait_id, element_id, _, definition in _waiting_definitions(workflow)
        if isinstance(definition, MessageEventDefinition)
    ]


def waiting_signals(workflow) -> list[WaitingMessage]:
    """Return the signal catch events waiting in the case, with the signal's name."""
    return [
        WaitingMessage(wait_id, element_id, definition.name)
        for wait_id, element_id, _, definition in _waiting_definitions(workflow)
        if isinstance(definition, SignalEventDefinition)
    ]


def stuck_tasks(workflow, live: list | None = None) -> list:
    """Return the tasks where the case stands still on an element the engine cannot execute.

    A manual step that is not a user task nor an async continuation (its job runs it), a
    started step no worker or sub-process finishes. `live` is `live_tasks(workflow)` when
    the caller has it.
    """
    live = live_tasks(workflow) if live is None else live
    return [task for task in live if getattr(task.task_spec, "bpmn_id", None) and _cannot_move(task)]


def _cannot_move(task) -> bool:
    spec = task.task_spec
    if task.has_state(TaskState.READY):
        return spec.manual and not isinstance(spec, (UserTaskMixin, AsyncContinuation))
    if task.has_state(TaskState.STARTED):
        return not isinstance(spec, (ExternalServiceTask, SubWorkflowTask, LoopTask))
    definition = getattr(spec, "event_definition", None)
    return isinstance(definition, ConditionalEventDefinition) and not isinstance(definition, WatchedCondition)


def waiting_tasks_for(workflow, message_name: str) -> list:
    """Return the engine tasks that wait for message `message_name`."""
    return [
        task
        for _, _, task, definition in _waiting_definitions(workflow)
        if isinstance(definition, MessageEventDefinition) and definition.name == message_name
    ]


def _waiting_definitions(workflow):
    """Yield (wait id, element id, task, event definition) for every event the case waits for.

    An event-based gateway waits for several events at once; each gets the id
    "<task id>:<n>" and the element id of the catch event that follows the gateway.
    """
    for task in workflow.event_manager.tasks.values():
        if not task.has_state(TaskState.WAITING):
            continue
        definition = task.task_spec.event_definition
        if isinstance(definition, MultipleEventDefinition):
            followers = task.task_spec.outputs
            for index, (inner, follower) in enumerate(
                zip(definition.event_definitions, followers, strict=True)
            ):
                yield f"{task.id}:{index}", follower.bpmn_id, task, inner
        else:
            yield str(task.id), task.task_spec.bpmn_id, task, definition


def wait_fired(workflow, wait_id: str) -> bool:
    """Tell whether the timer or message catch `wait_id` happened (rather than being cancelled)."""
    task = find_task(workflow, wait_id)
    if task is None or not task.has_state(TaskState.COMPLETED):
        return False
    if ":" not in wait_id:
        return True
    follower = task.task_spec.outputs[int(wait_id.rsplit(":", 1)[1])]
    return any(child.task_spec is follower for child in task.children)


def find_task(workflow, task_id: str):
    (
        """Return the engine task with `task_id` (in the case or its subprocesses), or None.

    A wait id "<task id>:<n>" of an event-based gateway finds the gateway's task.
    """
        ""
    )
    from uuid import UUID

    try:
        wanted = UUID(task_id.split(":", 1)[0])
    except ValueError:
        return None
    if wanted in workflow.tasks:
        return workflow.tasks[wanted]
    for subprocess in workflow.subprocesses.values():
        if wanted in subprocess.tasks:
            return subprocess.tasks[wanted]
    return None
