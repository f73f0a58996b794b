"""Correlate an incoming message to the waiting case, or start a case by its message start event.

As in Camunda 7 a waiting case comes first; when none waits, the newest version of the
one process with a message start event of that name starts a case, with the message's
variables and business key. Correlation keys and a case id name a running case, so with
them no case is started.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import AmbiguousCorrelation, InvalidCommand, MessageNotCorrelated
from engine.runtime import cases, commands, definitions, waits
from engine.runtime.events import signals, starts
from store.models import Case, MessageSubscription, ProcessDefinition, StartSubscription


def correlate(
    session: Session,
    name: str,
    variables: dict[str, Any],
    actor: str,
    business_key: str | None = None,
    case_id: str | None = None,
    correlation_keys: dict[str, Any] | None = None,
) -> str:
    """Deliver message `name` to the one case that waits for it and matches, or start one; return its id."""
    candidates = _candidates(session, name, business_key, case_id, correlation_keys)
    if not candidates and case_id is None and not correlation_keys:
        started = _start_by_message(session, name, variables, business_key, actor)
        if started is not None:
            return started
    _require_found(candidates, name, business_key, case_id, correlation_keys)
    if len(candidates) > 1:
        raise AmbiguousCorrelation(
            f"{len(candidates)} cases wait for message {name!r} with those keys; none was chosen"
        )
    commands.correlate_message(session, candidates[0], name, variables, actor)
    return candidates[0]


def correlate_all(
    session: Session,
    name: str,
    variables: dict[str, Any],
    actor: str,
    business_key: str | None = None,
    case_id: str | None = None,
    correlation_keys: dict[str, Any] | None = None,
) -> list[str]:
    """Deliver message `name` to every case that waits for it and matches, or start one; return their ids."""
    candidates = _candidates(session, name, business_key, case_id, correlation_keys)
    if not candidates and case_id is None and not correlation_keys:
        started = _start_by_message(session, name, variables, business_key, actor)
        if started is not None:
            return [started]
    _require_found(candidates, name, business_key, case_id, correlation_keys)
    for candidate in candidates:
        commands.correlate_message(session, candidate, name, variables, actor)
    return candidates


def _candidates(session, name, business_key, case_id, correlation_keys) -> list[str]:
    if not name:
        raise InvalidCommand("a message needs a name")
    if business_key is None and case_id is None and not correlation_keys:
        return []  # only a message start event takes a message with no keys
    candidates = _subscribed_cases(session, name, business_key, case_id)
    if correlation_keys:
        candidates = [c for c in candidates if _matches(session, c, name, correlation_keys)]
    return candidates


def _require_found(candidates, name, business_key, case_id, correlation_keys) -> None:
    if business_key is None and case_id is None and not correlation_keys:
        raise InvalidCommand("name a business key, a case id or correlation keys to correlate by")
    if not candidates:
        raise MessageNotCorrelated(f"no case waits for message {name!r} with those keys")


def _start_by_message(session, name, variables, business_key, actor) -> str | None:
    """Start a case at the one message start event named `name`; None when no process has one."""
    query = (
        select(StartSubscription)
        .join(ProcessDefinition, ProcessDefinition.id == StartSubscription.definition_id)
        .where(StartSubscription.kind == "message", StartSubscription.name == name, definitions.live())
    )
    subscriptions = list(session.scalars(query))
    if not subscriptions:
        return None
    if len(subscriptions) > 1:
        keys = ", ".join(sorted(s.process_key for s in subscriptions))
        raise AmbiguousCorrelation(f"processes {keys} all start by message {name!r}; none was started")
    (subscription,) = subscriptions
    definition = session.get(ProcessDefinition, subscription.definition_id)
    element = subscription.element_id
    case = starts.start(
        session, definition, business_key, variables, actor, element, trigger={"message": name}
    )
    signals.broadcast(session, case, actor)
    return case.id


def _subscribed_cases(session, name, business_key, case_id) -> list[str]:
    query = (
        select(MessageSubscription.case_id)
        .join(Case, Case.id == MessageSubscription.case_id)
        .where(MessageSubscription.message_name == name, MessageSubscription.kind == "message")
        .distinct()
    )
    if business_key is not None:
        query = query.where(Case.business_key == business_key)
    if case_id is not None:
        query = query.where(Case.id == case_id)
    return sorted(session.scalars(query))


def _matches(session, case_id: str, name: str, keys: dict[str, Any]) -> bool:
    """Tell whether the task waiting for `name` in the case holds every key's value."""
    case = cases.open_case(session, case_id)
    return any(
        all(task.data.get(key) == value for key, value in keys.items())
        for task in waits.waiting_tasks_for(case.workflow, name)
    )
