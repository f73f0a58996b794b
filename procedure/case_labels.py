"""Label every new case with what it is about (kind, direction, list section, applicant).

Task lists filter and show these without loading a case's state. `start_case` writes
the label in the same transaction as the case.
"""

from __future__ import annotations

from store.models import CaseLabel

LABELLED = ("kind", "direction", "list_section", "applicant_name")


def label_for(case_id: str, variables: dict) -> CaseLabel:
    """Return the label of a case started with `variables`."""
    values = {name: _text(variables.get(name)) for name in LABELLED}
    return CaseLabel(case_id=case_id, **values)


def _text(value) -> str | None:
    return None if value is None else str(value)[:400]
