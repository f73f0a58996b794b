"""The applicant's personal cabinet: the status the portal shows (para 8, appendix 1 item 5).

The cabinet reads the case's `cabinet_*` variables; these workers set them.
"""

from __future__ import annotations

from engine.worker import WorkerRegistry

registry = WorkerRegistry()


@registry.topic("cabinet.accepted")
def show_accepted(registered_on, statutory_due_at):
    """para 8: "request accepted", with the date the result will be ready."""
    return {
        "cabinet_status": "accepted",
        "cabinet_message": f"Request accepted, registered on {registered_on}; "
        f"the result is due by {statutory_due_at}.",
        "cabinet_result_due_at": statutory_due_at,
    }


@registry.topic("cabinet.result")
def show_result(license_number, valid_until, refusal_grounds_text, missing_documents, documents_complete):
    """appendix 1 item 5: the license, or the reasoned refusal, in the cabinet."""
    if license_number:
        return {
            "cabinet_status": "issued",
            "cabinet_message": f"License {license_number} issued, valid until {valid_until}.",
        }
    if documents_complete is False:
        return {
            "cabinet_status": "not_considered",
            "cabinet_message": "The set of documents is incomplete: " + ", ".join(missing_documents or []),
        }
    return {
        "cabinet_status": "refused",
        "cabinet_message": "Refused on the grounds: " + "; ".join(refusal_grounds_text or []),
    }
