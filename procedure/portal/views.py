"""What an applicant may read about their own applications (para 8, appendix 1 item 5).

Another applicant's application is "not found", never "forbidden", so numbers don't leak.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import clock
from engine.errors import NotFound
from engine.orchestrator import Orchestrator
from engine.runtime import cases
from procedure.calendar import ALMATY
from procedure.grounds import describe
from procedure.portal.status import status_of, status_text
from store.models import MessageSubscription, PortalApplication, UserTask

APPLICATION_NUMBER = re.compile(r"APP-[0-9]{4}-[0-9]{6}")


@dataclass(frozen=True)
class ApplicationView:
    """One application as its applicant sees it."""

    number: str
    submitted_at: datetime
    status: str
    variables: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Return the view as JSON-ready data in the portal API's names."""
        v = self.variables
        return {
            "number": self.number,
            "status": self.status,
            "status_text": status_text(self.status),
            "message": v.get("cabinet_message"),
            "submitted_at": self.submitted_at.astimezone(ALMATY).isoformat(),
            "kind": v.get("kind"),
            "direction": v.get("direction"),
            "list_section": v.get("list_section"),
            "registered_on": v.get("registered_on"),
            "statutory_due_at": _in_almaty(v.get("statutory_due_at")),
            "statutory_due_explained": v.get("statutory_due_explained"),
            "result": _result(self.status, v),
        }


def applications_of(orchestrator: Orchestrator, applicant_id: str, page: int, per_page: int):
    """Return one page of the applicant's applications, newest first, and how many there are."""
    mine = PortalApplication.applicant_id == applicant_id
    with orchestrator.transaction() as session:
        total = session.scalar(select(func.count()).select_from(PortalApplication).where(mine))
        rows = session.scalars(
            select(PortalApplication)
            .where(mine)
            .order_by(PortalApplication.submitted_at.desc(), PortalApplication.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        return [_view(session, row) for row in rows], total


def application_of(orchestrator: Orchestrator, applicant_id: str, number: str) -> ApplicationView:
    """Return the applicant's application `number`, or raise NotFound."""
    with orchestrator.transaction() as session:
        return _view(session, own_application(session, applicant_id, number))


def result_document(orchestrator: Orchestrator, applicant_id: str, number: str, documents_dir: Path) -> Path:
    """Return the file of the license or refusal the case wrote, or raise NotFound."""
    view = application_of(orchestrator, applicant_id, number)
    written = view.variables.get("license_document") or view.variables.get("refusal_document")
    if not written:
        raise NotFound(f"application {number} has no result document yet")
    path = Path(written).resolve()
    if not path.is_relative_to(documents_dir.resolve()) or not path.is_file():
        raise NotFound(f"the result document of application {number} is not available")
    return path


def own_application(session: Session, applicant_id: str, number: str) -> PortalApplication:
    """Return the applicant's application `number`; another's, or none, is NotFound."""
    if not APPLICATION_NUMBER.fullmatch(number):
        raise NotFound(f"you have no application {number[:40]!r}")
    row = session.scalar(
        select(PortalApplication).where(
            PortalApplication.number == number, PortalApplication.applicant_id == applicant_id
        )
    )
    if row is None:
        raise NotFound(f"you have no application {number!r}")
    return row


def _view(session: Session, row: PortalApplication) -> ApplicationView:
    variables = case_variables(session, row.case_id)
    messages = session.scalars(
        select(MessageSubscription.message_name).where(MessageSubscription.case_id == row.case_id)
    )
    tasks = session.scalars(
        select(UserTask.element_id).where(UserTask.case_id == row.case_id, UserTask.status == "open")
    )
    status = status_of(variables, set(messages), set(tasks))
    return ApplicationView(row.number, clock.as_utc(row.submitted_at), status, variables)


def case_variables(session: Session, case_id: str) -> dict[str, Any]:
    """Return the variables of case `case_id`."""
    return cases.case_variables(cases.read_case(session, case_id).workflow)


def _in_almaty(moment: str | None) -> str | None:
    return datetime.fromisoformat(moment).astimezone(ALMATY).isoformat() if moment else None


def _result(status: str, v: dict[str, Any]) -> dict[str, Any] | None:
    if status == "license_issued":
        return {
            "license_number": v.get("license_number"),
            "valid_from": v.get("valid_from"),
            "valid_until": v.get("valid_until"),
            "document_available": bool(v.get("license_document")),
        }
    if status == "refused":
        grounds = v.get("refusal_grounds") or []
        return {
            "refusal_grounds": describe(grounds) if grounds else list(v.get("refusal_grounds_text") or []),
            "document_available": bool(v.get("refusal_document")),
        }
    if status == "not_considered":
        return {
            "missing_documents": list(v.get("missing_documents") or []),
            "document_available": bool(v.get("refusal_document")),
        }
    return None
