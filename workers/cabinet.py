"""The applicant's personal cabinet: the status the portal shows (para 8, appendix 1 item 5).

The cabinet reads the case's `cabinet_*` variables; these workers set them. The message
is written in the application's language (`language`), dates in its local format.
"""

from __future__ import annotations

from datetime import date, datetime

from engine.worker import WorkerRegistry, day_text, moment_text, translator
from procedure.wording import document_name

registry = WorkerRegistry()


@registry.topic("cabinet.accepted")
def show_accepted(registered_on, statutory_due_at, language):
    """para 8: "request accepted", with the date the result will be ready."""
    _ = translator(language)
    return {
        "cabinet_status": "accepted",
        "cabinet_message": _("Request accepted, registered on %(registered)s; the result is due by %(due)s.")
        % {
            "registered": day_text(date.fromisoformat(registered_on) if registered_on else None, language),
            "due": moment_text(
                datetime.fromisoformat(statutory_due_at) if statutory_due_at else None, language
            ),
        },
        "cabinet_result_due_at": statutory_due_at,
    }


@registry.topic("cabinet.result")
def show_result(
    license_number, valid_until, refusal_grounds_text, missing_documents, documents_complete, language
):
    """appendix 1 item 5: the license, or the reasoned refusal, in the cabinet."""
    _ = translator(language)
    if license_number:
        until = day_text(date.fromisoformat(valid_until) if valid_until else None, language)
        return {
            "cabinet_status": "issued",
            "cabinet_message": _("License %(number)s issued, valid until %(until)s.")
            % {"number": license_number, "until": until},
        }
    if documents_complete is False:
        missing = ", ".join(document_name(d, language) for d in missing_documents or [])
        return {
            "cabinet_status": "not_considered",
            "cabinet_message": _("The set of documents is incomplete: %(missing)s") % {"missing": missing},
        }
    return {
        "cabinet_status": "refused",
        "cabinet_message": _("Refused on the grounds: %(grounds)s")
        % {"grounds": "; ".join(refusal_grounds_text or [])},
    }
