"""Load a case, run it to its next wait states, and save state, projections and history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.dialect.constructs import scope
from engine.dialect.constructs.mappings import case_view, set_outside
from engine.dialect.expressions import CaseIdentity, shared_script_engine
from engine.errors import NotFound, ProcessError
from engine.runtime.calls.bindings import CalledProcesses, specs_for_state
from engine.runtime.case_cache import CASES
from engine.runtime.definitions import specs_of
from engine.runtime.history import SYSTEM, HistoryWriter
from engine.runtime.projections import reconcile
from engine.runtime.serializer import dump_state, load_state
from engine.runtime.state_summary import state_summary
from store.models import Case, ProcessDefinition


@dataclass
class OpenCase:
    """A case loaded for one command: its row, its running workflow and its history writer."""

    row: Case
    definition: ProcessDefinition
    workflow: BpmnWorkflow
    history: HistoryWriter
    now: datetime
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
    history = HistoryWriter(session, row.id, now)
    workflow.called_processes = CalledProcesses(session, definition, history)
    return OpenCase(row, definition, workflow, history, now)


def open_case(session: Session, case_id: str) -> OpenCase:
    """Load case `case_id` for a command."""
    row = session.get(Case, case_id)
    if row is None:
        raise NotFound(f"no case with id {case_id!r}")
    definition = session.get(ProcessDefinition, row.definition_id)
    spec, _ = specs_of(definition)
    workflow = CASES.take(row.id, row.revision)
    if workflow is None:
        subprocess_specs = specs_for_state(session, definition, row.state)
        workflow = load_state(row.state, spec, subprocess_specs, shared_script_engine())
    CaseIdentity.attach(workflow, row.id, row.business_key)
    now = clock.now()
    history = HistoryWriter(session, row.id, now)
    workflow.called_processes = CalledProcesses(session, definition, history)
    return OpenCase(row, definition, workflow, history, now, variables_before=scope.snapshot(workflow))


def advance(case: OpenCase) -> None:
    """Run the case's engine steps until every path waits; record what completed."""

    def did_complete(task) -> None:
        spec = task.task_spec
        if getattr(spec, "bpmn_id", None) and task.has_state(TaskState.COMPLETED):
            case.completed_elements.append(spec.bpmn_id)

    try:
        case.workflow.do_engine_steps(did_complete_task=did_complete)
    except SpiffWorkflowException as error:
        element = getattr(getattr(error, "task_spec", None), "bpmn_id", None)
        raise ProcessError(f"the diagram failed at {element or 'an element'}: {error}", element) from error
    scope.share(case.workflow, case.variables_before)  # one scope per process instance, as in Camunda
    case.variables_before = scope.snapshot(case.workflow)
    case.thrown_signals.extend(thrown_signals(case.workflow))


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
    """Store state, projections and history of the case, in the caller's transaction."""
    for element_id in case.completed_elements:
        case.history.append("element_completed", actor, element_id)
    case.completed_elements.clear()
    row = case.row
    # optimistic locking: the UPDATE holds only while the row is still at the revision read
    row.revision = next_revision(case)
    row.state = dump_state(case.workflow)
    row.updated_at = case.now
    if case.workflow.completed and row.status == "running":
        row.status = "completed"
        row.ended_at = case.now
        case.history.append("case_completed", SYSTEM)
    reconcile(session, row.id, case.workflow, case.now)
    session.flush()
    CASES.put_after_commit(session, row.id, case.workflow, row.revision)


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
