"""What a person sees of one case: its diagram, where it stands, its data and deadlines.

Read-only: nothing here changes a case or reads the clock except through `engine.clock`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock, extensions
from engine.external.tasks import open_incidents
from engine.i18n import N_, Phrase
from engine.runtime import cases
from engine.runtime.definitions import main_diagram, specs_of
from engine.runtime.documents import case_documents
from engine.runtime.history import Finding, case_history, findings_of
from store.models import (
    CaseDocument,
    CaseLabel,
    ExternalTask,
    HistoryEvent,
    Incident,
    MessageSubscription,
    ProcessDefinition,
    Timer,
    UserTask,
)

# History events whose element finished: a user or external task is completed by its
# command itself, before the engine's steps record the elements after it.
FINISHING_EVENTS = ("element_completed", "user_task_completed", "external_task_completed")


@dataclass(frozen=True)
class Element:
    """A diagram element that finished or waits, with the process it belongs to."""

    element_id: str
    name: str | None
    process_id: str
    state: str  # finished, active


@dataclass(frozen=True)
class DeadlineLine:
    """One deadline of a case and how it was counted."""

    label: str
    due_at: str
    working_days_left: int | None
    explanation: dict[str, Any] | None = None


@dataclass
class CaseView:
    """Everything the case page shows."""

    case: Any
    definition: ProcessDefinition
    label: CaseLabel | None
    diagram_xml: str | None
    variables: dict[str, Any]
    finished: set[str]
    active: set[str]
    elements: list[Element]
    deadlines: list[DeadlineLine]
    history: list[HistoryEvent]
    incidents: list[Incident]
    open_tasks: list[UserTask] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    documents: list[CaseDocument] = field(default_factory=list)

    @property
    def subprocess_elements(self) -> list[Element]:
        """Return the finished and active elements of called processes, not drawn in the main diagram."""
        return [e for e in self.elements if e.process_id != self.definition.key]


def view_case(session: Session, case_id: str) -> CaseView:
    """Return the case page's view of case `case_id`; NotFound if there is none."""
    opened = cases.read_case(session, case_id)
    definition = opened.definition
    variables = cases.case_variables(opened.workflow)
    finished = set(
        session.scalars(
            select(HistoryEvent.element_id).where(
                HistoryEvent.case_id == case_id,
                HistoryEvent.kind.in_(FINISHING_EVENTS),
                HistoryEvent.element_id.is_not(None),
            )
        )
    )
    active = _active_elements(session, case_id) | _running_call_activities(opened.workflow)
    timers = list(session.scalars(select(Timer).where(Timer.case_id == case_id, Timer.status == "waiting")))
    names = _element_names(definition)
    history = case_history(session, case_id)
    return CaseView(
        case=opened.row,
        definition=definition,
        label=session.get(CaseLabel, case_id),
        diagram_xml=main_diagram(definition),
        variables=variables,
        finished=finished - active,
        active=active,
        elements=_elements(names, finished - active, active),
        deadlines=_deadlines(variables, timers, names),
        history=history,
        incidents=open_incidents(session, case_id),
        open_tasks=list(
            session.scalars(select(UserTask).where(UserTask.case_id == case_id, UserTask.status == "open"))
        ),
        findings=findings_of(history, variables),
        documents=case_documents(session, case_id),
    )


def _active_elements(session: Session, case_id: str) -> set[str]:
    active: set[str] = set()
    for model, where in (
        (UserTask, UserTask.status == "open"),
        (ExternalTask, None),
        (Timer, Timer.status == "waiting"),
        (MessageSubscription, None),
    ):
        query = select(model.element_id).where(model.case_id == case_id)
        active |= set(session.scalars(query.where(where) if where is not None else query))
    return active


def _running_call_activities(workflow) -> set[str]:
    """Return the main process's call activities (and sub-processes) a called process runs in."""
    return {
        task.task_spec.bpmn_id
        for task in workflow.tasks.values()
        if task.has_state(TaskState.STARTED) and getattr(task.task_spec, "bpmn_id", None)
    }


def _element_names(definition: ProcessDefinition) -> dict[str, tuple[str, str | None]]:
    """Map element id -> (process id, element name) over the process and its called processes."""
    spec, subprocess_specs = specs_of(definition)
    names: dict[str, tuple[str, str | None]] = {}
    for process in [*subprocess_specs.values(), spec]:  # the main process wins a shared id
        for task_spec in process.task_specs.values():
            bpmn_id = getattr(task_spec, "bpmn_id", None)
            if bpmn_id:
                names[bpmn_id] = (process.name, getattr(task_spec, "bpmn_name", None))
    return names


def _elements(names, finished: set[str], active: set[str]) -> list[Element]:
    found = [(element_id, "finished") for element_id in finished] + [(e, "active") for e in active]
    return sorted(
        (Element(e, names.get(e, ("?", None))[1], names.get(e, ("?", None))[0], state) for e, state in found),
        key=lambda e: (e.process_id, e.state, e.element_id),
    )


def _deadlines(variables: dict[str, Any], timers: list[Timer], names) -> list[DeadlineLine]:
    now = clock.now()
    procedure = extensions.current()
    lines = []
    for name, label in procedure.deadline_variables.items():
        value = variables.get(name)
        if not value:
            continue
        explained_by = procedure.explained_deadlines.get(name)
        explanation = variables.get(explained_by) if explained_by else None
        lines.append(DeadlineLine(label, str(value), _days_left(now, value), explanation))
    for timer in sorted(timers, key=lambda t: t.due_at):
        due_at = clock.as_utc(timer.due_at)
        element_name = names.get(timer.element_id, ("", None))[1] or timer.element_id
        lines.append(
            DeadlineLine(
                Phrase(N_("Timer: %(element)s"), element=element_name),
                due_at.isoformat(),
                procedure.days_left(now, due_at),
            )
        )
    return lines


def _days_left(now: datetime, value: Any) -> int | None:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if moment.tzinfo is None:  # a date such as registered_on: no count
        return None
    return extensions.current().days_left(now, moment)
