"""Completeness of the set of documents (para 8, appendix 1 item 8; Law on Permits and Notifications art. 25).

The set holds the application, the contract or other basis document, the proof of
the fee unless it was paid through the payment gateway, for an exclusive license the
Government decision, and (item 8(3)) the documents on the qualification requirements
that no state information system holds: where the goods need an activity permit
(license_routing's qualification_documents_required) and the state registry does not
hold the applicant's permit for the section, the set must hold it. What the registries
hold is never asked for.
"""

from __future__ import annotations

from engine.worker import WorkerRegistry
from workers.outside import outside, require

registry = WorkerRegistry()


def required_documents(kind: str, payment_reference: str | None, permit_needed: bool = False) -> list[str]:
    """Return the documents a set must hold for this application."""
    required = ["application", "contract"]
    if not payment_reference:
        required.append("fee_receipt")  # para 8: unless paid through the payment gateway
    if kind == "exclusive":
        required.append("government_decision")
    if permit_needed:
        required.append("permit")  # appendix 1 item 8(3): no information system holds it
    return required


def registry_holds_permit(applicant_id: str, list_section: str) -> bool:
    """Tell whether the state registry holds the applicant's activity permit for `list_section`."""
    subject = outside().get(f"/registry/subjects/{applicant_id}")
    if subject is None:
        return False
    subject = require(subject, "activity_permits", what="state registry")
    return list_section in subject["activity_permits"]


@registry.topic("documents.completeness")
def check_completeness(
    documents, kind, payment_reference, qualification_documents_required, applicant_id, list_section
):
    """Return whether the set is complete and which documents are missing."""
    permit_needed = bool(qualification_documents_required) and not registry_holds_permit(
        applicant_id, list_section
    )
    submitted = set(documents or [])
    required = required_documents(kind, payment_reference, permit_needed)
    missing = [name for name in required if name not in submitted]
    return {"documents_complete": not missing, "missing_documents": missing}
