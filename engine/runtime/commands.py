"""The engine's commands. Each runs inside the caller's unit of work.

Every command loads the case, applies itself, runs the engine to the next wait
states, and saves state, projections and history together.
"""

from __future__ import annotations

import json
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import ErrorEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask as UserTaskMixin
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, or_, update
from sqlalchemy.orm import Session

from engine.dialect.constructs.async_steps import is_held
from engine.dialect.parser import ExternalServiceTask, VariablesMessageEventDefinition
from engine.errors import Conflict, InvalidCommand, NotFound
from engine.runtime import cases, forms, waits
from engine.runtime.definitions import require_latest
from engine.runtime.events import signals, starts
from engine.runtime.events.starts import require_variables
from engine.runtime.jobs import continuations
from store import returned
from store.models import Case, ExternalTask, ProcessDefinition, Timer, UserTask
from store.returned import every_column

Variables = dict[str, Any]


def start_case(session: Session, key: str, business_key: str | None, variables: Variables, actor: str) -> str:
    """Start a case of the newest version of process `key`; return its id."""
    return start_case_of(session, require_latest(session, key), business_key, variables, actor)


def start_case_of(
    session: Session,
    definition: ProcessDefinition,
    business_key: str | None,
    variables: Variables,
    actor: str,
) -> str:
    """Start a case of this very version of a process at its initial start event; return its id."""
    case = starts.start(session, definition, business_key, variables, actor)
    signals.broadcast(session, case, actor)
    return case.id


def complete_user_task(
    session: Session, task_id: str, data: Variables, actor: str, username: str | None = None
) -> str:
    """Complete a ready user task with the data the person entered; return the case id.

    `username` is the person completing it (None for a client that is no person): a task
    claimed by someone else is refused. The check is a conditional UPDATE inside this
    transaction, so a claim or a completion at the same moment cannot slip in between.
    """
    require_variables(data)
    row = _claim_for_completion(session, task_id, actor, username)
    case = cases.open_case(session, row.case_id)
    task = waits.find_task(case.workflow, task_id)
    if task is None or not task.has_state(TaskState.READY) or not isinstance(task.task_spec, UserTaskMixin):
        raise Conflict(f"user task {task_id} is not ready in its case")
    data = forms.read_submission(task.task_spec, data)
    case.history.append(
        "user_task_completed", actor, row.element_id, task_id=task_id, data=data, clock=case.now.isoformat()
    )
    task.data.update(data)
    if cases.before_leaving(case, task):
        with cases.diagram_errors():
            task.run()  # its complete and end listeners run here
    cases.advance(case)
    _save(session, case, actor)
    return case.id


_USER_TASKS = UserTask.__table__.c
_CLAIM_FOR_COMPLETION = (  # built once, run as Core (store/returned.py): every completion claims its task
    update(UserTask.__table__)
    .where(
        _USER_TASKS.id == bindparam("task_id"),
        _USER_TASKS.status == "open",
        _USER_TASKS.completed_by.is_(None),
        or_(_USER_TASKS.assignee.is_(None), _USER_TASKS.assignee == bindparam("username")),
    )
    .values(completed_by=bindparam("actor"))
    .returning(*every_column(UserTask))
)


def _claim_for_completion(session: Session, task_id: str, actor: str, username: str | None) -> UserTask:
    """Mark an open task as being completed by `actor`, if nobody else holds or completes it."""
    held = {"task_id": task_id, "actor": actor, "username": username}
    claimed = returned.claimed(session, UserTask, _CLAIM_FOR_COMPLETION, held)
    if claimed:
        return claimed[0]
    row = session.get(UserTask, task_id, populate_existing=True)
    if row is None:
        raise NotFound(f"no user task with id {task_id!r}")
    if row.status != "open" or row.completed_by is not None:
        raise Conflict(f"user task {task_id} is {row.status}, not open")
    raise Conflict(f"task {task_id} is claimed by {row.assignee}")


def complete_external_task(session: Session, task: ExternalTask, variables: Variables, actor: str) -> str:
    """Finish an external task with the variables its worker returned."""
    require_variables(variables)
    case, engine_task = _open_external(session, task)
    case.settled_tasks.add(task.id)  # it was locked by its worker: a task with an incident is not
    case.history.append(
        "external_task_completed",
        actor,
        task.element_id,
        task_id=task.id,
        topic=task.topic,
        variables=variables,
        clock=case.now.isoformat(),
    )
    engine_task.data.update(variables)
    if cases.before_leaving(case, engine_task):
        engine_task.complete()
    cases.advance(case)
    _save(session, case, actor)
    return case.id


def throw_bpmn_error(
    session: Session, task: ExternalTask, code: str, message: str, variables: Variables, actor: str
) -> bool:
    """Throw BPMN error `code` from an external task; return False if nothing catches it."""
    require_variables(variables)
    case, engine_task = _open_external(session, task)
    event = BpmnEvent(bpmn_error_event(code, message), payload=variables, target=engine_task.workflow)
    engine_task.data.update(variables)
    if not _error_is_caught(case.workflow, event):
        return False
    case.history.append(
        "bpmn_error_thrown",
        actor,
        task.element_id,
        task_id=task.id,
        code=code,
        message=message,
        variables=variables,
        clock=case.now.isoformat(),
    )
    case.workflow.catch(event)
    cases.advance(case)
    _save(session, case, actor)
    return True


