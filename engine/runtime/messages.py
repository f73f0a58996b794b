"""Correlate an incoming message to exactly one waiting case."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.specs.defaults import StartEvent
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import AmbiguousCorrelation, InvalidCommand, MessageNotCorrelated
from engine.runtime import cases, commands, definitions, waits
from store.models import Case, MessageSubscription, ProcessDefinition


def correlate(
    session: Session,
    name: str,
    variables: dict[str, Any],
    actor: str,
    business_key: str | None = None,
    case_id: str | None = None,
    correlation_keys: dict[str, Any] | None = None,
) -> str:
    """Deliver message `name` to the one case that waits for it and matches; return its id."""
    candidates = _candidates(session, name, business_key, case_id, correlation_keys)
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
    """Deliver message `name` to every case that waits for it and matches; return their ids."""
    candidates = _candidates(session, name, business_key, case_id, correlation_keys)
    for candidate in candidates:
        commands.correlate_message(session, candidate, name, variables, actor)
    return candidates


def _candidates(session, name, business_key, case_id, correlation_keys) -> list[str]:
    if not name:
        raise InvalidCommand("a message needs a name")
    if business_key is None and case_id is None and not correlation_keys:
        raise InvalidCommand("name a business key, a case id or correlation keys to correlate by")
    candidates = _subscribed_cases(session, name, business_key, case_id)
    if correlation_keys:
        candidates = [c for c in candidates if _matches(session, c, name, correlation_keys)]
    if not candidates:
        starting = message_start_processes(session, name)
        if starting:
            raise MessageNotCorrelated(
                f"no case waits for message {name!r} with those keys, and licflow does not start cases "
                f"by message: the message start event of {', '.join(starting)} is not run"
            )
        raise MessageNotCorrelated(f"no case waits for message {name!r} with those keys")
    return candidates


def message_start_processes(session: Session, name: str) -> list[str]:
    """Return the keys of deployed processes whose start event waits for message `name`."""
    keys = sorted(set(session.scalars(select(ProcessDefinition.key).where(definitions.live()))))
    found = []
    for key in keys:
        spec, _ = definitions.specs_of(definitions.latest_definition(session, key))
        for task_spec in spec.task_specs.values():
            definition = getattr(task_spec, "event_definition", None)
            if isinstance(task_spec, StartEvent) and getattr(definition, "name", None) == name:
                found.append(key)
    return found


def _subscribed_cases(session, name, business_key, case_id) -> list[str]:
    query = (
        select(MessageSubscription.case_id)
        .join(Case, Case.id == MessageSubscription.case_id)
        .where(MessageSubscription.message_name == name)
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
