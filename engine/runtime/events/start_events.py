"""Keep each process's start events: message and signal subscriptions, and timer starts as durable timers.

Deploying a new version of a process replaces the start events of the older versions,
as Camunda 7 does: their message and signal start subscriptions go, their waiting timer
starts are cancelled, and the new version's are created. A timer start event is a row
of the `timers` table with no case: the sweep that fires case timers fires it once
across serving processes, a restart does not lose it, and an `R/...` cycle schedules
its next start when it fires. The timer's value is read through the expression
evaluator, in a context without variables.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine import clock
from engine.dialect.constructs.timers import CycleStart, DurationStart, TimerStart, is_iso
from engine.dialect.expressions import evaluate, shared_script_engine
from engine.errors import InvalidDiagram
from engine.runtime import definitions
from engine.runtime.definitions import specs_of
from engine.runtime.events import signals, starts
from store.models import ProcessDefinition, StartSubscription, Timer


def deploy(session: Session, documents: dict[str, bytes], actor: str) -> list[definitions.Deployed]:
    """Deploy the documents; every new version takes over its process's start events."""
    deployed = definitions.deploy(session, documents, actor)
    for result in deployed:
        if result.created:
            register(session, session.get(ProcessDefinition, result.definition_id))
    return deployed


def register(session: Session, definition: ProcessDefinition) -> None:
    """Make the start events of `definition`, a new newest version, the ones of its process."""
    spec, subprocess_specs = specs_of(definition)
    session.execute(delete(StartSubscription).where(StartSubscription.process_key == definition.key))
    older = select(ProcessDefinition.id).where(
        ProcessDefinition.key == definition.key, ProcessDefinition.id != definition.id
    )
    for timer in session.scalars(
        select(Timer).where(
            Timer.definition_id.in_(older), Timer.case_id.is_(None), Timer.status == "waiting"
        )
    ):
        timer.status = "cancelled"
    for event in spec.bpmn_start_events:
        trigger = event.event_definition
        if isinstance(trigger, (MessageEventDefinition, SignalEventDefinition)):
            kind = "message" if isinstance(trigger, MessageEventDefinition) else "signal"
            session.add(
                StartSubscription(
                    definition_id=definition.id,
                    process_key=definition.key,
                    kind=kind,
                    name=trigger.name,
                    element_id=event.bpmn_id,
                )
            )
        elif isinstance(trigger, TimerStart):
            due_at, cycle = first_due(spec, subprocess_specs, event)
            if due_at is not None:
                session.add(_timer(definition.id, event.bpmn_id, due_at, cycle))


def first_due(spec, subprocess_specs, event) -> tuple[datetime | None, dict | None]:
    """Return when timer start `event` first fires and, for a cycle, how it repeats."""
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=shared_script_engine())
    (context,) = workflow.get_tasks(state=TaskState.READY)
    trigger = event.event_definition
    try:
        value = _value(workflow, context, trigger.expression)
        now = clock.now()
        if isinstance(trigger, CycleStart):
            cycles, start, duration = TimerEventDefinition.parse_iso_recurring_interval(value)
            if cycles == 0:
                return None, None
            left = cycles - 1 if cycles > 0 else -1
            return clock.as_utc(start), {"left": left, "seconds": duration.total_seconds()}
        if isinstance(trigger, DurationStart):
            parsed = TimerEventDefinition.parse_iso_duration(value)
            return now + TimerEventDefinition.get_timedelta_from_start(parsed, now), None
        return clock.as_utc(TimerEventDefinition.get_datetime(value)), None
    except Exception as error:  # the diagram's timer expression, not licflow, is at fault
        raise InvalidDiagram(
            f'process {spec.name}: timer start event "{event.bpmn_id}" has no time licflow reads '
            f"({trigger.expression!r}): {error}"
        ) from error


def fire(session: Session, timer: Timer, actor: str) -> str:
    """Start a case for a due timer start event; schedule the cycle's next start; return the case id."""
    definition = session.get(ProcessDefinition, timer.definition_id)
    case = starts.start(
        session,
        definition,
        None,
        {},
        actor,
        timer.element_id,
        trigger={"timer_id": timer.id, "due_at": clock.as_utc(timer.due_at).isoformat()},
    )
    settle(session, timer, "fired")
    signals.broadcast(session, case, actor)
    return case.id


def settle(session: Session, timer: Timer, status: str) -> None:
    """Mark a timer start `status` (fired, failed) and schedule the next start of its cycle."""
    now = clock.now()
    timer.status, timer.fired_at = status, now
    following = next_start(timer, now)
    if following is not None:
        session.add(following)


def _value(workflow, context, expression: str) -> str:
    """Return a timer's text: an ISO value as written, or its expression evaluated (no variables)."""
    text = (expression or "").strip()
    if "${" not in text and is_iso(text):
        return text
    return str(evaluate(workflow, context, text)).strip()


def next_start(timer: Timer, now: datetime) -> Timer | None:
    """Return the next timer of a cycle after `timer` fired, skipping starts missed while down."""
    cycle = timer.cycle
    if not cycle or cycle["left"] == 0:
        return None
    step = timedelta(seconds=cycle["seconds"])
    due = clock.as_utc(timer.due_at) + step
    while due <= now:
        due += step
    left = cycle["left"] - 1 if cycle["left"] > 0 else -1
    return _timer(timer.definition_id, timer.element_id, due, {"left": left, "seconds": cycle["seconds"]})


def _timer(definition_id: int, element_id: str, due_at: datetime, cycle: dict | None) -> Timer:
    return Timer(
        id=str(uuid.uuid4()),
        case_id=None,
        definition_id=definition_id,
        element_id=element_id,
        due_at=due_at,
        status="waiting",
        cycle=cycle,
    )
