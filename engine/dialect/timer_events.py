"""Timer events read as Camunda 7 reads them: JUEL first, then ISO 8601 or Quartz cron, on the engine's clock.

A timer's text is evaluated as an expression (`PT10M` is a literal; `${statutory_due_at}` a
variable), then read by `engine.dialect.timers` in the engine's zone: `timeDate` (with or
without an offset), `timeDuration` (from the moment the timer starts waiting) and `timeCycle`
(`R/...`, `Rn/...`, `Rn/start/duration`, or cron). The due time is kept in the task's internal
data as ISO text in UTC, which the timers table projects; a cycle also keeps how often it fired.
"""

from __future__ import annotations

from datetime import UTC, datetime

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
)
from SpiffWorkflow.bpmn.util import PendingBpmnEvent
from SpiffWorkflow.util.task import TaskState

from engine import clock
from engine.dialect.timers import TimerDefinitionError, schedule_for


def _schedule(definition, kind: str, my_task):
    value = my_task.workflow.script_engine.evaluate(my_task, definition.expression)
    try:
        return schedule_for(kind, value, zone=clock.zone())
    except TimerDefinitionError as error:
        raise WorkflowTaskException(f"{my_task.task_spec.bpmn_id}: {error}", task=my_task) from error


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


class _OnceTimer:
    kind = ""

    def has_fired(self, my_task):
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            event_value = _iso(_schedule(self, self.kind, my_task).first_due(clock.now()))
            if event_value is None:
                raise WorkflowTaskException(
                    f"{my_task.task_spec.bpmn_id}: the timer's cycle has ended", task=my_task
                )
            my_task._set_internal_data(event_value=event_value)
        if datetime.fromisoformat(event_value) <= clock.now():
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)

    def details(self, my_task):
        return PendingBpmnEvent(self.name, self.__class__.__name__, my_task._get_internal_data("event_value"))


class CamundaTimeDate(_OnceTimer, TimeDateEventDefinition):
    """A `timeDate` timer: due at a moment."""

    kind = "timeDate"


class CamundaTimeDuration(_OnceTimer, DurationTimerEventDefinition):
    """A `timeDuration` timer: due a duration after it starts waiting."""

    kind = "timeDuration"


class CamundaTimeCycle(CycleTimerEventDefinition):
    """A `timeCycle` timer: due again and again until its repetitions run out."""

    def cycle_complete(self, my_task):
        event_value = my_task._get_internal_data("event_value")
        schedule = _schedule(self, "timeCycle", my_task)
        if event_value is None:
            event_value = {"next": _iso(schedule.first_due(clock.now())), "fired": 0}
        ready = False
        due = event_value["next"]
        if due is not None and datetime.fromisoformat(due) <= clock.now():
            event_value["fired"] += 1
            following = schedule.next_due(
                datetime.fromisoformat(due).astimezone(clock.zone()), event_value["fired"]
            )
            event_value["next"] = _iso(following)
            ready = True
        if event_value["next"] is None:
            my_task._set_internal_data(event_fired=True)
        my_task._set_internal_data(event_value=event_value)
        return ready

    def update_task(self, my_task):
        if not self.cycle_complete(my_task):
            return
        for output in my_task.task_spec.outputs:
            child = my_task._add_child(output, TaskState.FUTURE)
            child.task_spec._predict(child, mask=TaskState.NOT_FINISHED_MASK)
            child.task_spec._update(child)

    def details(self, my_task):
        event_value = my_task._get_internal_data("event_value") or {}
        return PendingBpmnEvent(self.name, self.__class__.__name__, event_value.get("next"))


class CamundaFirstOfCycle(_OnceTimer, TimeDateEventDefinition):
    """A `timeCycle` on an intermediate catch event: it goes on at the cycle's first due time."""

    kind = "timeCycle"


TIMER_DEFINITIONS = {
    "timeDate": CamundaTimeDate,
    "timeDuration": CamundaTimeDuration,
    "timeCycle": CamundaTimeCycle,
}
ONE_SHOT = {**TIMER_DEFINITIONS, "timeCycle": CamundaFirstOfCycle}
TIMER_CLASSES = (*TIMER_DEFINITIONS.values(), CamundaFirstOfCycle)


class CamundaTimerParser:
    """Build timer events that read their definitions the Camunda way (mixed into event parsers)."""

    def parse_timer_event(self, event):
        description = self.get_event_description(event)
        name = self.node.get("name", self.node.get("id"))
        # only boundary and start events repeat; a catch event in the flow waits once
        repeats = self.node.tag.endswith(("}boundaryEvent", "}startEvent"))
        for kind, definition_class in (TIMER_DEFINITIONS if repeats else ONE_SHOT).items():
            found = event.find(f"{{http://www.omg.org/spec/BPMN/20100524/MODEL}}{kind}")
            if found is not None:
                return definition_class(name, (found.text or "").strip(), description=description)
        self.raise_validation_exception(
            f"timer event {self.node.get('id')} has no timeDate, timeDuration or timeCycle; give it one"
        )
