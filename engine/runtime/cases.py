"""Load a case, run it to its next wait states, and save state, projections and history."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from engine import clock
from engine.dialect.constructs import conditions, scope
from engine.dialect.constructs.mappings import case_view, set_outside
from engine.dialect.expressions import CaseIdentity, shared_script_engine
from engine.errors import NotFound, ProcessError
from engine.runtime.calls.bindings import CalledProcesses, specs_for_state
from engine.runtime.case_cache import CASES
from engine.runtime.definitions import WITHOUT_BODY_COLUMNS, specs_of
from engine.runtime.history import GENESIS, SYSTEM, HistoryWriter, last_event_query
from engine.runtime.projections import NOTHING, Waits, reconcile, waits_of
from engine.runtime.serializer import dump_state, load_state
from engine.runtime.state_summary import state_summary
from store import direct
from store.db import is_reading
from store.models import Case, HistoryEvent, ProcessDefinition
from store.returned import persistent


@dataclass
class OpenCase:
    """A case loaded for one command: its row, its running workflow and its history writer."""

    row: Case
    definition: ProcessDefinition
    workflow: BpmnWorkflow
    history: HistoryWriter
    now: datetime
    saved_waits: Waits = NOTHING  # where the saved state waits: the projection rows that exist
    settled_tasks: set[str] = field(default_factory=set)  # external tasks known to have no open incident
    completed_elements: list[str] = field(default_factory=list)
    thrown_signals: list[str] = field(default_factory=list)  # to hand on to the other cases
    variables_before: dict[str, dict] = field(default_factory=dict)  # scope.snapshot when opened

    @property
    def id(self) -> str:
        return self.row.id


def new_case(session: Session, definition: ProcessDefinition, business_key, variables) -> OpenCase:
    """Create a case of `definition` with start variables, not yet run."""
    now = clock.now()
    spec, subprocess_specs = specs_of(definition)
    workflow = BpmnWorkflow(spec, dict(subprocess_specs), script_engine=shared_script_engine())
    for task in workflow.get_tasks(state=TaskState.READY):  # the start task
        task.data.update(variables)
    row = Case(
        id=str(uuid.uuid4()),
        business_key=business_key,
        definition_id=definition.id,
        status="running",
        state="",
        started_at=now,
        updated_at=now,
        revision=0,  # not saved yet: its first command makes it revision 1
    )
    session.add(row)
    CaseIdentity.attach(workflow, row.id, business_key)
    history = HistoryWriter(session, row.id, now, head=(0, GENESIS))
    workflow.called_processes = CalledProcesses(session, definition, history)
    return OpenCase(row, definition, workflow, history, now)


def open_case(session: Session, case_id: str) -> OpenCase:
    """Load case `case_id` for a command: its row, its definition and its history's head in one query.

    The state (the largest column) is read only when the cache holds no workflow at the
    row's revision, and a definition's spec only when its parsed copy is not in memory.
    """
    row, definition, last_seq, last_hash = _case_and_definition(session, case_id)
    spec, _ = specs_of(definition)
    cached = _read_in_this_transaction(session, row.id) or CASES.take(row.id, row.revision)
    if cached is None:
        state = _state_of(session, row)
        subprocess_specs = specs_for_state(session, definition, state)
        workflow = load_state(state, spec, subprocess_specs, shared_script_engine())
        saved_waits = waits_of(workflow)
    else:
        workflow, saved_waits = cached
    CaseIdentity.attach(workflow, row.id, row.business_key)
    now = clock.now()
    history = HistoryWriter(session, row.id, now, head=(last_seq or 0, last_hash or GENESIS))
    workflow.called_processes = CalledProcesses(session, definition, history)
    return OpenCase(
        row,
        definition,
        workflow,
        history,
        now,
        saved_waits=saved_waits,
        variables_before=scope.snapshot(workflow),
    )


READ_CASES = "licflow_read_cases"  # session.info: the cases read (not changed) in this transaction


def read_case(session: Session, case_id: str) -> OpenCase:
    """Load case `case_id` to read it, not to change it: its workflow goes back to the cache after commit.

    A case read twice in one transaction is loaded once. Nothing may change the workflow
    read: a command opens the case with `open_case`.
    """
    read = session.info.setdefault(READ_CASES, {})
    if case_id in read:
        return read[case_id][0]
    case = open_case(session, case_id)
    taken_over = CASES.give_back_after_commit(
        session, case.id, case.workflow, case.row.revision, case.saved_waits
    )
    read[case_id] = (case, taken_over)
    return case


def _read_in_this_transaction(session: Session, case_id: str) -> tuple[BpmnWorkflow, Waits] | None:
    """Take over the workflow of a case read (unchanged) earlier in this transaction, not to load it again."""
    found = session.info.get(READ_CASES, {}).pop(case_id, None)
    if found is None:
        return None
    case, taken_over = found
    taken_over()
    return case.workflow, case.saved_waits


def _case_and_definition(session: Session, case_id: str) -> tuple[Case, ProcessDefinition, int, str]:
    """Read the case row, its definition and its history's head in one Core query (store/returned.py)."""
    session.flush()  # what the transaction changed before is read back, as the ORM's autoflush would
    # a case the cache knows nothing of is read with its state: its workflow must be loaded
    known = CASES.knows(case_id) or case_id in session.info.get(READ_CASES, {})
    columns = _CASE_COLUMNS if known else _CASE_COLUMNS_WITH_STATE
    query = _CASE_QUERIES[columns, not is_reading(session)]  # a read locks no row
    found = direct.execute(session, query, {"case_id": case_id}).first()
    if found is None:
        raise NotFound(f"no case with id {case_id!r}")
    split = len(columns)
    (row,) = persistent(session, Case, [found[:split]], columns)
    (definition,) = persistent(session, ProcessDefinition, [found[split:-2]], WITHOUT_BODY_COLUMNS)
    return row, definition, found[-2], found[-1]


