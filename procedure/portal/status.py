"""The status an applicant sees, in plain words, derived from the case (para 8, appendix 1 item 5).

The cabinet workers write `cabinet_status` ("accepted", "issued", "refused",
"not_considered"); between those moments the case's waits tell the rest: a consulted
body's answer awaited (para 12), or a preliminary refusal and its hearing (para 13).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

STATUS_TEXT: dict[str, str] = {
    "registered": "Registered",
    "under_consideration": "Under consideration",
    "waiting_for_consulted_body": "Under consideration: waiting for the answer of a consulted state body",
    "preliminary_refusal_hearing": "Preliminary decision to refuse: you are invited to a hearing",
    "license_issued": "License issued",
    "refused": "Refused",
    "not_considered": "Not considered: the set of documents is incomplete",
}
CONSULTATION_MESSAGE = "consultation_answer"
HEARING_TASK = "record_hearing_outcome"


def status_of(
    variables: dict[str, Any], waiting_messages: Collection[str], open_tasks: Collection[str]
) -> str:
    """Return the applicant's status code of a case with these variables and waits."""
    cabinet = variables.get("cabinet_status")
    result = _result(cabinet, variables)
    if result:
        return result
    if CONSULTATION_MESSAGE in waiting_messages:  # para 12: the decision waits for the body's answer
        return "waiting_for_consulted_body"
    hearing_open = HEARING_TASK in open_tasks
    # para 13: after a preliminary refusal the applicant is heard before the decision
    if hearing_open or (
        variables.get("decision") == "preliminary_refusal" and not variables.get("hearing_outcome")
    ):
        return "preliminary_refusal_hearing"
    if cabinet == "accepted" or variables.get("decision") or variables.get("hearing_outcome"):
        return "under_consideration"
    return "registered"


def _result(cabinet: str | None, variables: dict[str, Any]) -> str | None:
    """appendix 1 items 4 and 5: the license, the reasoned refusal, or the refusal to consider."""
    if cabinet == "issued" or variables.get("license_number"):
        return "license_issued"
    if cabinet == "not_considered" or (
        variables.get("documents_complete") is False and variables.get("decided_on")
    ):
        return "not_considered"
    if cabinet == "refused" or variables.get("refusal_grounds_text"):
        return "refused"
    return None


def status_text(status: str) -> str:
    """Return the plain words of a status code."""
    return STATUS_TEXT[status]
