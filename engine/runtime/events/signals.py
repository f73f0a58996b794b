"""Broadcast signals: a signal thrown in one case reaches every other case and start event waiting for it.

As in Camunda 7 the delivery happens in the same transaction as the throw: the cases
that catch it move on, and the processes with a signal start event of that name (their
newest versions) start a case each. What those cases throw in turn travels the same way.
A signal carries no variables.
"""

from __future__ import annotations

from collections import deque

from SpiffWorkflow.bpmn.util import BpmnEvent
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.dialect.constructs.specs import BroadcastSignal
from engine.errors import InvalidCommand, ProcessError
from engine.runtime import cases, waits
from engine.runtime.events import starts
from store.models import MessageSubscription, ProcessDefinition, StartSubscription

MAX_DELIVERIES = 10_000  # a diagram whose signals start cases that signal again must end somewhere


def throw(session: Session, name: str, actor: str) -> list[str]:
    """Throw signal `name` from outside the cases; return the ids of the cases it reached or started."""
    if not name:
        raise InvalidCommand("a signal needs a name")
    return _spread(session, deque([(name, None)]), actor)


def broadcast(session: Session, case: cases.OpenCase, actor: str) -> list[str]:
    """Hand the signals `case` threw to every other waiting case and signal start event."""
    queue = deque((name, case.id) for name in case.thrown_signals)
    case.thrown_signals.clear()
    return _spread(session, queue, actor) if queue else []


def _spread(session: Session, queue: deque, actor: str) -> list[str]:
    reached: list[str] = []
    while queue:
        name, source = queue.popleft()
        for case_id in _waiting_cases(session, name, source):
            caught = _deliver(session, case_id, name, actor)
            reached.append(case_id)
            queue.extend((thrown, case_id) for thrown in caught.thrown_signals)
            caught.thrown_signals.clear()
        for subscription in _start_events(session, name):
            definition = session.get(ProcessDefinition, subscription.definition_id)
            started = starts.start(
                session, definition, None, {}, actor, subscription.element_id, trigger={"signal": name}
            )
            reached.append(started.id)
            queue.extend((thrown, started.id) for thrown in started.thrown_signals)
            started.thrown_signals.clear()
        if len(reached) > MAX_DELIVERIES:
            raise ProcessError(f"signal {name!r} reached more than {MAX_DELIVERIES} cases: the signals loop")
    return reached


def _waiting_cases(session: Session, name: str, source: str | None) -> list[str]:
    query = (
        select(MessageSubscription.case_id)
        .where(MessageSubscription.kind == "signal", MessageSubscription.message_name == name)
        .distinct()
    )
    if source is not None:
        query = query.where(MessageSubscription.case_id != source)
    return sorted(session.scalars(query))


def _start_events(session: Session, name: str) -> list[StartSubscription]:
    query = select(StartSubscription).where(
        StartSubscription.kind == "signal", StartSubscription.name == name
    )
    return list(session.scalars(query.order_by(StartSubscription.process_key, StartSubscription.id)))


def _deliver(session: Session, case_id: str, name: str, actor: str) -> cases.OpenCase:
    case = cases.open_case(session, case_id)
    if any(s.message_name == name for s in waits.waiting_signals(case.workflow)):
        case.history.append("signal_received", actor, name=name, clock=case.now.isoformat())
        catch_signal(case.workflow, name)
        cases.advance(case)
        cases.finish(session, case, actor)
    return case


def catch_signal(workflow, name: str) -> None:
    """Deliver signal `name` to the catches waiting in `workflow` (it does not travel on from there)."""
    workflow.event_manager.catch(BpmnEvent(BroadcastSignal(name)), internal=False)
