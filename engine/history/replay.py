"""Rebuild a case from its pinned definition and its recorded inputs alone, checking every step.

Each recorded command is replayed with the engine's clock held at the reading the
command recorded; after each step the elements completed, the elements the case
waits in and a digest of its data must match what the command recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.dialect.constructs import scope
from engine.errors import NotFound
from engine.history.replay_steps import CannotApply, Step, apply, run, start, steps_of
from engine.runtime.calls.bindings import CalledProcesses, recorded_bindings
from engine.runtime.cases import case_variables, fire_before_leaving
from engine.runtime.definitions import specs_of
from engine.runtime.state_summary import state_summary
from store.models import Case, HistoryEvent, ProcessDefinition

# para 13: the result is the license, the reasoned refusal or the refusal to consider
DECISION_ELEMENTS = ("issue_license", "issue_refusal", "refuse_to_consider")


@dataclass(frozen=True)
class Divergence:
    """The first step at which the rebuilt case differs from the record, and how."""

    step: int
    seq: int
    how: str


@dataclass
class Replay:
    """What a replay of one case found."""

    case_id: str
    events: int
    steps: int
    divergence: Divergence | None = None
    steps_replayed: int = 0
    variables: dict[str, Any] = field(default_factory=dict)
    step_variables: list[dict[str, Any]] = field(default_factory=list)
    decided_at: datetime | None = None
    completed: bool = False

    @property
    def reproduced(self) -> bool:
        return self.divergence is None

    @property
    def statutory_due_at(self) -> datetime | None:
        due = self.variables.get("statutory_due_at")
        return datetime.fromisoformat(due) if isinstance(due, str) else None


def load_recording(session: Session, case_id: str) -> tuple[Case, ProcessDefinition, list[HistoryEvent]]:
    """Return a case's row, its pinned definition and its history in order."""
    row = session.get(Case, case_id)
    if row is None:
        raise NotFound(f"no case with id {case_id!r}")
    definition = session.get(ProcessDefinition, row.definition_id)
    events = list(
        session.scalars(
            select(HistoryEvent).where(HistoryEvent.case_id == case_id).order_by(HistoryEvent.seq)
        )
    )
    return row, definition, events


def replay_case(session: Session, case_id: str) -> Replay:
    """Replay a case against the definition version it is pinned to."""
    _, definition, events = load_recording(session, case_id)
    spec, subprocess_specs = specs_of(definition)
    return replay_events(
        case_id, events, spec, subprocess_specs, calls=recorded_calls(session, definition, events)
    )


def recorded_calls(session: Session, definition: ProcessDefinition, events: list) -> CalledProcesses:
    """Return a resolver that calls, in a replay, the process versions the case called."""
    return CalledProcesses(session, definition, recorded=recorded_bindings(events))


def replay_events(
    case_id: str,
    events: list,
    spec,
    subprocess_specs: dict,
    strict: bool = True,
    keep_steps: bool = False,
    calls: CalledProcesses | None = None,
) -> Replay:
    """Replay recorded events against a spec; `strict` stops at the first divergence."""
    steps = steps_of(events)
    result = Replay(case_id, len(events), len(steps))
    workflow = None
    for step in steps:
        with clock.reading(step.clock):
            try:
                if workflow is None:
                    workflow, before = start(step, spec, subprocess_specs, case_id, calls), {}
                    early: list[str] = []
                else:
                    before, early = scope.snapshot(workflow), []
                    before = _applied(workflow, step, before, early)
                completed = early + run(workflow, before)
            except (CannotApply, SpiffWorkflowException) as error:
                result.divergence = result.divergence or Divergence(step.number, step.input.seq, str(error))
                break
        result.steps_replayed = step.number
        if step.input.element_id in DECISION_ELEMENTS and step.input.kind == "external_task_completed":
            result.decided_at = step.clock
        if keep_steps:
            result.step_variables.append(case_variables(workflow))
        how = compare(step, completed, workflow)
        if how and result.divergence is None:
            result.divergence = Divergence(step.number, step.input.seq, how)
            if strict:
                break
    if workflow is not None:
        result.variables = case_variables(workflow)
        result.completed = workflow.completed
    return result


def _applied(workflow, step: Step, before: dict, early: list[str]) -> dict:
    """Apply the step as its command did; return the scope's snapshot (conditions may fire first)."""
    shared = [before]

    def leaving(task) -> bool:
        stays, shared[0] = fire_before_leaving(workflow, shared[0], early, task)
        return stays

    apply(workflow, step, leaving)
    return shared[0]


def compare(step: Step, completed: list[str], workflow) -> str | None:
    """Say how the rebuilt step differs from the recorded one, or None when it matches."""
    if completed != step.completed:
        extra = [e for e in completed if e not in step.completed]
        missing = [e for e in step.completed if e not in completed]
        return f"after {_name(step)} the path differs: completed {extra or '-'} instead of {missing or '-'}"
    if step.state is not None:
        rebuilt = state_summary(workflow)
        waiting, recorded = rebuilt["waiting"], step.state["waiting"]
        if waiting != recorded:
            return f"after {_name(step)} the case waits in {waiting} instead of {recorded}"
        if rebuilt["state_digest"] != step.state["state_digest"]:
            return f"after {_name(step)} the case's data differ from the record"
    if workflow.completed != step.case_completed:
        ended = "ended" if workflow.completed else "did not end"
        return f"after {_name(step)} the case {ended}, unlike the record"
    return None


def _name(step: Step) -> str:
    where = f" {step.input.element_id}" if step.input.element_id else ""
    return f"step {step.number} ({step.input.kind}{where})"
