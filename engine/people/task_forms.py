"""Describe a user task's form (camunda:formData) and what the officer needs beside it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from engine.errors import Conflict, NotFound
from engine.people.forms import form_fields
from engine.runtime import cases, waits
from procedure.grounds import REFUSAL_GROUNDS
from store.models import Case, CaseLabel, UserTask

# The variables the applicant's application brings (README, public API of the diagrams).
APPLICATION_VARIABLES = (
    "applicant_id",
    "applicant_name",
    "applicant_email",
    "kind",
    "direction",
    "list_section",
    "contract_number",
    "contract_end",
    "government_decision_until",
    "payment_reference",
    "fee_receipt",
    "documents",
    "submitted_at",
    "registered_on",
    "statutory_due_at",
)
# What the workers found: fee, qualification, consultation, completeness and grounds (para 10-12).
CHECK_VARIABLES = (
    "documents_complete",
    "missing_documents",
    "fee_paid",
    "fee_findings",
    "qualification_met",
    "qualification_findings",
    "consulted_body",
    "consultation_positive",
    "consultation_reasons",
    "consultation_answered_on",
    "automated_grounds",
    "preliminary_grounds",
    "hearing_at",
)


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
    def ground(self) -> int | None:
        """Return the refusal ground this box stands for (appendix 1), or None."""
        number = self.id.removeprefix("ground_")
        return int(number) if self.id.startswith("ground_") and number.isdigit() else None

    @property
    def ground_text(self) -> str | None:
        """Return the ground's wording from appendix 1 of the Rules."""
        return REFUSAL_GROUNDS.get(self.ground) if self.ground else None


@dataclass(frozen=True)
class TaskForm:
    """A user task, its case's data, and the fields to fill in."""

    task: UserTask
    business_key: str | None
    label: CaseLabel | None
    fields: list[FieldView]
    variables: dict[str, Any]

    @property
    def application(self) -> dict[str, Any]:
        return {k: self.variables[k] for k in APPLICATION_VARIABLES if k in self.variables}

    @property
    def checks(self) -> dict[str, Any]:
        return {k: self.variables[k] for k in CHECK_VARIABLES if k in self.variables}


def describe_task(session: Session, task_id: str) -> TaskForm:
    """Return the form of user task `task_id` with the data its case holds for it."""
    row = session.get(UserTask, task_id)
    if row is None:
        raise NotFound(f"no user task with id {task_id!r}")
    case = cases.open_case(session, row.case_id)
    engine_task = waits.find_task(case.workflow, task_id)
    if engine_task is None:
        raise Conflict(f"user task {task_id} is no longer in its case")
    fields = [_field_view(f) for f in form_fields(engine_task.task_spec)]
    business_key = session.get(Case, row.case_id).business_key
    return TaskForm(row, business_key, session.get(CaseLabel, row.case_id), fields, dict(engine_task.data))


def _field_view(field) -> FieldView:
    required = any(rule.name == "required" for rule in field.validation)
    options = tuple((o.id, o.name) for o in getattr(field, "options", []) or [])
    return FieldView(field.id, field.label or field.id, field.type, required, field.default_value, options)