def _state_of(session: Session, row: Case) -> str:
    """Return the case's saved state, read (the largest column) only now that it is needed."""
    if "state" not in inspect(row).unloaded:
        return row.state
    state = direct.execute(session, _STATE_QUERY, {"case_id": row.id}).scalar_one()
    set_committed_value(row, "state", state)
    return state


_CASES = Case.__table__
# what a command reads of a case without its state, and of a definition without its spec and files
_CASE_COLUMNS = tuple(c for c in _CASES.c if c.key != "state")
_CASE_COLUMNS_WITH_STATE = (*_CASE_COLUMNS, _CASES.c.state)


def _case_query(columns: tuple, locking: bool):
    head = last_event_query(bindparam("case_id"))
    query = (
        select(
            *columns,
            *WITHOUT_BODY_COLUMNS,
            head.with_only_columns(HistoryEvent.seq).scalar_subquery(),
            head.with_only_columns(HistoryEvent.hash).scalar_subquery(),
        )
        .join_from(_CASES, ProcessDefinition.__table__, ProcessDefinition.id == Case.definition_id)
        .where(_CASES.c.id == bindparam("case_id"))
    )
    # PostgreSQL: a command's case row stays locked to the commit, so that two transactions never
    # append to one history chain from the same head (SQLite runs one writer at a time)
    return query.with_for_update(of=_CASES) if locking else query


_CASE_QUERIES = {
    (columns, locking): _case_query(columns, locking)
    for columns in (_CASE_COLUMNS, _CASE_COLUMNS_WITH_STATE)
    for locking in (True, False)
}
_STATE_QUERY = select(_CASES.c.state).where(_CASES.c.id == bindparam("case_id"))
# optimistic locking: the UPDATE holds only while the row is still at the revision read
_SAVE_CASE = (
    update(_CASES)
    .where(_CASES.c.id == bindparam("case_id"), _CASES.c.revision == bindparam("read_revision"))
    .values(
        {name: bindparam(f"new_{name}") for name in ("status", "state", "updated_at", "ended_at", "revision")}
    )
)


def advance(case: OpenCase) -> None:
    """Run the engine (and the conditional events) until every path waits; record what completed."""
    share = scope.sharing(
        case.workflow, case.variables_before
    )  # one scope per process instance, as in Camunda
    with diagram_errors():
        conditions.run_to_waits(
            case.workflow, completion_recorder(case.completed_elements), case_variables, share
        )
    case.variables_before = share()
    case.thrown_signals.extend(thrown_signals(case.workflow))


def before_leaving(case: OpenCase, task) -> bool:
    """Let conditional events see the variables `task` completes with; tell whether it may still complete.

    As in Camunda 7, an interrupting conditional event that the new variables make true
    fires first and cancels the task (constructs/conditions.fire_before_leaving).
    """
    if not conditions.watching(case.workflow):
        return True  # no conditional event waits: nothing to fire, no signal thrown
    stays, case.variables_before = fire_before_leaving(
        case.workflow, case.variables_before, case.completed_elements, task
    )
    case.thrown_signals.extend(thrown_signals(case.workflow))
    return stays


def fire_before_leaving(
    workflow: BpmnWorkflow, before: dict, completed: list[str], task
) -> tuple[bool, dict]:
    """Fire the conditions a completion's variables make true (sharing the one scope) and run on.

    Return whether `task` is still there to complete, and the scope's new snapshot; record
    what completed meanwhile in `completed`. Commands and replays run it alike.
    """
    if conditions.watching(workflow):
        share = scope.sharing(workflow, before)
        with diagram_errors():
            conditions.fire_before_leaving(workflow, completion_recorder(completed), case_variables, share)
        before = share()
    return task.has_state(TaskState.READY | TaskState.STARTED), before


