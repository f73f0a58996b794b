"""Label every new case with what it is about (kind, direction, list section, applicant).

Task lists filter and show these without loading a case's state. The engine writes
the label in the same transaction as the case (`engine.extensions`, `case_label`).
"""

from __future__ import annotations

LABELLED = ("kind", "direction", "list_section", "applicant_name")


def label_for(variables: dict) -> dict[str, str | None]:
    """Return the label of a case started with `variables`."""
    return {name: _text(variables.get(name)) for name in LABELLED}


def _text(value) -> str | None:
    return None if value is None else str(value)[:400]
