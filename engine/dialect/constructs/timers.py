"""Timer start events: a process's timer start waits for the engine's timer of its definition, never the case.

The expression reading and the ISO 8601 and cron forms are `engine.dialect.timer_events`
and `engine.dialect.timers`; what is here makes the start event of a process wait until
`engine.runtime.events.start_events` starts a case at it, so that a case started another
way never reads its time.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.specs.event_definitions.base import EventDefinition

from engine.dialect.constructs.vocabulary import B

KINDS = ("timeDate", "timeDuration", "timeCycle")


class TimerStart(EventDefinition):
    """A timer start event of a process, of one `kind` (timeDate, timeDuration or timeCycle)."""

    kind = ""

    def __init__(self, name, expression, **kwargs):
        super().__init__(name, **kwargs)
        self.expression = expression


class DateStart(TimerStart):
    """A timer start event at a date (`timeDate`)."""

    kind = "timeDate"


class DurationStart(TimerStart):
    """A timer start event a duration after the deployment (`timeDuration`)."""

    kind = "timeDuration"


class CycleStart(TimerStart):
    """A timer start event that repeats (`timeCycle`: R3/2030-01-01T09:00:00Z/P1D, or a cron)."""

    kind = "timeCycle"


def timer_start(event, parsed):
    """Return the parsed timer of a process's start event `event` as a timer start."""
    for kind in (DateStart, DurationStart, CycleStart):
        found = event.find(f"{B}{kind.kind}")
        if found is not None:
            return kind(parsed.name, (found.text or "").strip(), description=parsed.description)
    return parsed


CONVERTERS = {
    kind: TimerConditionalEventDefinitionConverter for kind in (DateStart, DurationStart, CycleStart)
}
