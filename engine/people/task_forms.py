"""Describe a user task's form (camunda:formData) and what the officer needs beside it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine import clock, extensions
from engine.errors import Conflict, NotFound
from engine.i18n import N_, Phrase
from engine.runtime import cases, waits
from engine.runtime.forms import form_fields
from store.models import Case, CaseLabel, UserTask

NO_TASK = N_("no user task with id %(task)s")


@dataclass(frozen=True)
class FieldView:
    """One field of a task's form as a page draws it."""

    id: str
    label: str
    type: str
    required: bool
    default: Any
    options: tuple[tuple[str, str], ...] = ()

    @property
    def number(self) -> int | None:
        """Return the number the procedure says this field stands for (a refusal ground), or None."""
        note = extensions.current().field_note(self.id)
        return note.number if note else None

    @property
    def note(self) -> str | None:
        """Return the procedure's wording for this field, or None."""
        note = extensions.current().field_note(self.id)
        return note.text if note else None


@dataclass(frozen=True)
class TaskDeadline:
    """A deadline a task's page counts down to: its name, its time, the days left, whether it passed."""

    label: str
    due_at: datetime
    days_left: int | None
    passed: bool


@dataclass(frozen=True)
class TaskForm:
    """A user task, its case's data, and the fields to fill in."""

    task: UserTask
    business_key: str | None
    label: CaseLabel | None
    fields: list[FieldView]
    variables: dict[str, Any]
    deadlines: list[TaskDeadline] = field(default_factory=list)

    @property
    def application(self) -> dict[str, Any]:
        """Return what the case brought, as the procedure names it."""
        brought, _ = extensions.current().task_variables
        return {k: self.variables[k] for k in brought if k in self.variables}

    @property
    def checks(self) -> dict[str, Any]:
        """Return what the case's checks found, as the procedure names it."""
        _, found = extensions.current().task_variables
        return {k: self.variables[k] for k in found if k in self.variables}


def describe_task(session: Session, task_id: str) -> TaskForm:
    """Return the form of user task `task_id` with the data its case holds for it."""
    row = session.get(UserTask, task_id)
    if row is None:
        raise NotFound(Phrase(NO_TASK, task=repr(task_id)))
    case = cases.read_case(session, row.case_id)
    engine_task = waits.find_task(case.workflow, task_id)
    if engine_task is None:
        raise Conflict(Phrase(N_("user task %(task)s is no longer in its case"), task=task_id))
    fields = [_field_view(f) for f in form_fields(engine_task.task_spec)]
    business_key = session.get(Case, row.case_id).business_key
    variables = dict(engine_task.data)
    label = session.get(CaseLabel, row.case_id)
    return TaskForm(row, business_key, label, fields, variables, task_deadlines(row.form_key, variables))


def task_deadlines(form_key: str | None, variables: dict[str, Any]) -> list[TaskDeadline]:
    """Return the deadlines the procedure counts down to on a task with `form_key`, as of now."""
    procedure, now = extensions.current(), clock.now()
    lines = []
    for name, label in procedure.task_deadlines.get(form_key or "", {}).items():
        try:
            due_at = datetime.fromisoformat(str(variables.get(name)))
        except ValueError:
            continue  # not set yet, or not a time
        if due_at.tzinfo is None:
            continue
        lines.append(TaskDeadline(label, due_at, procedure.days_left(now, due_at), now >= due_at))
    return lines


def _field_view(field) -> FieldView:
    required = any(rule.name == "required" for rule in field.validation)
    options = tuple((o.id, o.name) for o in getattr(field, "options", []) or [])
    return FieldView(field.id, field.label or field.id, field.type, required, field.default_value, options)
