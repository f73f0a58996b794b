"""Timer events as Camunda 7 reads their values, and timer start events that wait for the engine.

A timer's value is an ISO 8601 date, duration or cycle written as it is (`PT1H`,
`R3/2030-01-01T09:00:00Z/P1D`), or an expression (`${due}`) evaluated through the
expression evaluator; text that is neither is evaluated too, as licflow's diagrams
read it before. A timer start event of a process waits for the definition's own timer
(`engine.runtime.events.start_events`), never inside a case.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.specs.event_definitions.base import EventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)

from engine import clock
from engine.dialect.expressions import evaluate


def timer_text(task, expression: str) -> str:
    """Return a timer's ISO text: written as it is, or the value of its expression."""
    text = (expression or "").strip()
    if "${" not in text and is_iso(text):
        return text
    return str(evaluate(task.workflow, task, text)).strip()


def is_iso(text: str) -> bool:
    """Tell whether `text` is an ISO 8601 date, duration or repeating interval."""
    parsers = (TimerEventDefinition.parse_time_or_duration, TimerEventDefinition.parse_iso_recurring_interval)
    for parse in parsers:
        try:
            parse(text)
            return True
        except Exception:  # not this form; try the next
            continue
    return False


class CamundaTimeDate(TimeDateEventDefinition):
    """A timer at a date (`timeDate`)."""

    def has_fired(self, my_task):
        if my_task._get_internal_data("event_value") is None:
            my_task._set_internal_data(event_value=timer_text(my_task, self.expression))
        return super().has_fired(my_task)


class CamundaDuration(DurationTimerEventDefinition):
    """A timer a duration after the event is reached (`timeDuration`)."""

    def has_fired(self, my_task):
        if my_task._get_internal_data("event_value") is None:
            now = clock.now()
            parsed = TimerEventDefinition.parse_iso_duration(timer_text(my_task, self.expression))
            due = now + TimerEventDefinition.get_timedelta_from_start(parsed, now)
            my_task._set_internal_data(event_value=due.isoformat())
        if TimerEventDefinition.get_datetime(my_task._get_internal_data("event_value")) < clock.now():
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class CamundaCycle(CycleTimerEventDefinition):
    """A repeating timer (`timeCycle`)."""

    def cycle_complete(self, my_task):
        if my_task._get_internal_data("event_value") is None:
            text = timer_text(my_task, self.expression)
            cycles, start, duration = TimerEventDefinition.parse_iso_recurring_interval(text)
            value = {"cycles": cycles, "next": start.isoformat(), "duration": duration.total_seconds()}
            my_task._set_internal_data(event_value=value)
        return super().cycle_complete(my_task)


class TimerStart(EventDefinition):
    """A timer start event of a process: the engine's timer for the definition fires it, never the case."""

    def __init__(self, name, expression, **kwargs):
        super().__init__(name, **kwargs)
        self.expression = expression


class DateStart(TimerStart):
    """A timer start event at a date (`timeDate`)."""


class DurationStart(TimerStart):
    """A timer start event a duration after the deployment (`timeDuration`)."""


class CycleStart(TimerStart):
    """A timer start event that repeats (`timeCycle`, e.g. R3/2030-01-01T09:00:00Z/P1D)."""


CASE_TIMERS = {
    TimeDateEventDefinition: CamundaTimeDate,
    DurationTimerEventDefinition: CamundaDuration,
    CycleTimerEventDefinition: CamundaCycle,
}
START_TIMERS = {TimeDateEventDefinition: DateStart, DurationTimerEventDefinition: DurationStart}


def camunda_timer(parsed):
    """Return SpiffWorkflow's parsed timer as one that reads its value as Camunda does."""
    kind = CASE_TIMERS.get(type(parsed))
    return kind(parsed.name, parsed.expression, description=parsed.description) if kind else parsed


def timer_start(parsed):
    """Return SpiffWorkflow's parsed timer of a process start event as a timer start."""
    kind = START_TIMERS.get(type(parsed), CycleStart)
    return kind(parsed.name, parsed.expression, description=parsed.description)


CONVERTERS = {
    kind: TimerConditionalEventDefinitionConverter
    for kind in (CamundaTimeDate, CamundaDuration, CamundaCycle, DateStart, DurationStart, CycleStart)
}