def completion_recorder(completed: list[str]):
    """Return the engine's did-complete hook that appends each completed element's id to `completed`."""

    def did_complete(task) -> None:
        spec = task.task_spec
        if getattr(spec, "bpmn_id", None) and task.has_state(TaskState.COMPLETED):
            completed.append(spec.bpmn_id)

    return did_complete


@contextmanager
def diagram_errors() -> Iterator[None]:
    """Turn a failure of the diagram's code (an expression, a script, a listener) into ProcessError."""
    try:
        yield
    except SpiffWorkflowException as error:
        element = getattr(getattr(error, "task_spec", None), "bpmn_id", None)
        raise ProcessError(f"the diagram failed at {element or 'an element'}: {error}", element) from error


def thrown_signals(workflow: BpmnWorkflow) -> list[str]:
    """Take the events the case threw beyond itself; return the names of its signals.

    A message throw runs as a none event and an error or escalation nothing caught ends
    its path, as in Camunda 7; only signals travel on, to every other waiting case.
    """
    events = workflow.get_events()
    return [e.event_definition.name for e in events if isinstance(e.event_definition, SignalEventDefinition)]


def finish(session: Session, case: OpenCase, actor: str = SYSTEM) -> None:
    """Record where the case now stands and the revision it gets (for replay and audit), then save it."""
    revision = next_revision(case)
    case.history.append("state_reached", SYSTEM, revision=revision, **state_summary(case.workflow))
    save(session, case, actor)


def next_revision(case: OpenCase) -> int:
    """Return the revision the case row gets when this command saves it: one more than it read."""
    return case.row.revision + 1


def save(session: Session, case: OpenCase, actor: str = SYSTEM) -> None:
    """Store state, projections and history of the case, in the caller's transaction.

    One flush writes the case row (checked against the revision read) and what else the
    command added; the projections are then written by difference and the history in one
    INSERT.
    """
    for element_id in case.completed_elements:
        case.history.append("element_completed", actor, element_id)
    case.completed_elements.clear()
    row = case.row
    values = {"revision": next_revision(case), "state": dump_state(case.workflow), "updated_at": case.now}
    if case.workflow.completed and row.status == "running":
        values |= {"status": "completed", "ended_at": case.now}
        case.history.append("case_completed", SYSTEM)
    _write_case(session, row, values)
    case.saved_waits = reconcile(
        session, row.id, case.workflow, case.now, case.saved_waits, frozenset(case.settled_tasks)
    )
    case.history.write()
    CASES.put_after_commit(session, row.id, case.workflow, row.revision, case.saved_waits)


def _write_case(session: Session, row: Case, values: dict[str, Any]) -> None:
    """Insert a new case row, or update a saved one while it is at the revision read; then flush."""
    state = inspect(row)
    if not state.persistent or state.modified:  # new, or changed outside the command (status, ...)
        for name, value in values.items():
            setattr(row, name, value)
        session.flush()
        return
    session.flush()  # what else the command added, in its one flush
    current = {name: getattr(row, name) for name in ("status", "ended_at")} | values
    changed = direct.execute(
        session,
        _SAVE_CASE,
        {"case_id": row.id, "read_revision": row.revision, **{f"new_{n}": v for n, v in current.items()}},
    )
    if changed.rowcount != 1:
        raise StaleDataError(f"case {row.id} was saved by another command since revision {row.revision}")
    for name, value in values.items():
        set_committed_value(row, name, value)


def cases_by_business_key(session: Session, business_key: str) -> list[Case]:
    """Return the cases with `business_key`."""
    return list(session.scalars(select(Case).where(Case.business_key == business_key)))


def case_variables(workflow: BpmnWorkflow) -> dict[str, Any]:
    """Return the case's variables: its one scope, or (processes deployed before that) its tasks' data."""
    shared = scope.case_scope(workflow)
    if shared is not None:
        return shared
    merged: dict[str, Any] = {}
    live = TaskState.COMPLETED | TaskState.WAITING | TaskState.READY | TaskState.STARTED
    for task in sorted(workflow.get_tasks(state=live), key=lambda t: t.last_state_change):
        merged.update(case_view(task))  # an activity's local variables are not the case's
    return merged


def change_variables(workflow: BpmnWorkflow, modifications: dict[str, Any], deletions: list[str]) -> None:
    """Set variables where the case waits and remove variables from every task's data."""
    live = TaskState.WAITING | TaskState.READY | TaskState.STARTED
    for task in workflow.get_tasks():
        for name in deletions:
            task.data.pop(name, None)
        if task.has_state(live):
            set_outside(task, modifications)
    for source in scope.sources_of_waits(workflow):  # what a waiting event inherits again
        set_outside(source, modifications)