def bpmn_error_event(code: str, message: str | None):
    """Return the error a worker throws: its code, and its message (for errorMessageVariable)."""
    return ErrorEventDefinition(message or "", code)


def _error_is_caught(workflow, event) -> bool:
    """Tell whether a waiting error catch event in the case matches `event`."""
    return any(
        t.task_spec.event_definition.catches(t, event)
        for t in workflow.event_manager.tasks.values()
        if isinstance(t.task_spec.event_definition, ErrorEventDefinition)
    )


def _open_external(session: Session, task: ExternalTask):
    case = cases.open_case(session, task.case_id)
    engine_task = waits.find_task(case.workflow, task.id)
    if (
        engine_task is None
        or not engine_task.has_state(TaskState.STARTED)
        or not isinstance(engine_task.task_spec, ExternalServiceTask)
    ):
        raise Conflict(f"external task {task.id} is not waiting in its case")
    return case, engine_task


def correlate_message(session: Session, case_id: str, name: str, variables: Variables, actor: str) -> None:
    """Deliver message `name` to the case the correlation chose."""
    require_variables(variables)
    case = cases.open_case(session, case_id)
    if not any(m.message_name == name for m in waits.waiting_messages(case.workflow)):
        raise Conflict(f"case {case_id} is not waiting for message {name!r}")
    case.history.append(
        "message_correlated", actor, name=name, variables=variables, clock=case.now.isoformat()
    )
    with cases.diagram_errors():
        case.workflow.catch(BpmnEvent(VariablesMessageEventDefinition(name), payload=variables))
    cases.advance(case)
    _save(session, case, actor)


def fire_timer(session: Session, timer: Timer, actor: str) -> None:
    """Fire a due timer through the engine, or run a due job (an async continuation)."""
    case = cases.open_case(session, timer.case_id)
    engine_task = waits.find_task(case.workflow, timer.id)
    if timer.kind == "job":
        if engine_task is None or not is_held(engine_task):
            raise Conflict(f"job {timer.id} no longer waits in its case")
        continuations.run_job(session, case, engine_task, timer, actor)
        return
    if engine_task is None or not engine_task.has_state(TaskState.WAITING):
        raise Conflict(f"timer {timer.id} no longer waits in its case")
    before = json.dumps(engine_task.internal_data.get("event_value"), sort_keys=True, default=str)
    with cases.diagram_errors():
        case.workflow.refresh_timers()
    after = json.dumps(engine_task.internal_data.get("event_value"), sort_keys=True, default=str)
    # a cycle stays waiting for its next due time; it fired when its count moved on
    if engine_task.has_state(TaskState.WAITING) and after == before:
        raise Conflict(f"timer {timer.id} is not due yet by the engine's clock")
    case.history.append(
        "timer_fired",
        actor,
        timer.element_id,
        timer_id=timer.id,
        due_at=timer.due_at.isoformat(),
        clock=case.now.isoformat(),
    )
    cases.advance(case)
    _save(session, case, actor)


def delete_case(session: Session, case_id: str, reason: str | None, actor: str) -> None:
    """End a running case where it stands, cancelling what it waits for; the reason goes to history."""
    case = _running(session, case_id)
    case.history.append("case_deleted", actor, reason=reason, clock=case.now.isoformat())
    with cases.diagram_errors():
        case.workflow.cancel()  # the end and delete listeners of what was waiting run here
    case.row.status, case.row.ended_at = "deleted", case.now
    _save(session, case, actor)


def change_variables(
    session: Session, case_id: str, modifications: Variables, deletions: list[str], actor: str
) -> None:
    """Set and remove variables of a running case, as a person or a client asked."""
    require_variables(modifications)
    if not isinstance(deletions, list) or not all(isinstance(name, str) for name in deletions):
        raise InvalidCommand("deletions must be a list of variable names")
    case = _running(session, case_id)
    case.history.append(
        "variables_changed",
        actor,
        modifications=modifications,
        deletions=deletions,
        clock=case.now.isoformat(),
    )
    cases.change_variables(case.workflow, modifications, deletions)
    cases.advance(case)
    _save(session, case, actor)


def _running(session: Session, case_id: str):
    case = cases.open_case(session, case_id)
    if case.row.status != "running":
        raise NotFound(f"no running case with id {case_id!r} (it is {case.row.status})")
    return case


def _save(session: Session, case, actor: str) -> None:
    """Record where the case stands and the revision it gets, save it, and hand the signals it threw on."""
    cases.finish(session, case, actor)
    signals.broadcast(session, case, actor)


def case_row(session: Session, case_id: str) -> Case:
    """Return the row of case `case_id`, or raise NotFound."""
    row = session.get(Case, case_id)
    if row is None:
        raise NotFound(f"no case with id {case_id!r}")
    return row
