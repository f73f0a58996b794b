"""Find where a case waits: user tasks, external tasks, timers and message catches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask as UserTaskMixin
from SpiffWorkflow.util.task import TaskState

from engine.parser import ExternalServiceTask


@dataclass(frozen=True)
class WaitingTimer:
    """A timer event of the case and when it is due."""

    task_id: str
    element_id: str
    due_at: datetime


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
    for task in _waiting_catches(workflow):
        definition = task.task_spec.event_definition
        if isinstance(definition, TimerEventDefinition):
            value = definition.details(task).value
            if isinstance(value, str):
                due = TimerEventDefinition.get_datetime(value)
                timers.append(WaitingTimer(str(task.id), task.task_spec.bpmn_id, due))
    return timers


def waiting_messages(workflow) -> list[WaitingMessage]:
    """Return the message catch events waiting in the case."""
    return [
        WaitingMessage(str(t.id), t.task_spec.bpmn_id, t.task_spec.event_definition.name)
        for t in _waiting_catches(workflow)
        if isinstance(t.task_spec.event_definition, MessageEventDefinition)
    ]


def _waiting_catches(workflow) -> list:
    return [t for t in workflow.event_manager.tasks.values() if t.has_state(TaskState.WAITING)]


def find_task(workflow, task_id: str):
    """Return the engine task with `task_id` (in the case or its subprocesses), or None."""
    from uuid import UUID

    try:
        wanted = UUID(task_id)
    except ValueError:
        return None
    if wanted in workflow.tasks:
        return workflow.tasks[wanted]
    for subprocess in workflow.subprocesses.values():
        if wanted in subprocess.tasks:
            return subprocess.tasks[wanted]
    return None
