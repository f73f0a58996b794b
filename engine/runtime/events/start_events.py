"""Keep each process's start events: message and signal subscriptions, and timer starts as durable timers.

Deploying a new version of a process replaces the start events of the older versions, as
Camunda 7 does: their message and signal start subscriptions go, their waiting timer starts
are cancelled, and the new version's are created; deleting its deployment gives them back
to the newest version left. A timer start event is a row of the `timers` table with no
case: the sweep that fires case timers fires it once across serving processes, a restart
does not lose it, and an `R/...` cycle schedules its next start when it fires. The timer's
value is read as every timer's is (`engine.dialect.timers`), its expression evaluated in a
context without variables.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine import clock
from engine.dialect.constructs.conditions import WatchedCondition
from engine.dialect.constructs.timers import CycleStart, TimerStart
from engine.dialect.expressions import shared_script_engine
from engine.dialect.timers import schedule_for
from engine.errors import InvalidDiagram
from engine.runtime.definitions import latest_definition, specs_of
from engine.runtime.events import signals, starts
from store.models import ProcessDefinition, StartSubscription, Timer


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
        elif isinstance(trigger, WatchedCondition):  # started through events.condition_starts
            session.add(
                StartSubscription(
                    definition_id=definition.id,
                    process_key=definition.key,
                    kind="conditional",
                    name=trigger.expression[:200],
                    element_id=event.bpmn_id,
                )
            )
        elif isinstance(trigger, TimerStart):
            due_at, cycle = first_due(spec, subprocess_specs, event)
            if due_at is not None:
                session.add(_timer(definition.id, event.bpmn_id, due_at, cycle))


def restore(session: Session, key: str) -> None:
    """Give process `key`'s start events to its newest version left (none: the process starts no cases)."""
    newest = latest_definition(session, key)
    if newest is not None:
        register(session, newest)
        return
    session.execute(delete(StartSubscription).where(StartSubscription.process_key == key))
    of_key = select(ProcessDefinition.id).where(ProcessDefinition.key == key)
    waiting = select(Timer).where(Timer.case_id.is_(None), Timer.status == "waiting")
    for timer in session.scalars(waiting.where(Timer.definition_id.in_(of_key))):
        timer.status = "cancelled"


def first_due(spec, subprocess_specs, event) -> tuple[datetime | None, dict | None]:
    """Return when timer start `event` first fires and, for a cycle, what it repeats by."""
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=shared_script_engine())
    (context,) = workflow.get_tasks(state=TaskState.READY)
    trigger = event.event_definition
    try:
        value = workflow.script_engine.evaluate(context, trigger.expression)
        due = schedule_for(trigger.kind, value, zone=clock.zone()).first_due(clock.now())
    except Exception as error:  # the diagram's timer, not licflow, is at fault
        raise InvalidDiagram(
            f'process {spec.name}: timer start event "{event.bpmn_id}" has no time licflow reads: {error}'
        ) from error
    cycle = {"value": str(value), "fired": 0} if isinstance(trigger, CycleStart) else None
    return (clock.as_utc(due) if due is not None else None), cycle


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


def next_start(timer: Timer, now: datetime) -> Timer | None:
    """Return the next timer of a cycle after `timer` fired; starts missed while down fire once."""
    if not timer.cycle:
        return None
    schedule = schedule_for("timeCycle", timer.cycle["value"], zone=clock.zone())
    fired = timer.cycle["fired"] + 1
    due = schedule.next_due(clock.local(timer.due_at), fired)
    while due is not None and due <= now:
        fired += 1
        due = schedule.next_due(due, fired)
    if due is None:
        return None
    cycle = {"value": timer.cycle["value"], "fired": fired}
    return _timer(timer.definition_id, timer.element_id, clock.as_utc(due), cycle)


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
