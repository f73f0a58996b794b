"""Run a task spec's listeners at the moments Camunda 7 runs them.

    start      when the element is entered: a catch event or receive task when it begins to
               wait, any other element when it becomes ready (a boundary event, and an event
               after an event-based gateway, when it fires); the process when its case starts
    take       when the synthetic event of the flow (`<flow>__take`) is passed
    end        when the element completes, or is cancelled after it was entered (an
               interrupting boundary event, a terminate end event, a completion condition)
    create     a user task, once it is ready, with camunda:assignee evaluated
    assignment after create when the task has an assignee, and whenever the assignee
               changes afterwards (claim, unclaim, a head's assignment: `assignment_changed`)
    complete   when the user task is completed, before it ends (its end listeners follow)
    delete     when the user task is cancelled

The specs of a deployed definition are plain SpiffWorkflow specs; `attach` gives each spec
that has listeners a subclass of its own class with these hooks (same name, same state), so
a case's state and the deployed spec stay as they were. Each task remembers it was entered
(`internal_data`), so a waiting element's start runs once.
"""

from __future__ import annotations

import functools

from SpiffWorkflow.bpmn.specs.control import BpmnStartTask
from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent, EventBasedGateway
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.util.task import TaskState

from engine.dialect.listeners.reading import LISTENERS
from engine.dialect.listeners.running import ASSIGNEE, run_listeners, user_task_assignee

ENTERED = "listeners_entered"


class ListenerHooks:
    """Mixed in before a task spec's class when the spec has listeners (no __slots__: same layout)."""

    def _update(self, my_task):
        super()._update(my_task)
        if my_task.state == TaskState.WAITING and _waits_when_entered(self):
            _enter(my_task)

    def _on_ready(self, my_task):
        if not isinstance(self, BpmnStartTask):
            _enter(my_task)
        super()._on_ready(my_task)
        if isinstance(self, UserTask) and _has(self, "task"):
            _create(my_task)

    def _run(self, my_task):
        if isinstance(self, BpmnStartTask):
            _enter(my_task)  # the process starts when its case does, not when it is built
        if isinstance(self, UserTask):
            run_listeners(my_task, "task", "complete")
        return super()._run(my_task)

    def _on_complete(self, my_task):
        run_listeners(my_task, "execution", "end")
        super()._on_complete(my_task)

    def _on_cancel(self, my_task):
        super()._on_cancel(my_task)
        if my_task.internal_data.pop(ENTERED, False):
            if isinstance(self, UserTask):
                run_listeners(my_task, "task", "delete", cancelled=True)
            run_listeners(my_task, "execution", "end", cancelled=True)


def attach(process_spec) -> None:
    """Give every task spec of `process_spec` that has listeners the hooks that run them."""
    for spec in process_spec.task_specs.values():
        if (getattr(spec, "extensions", None) or {}).get(LISTENERS) and not isinstance(spec, ListenerHooks):
            spec.__class__ = listening(type(spec))


@functools.cache
def listening(base: type) -> type:
    """Return `base` with the listener hooks (one class per base, named as the base)."""
    return type(base.__name__, (ListenerHooks, base), {"__module__": base.__module__})


def assignment_changed(my_task, assignee: str | None) -> str | None:
    """Tell a ready user task its assignee changed; run its assignment listeners; return the assignee then."""
    my_task.internal_data[ASSIGNEE] = assignee
    run_listeners(my_task, "task", "assignment")
    return my_task.internal_data[ASSIGNEE]


def has_task_listeners(spec) -> bool:
    """Tell whether a user task spec has task listeners (which keep its assignee in the case's state)."""
    return _has(spec, "task")


def _enter(my_task) -> None:
    if my_task.internal_data.get(ENTERED):
        return
    my_task.internal_data[ENTERED] = True
    run_listeners(my_task, "execution", "start")
    run_listeners(my_task, "execution", "take")


def _create(my_task) -> None:
    my_task.internal_data[ASSIGNEE] = user_task_assignee(my_task)
    run_listeners(my_task, "task", "create")
    if my_task.internal_data[ASSIGNEE] is not None:
        run_listeners(my_task, "task", "assignment")


def _has(spec, kind: str, event: str | None = None) -> bool:
    listeners = (getattr(spec, "extensions", None) or {}).get(LISTENERS) or ()
    return any(item["kind"] == kind and event in (None, item["event"]) for item in listeners)


def _waits_when_entered(spec) -> bool:
    """Tell whether the element's start runs when it begins to wait (a catch event, a receive task)."""
    if not isinstance(spec, CatchingEvent) or isinstance(spec, BoundaryEvent | EventBasedGateway):
        return False
    after_gateway = any(isinstance(source, EventBasedGateway) for source in spec.inputs)
    return not after_gateway and not isinstance(spec.event_definition, NoneEventDefinition)
