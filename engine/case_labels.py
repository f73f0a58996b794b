"""Label every new case with what it is about (kind, direction, list section, applicant).

Task lists filter and show these without loading a case's state. The label is written
in the same flush as the case's `case_started` history event, whatever started it.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from store.models import CaseLabel, HistoryEvent

LABELLED = ("kind", "direction", "list_section", "applicant_name")


def label_for(case_id: str, variables: dict) -> CaseLabel:
    """Return the label of a case started with `variables`."""
    values = {name: _text(variables.get(name)) for name in LABELLED}
    return CaseLabel(case_id=case_id, **values)


def _text(value) -> str | None:
    return None if value is None else str(value)[:400]


@event.listens_for(Session, "before_flush")
def _label_started_cases(session: Session, _context, _instances) -> None:
    for item in list(session.new):
        if isinstance(item, HistoryEvent) and item.kind == "case_started":
            session.add(label_for(item.case_id, (item.data or {}).get("variables") or {}))
