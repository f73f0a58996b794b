"""What the staff pages show of a license case: its deadlines, application and checks.

The engine's pages are generic; these name the license procedure's variables and fields.
"""

from __future__ import annotations

from engine.extensions import FieldNote
from procedure.grounds import REFUSAL_GROUNDS

# para 3 [assumed from the diagrams' public API]: one-time, general and exclusive licenses.
LICENSE_KINDS = ("one_time", "general", "exclusive")
# The deadline variables the main diagram computes at registration (para 9, para 13).
DEADLINE_VARIABLES = {
    "registered_on": "Registered on (para 9: by 16:00 on a working day, else the next one)",
    "statutory_due_at": "Statutory due time (para 9, para 13)",
    "deadline_warning_at": "Warning to the officer (one working day before the due time)",
    "hearing_notice_due_at": "Latest hearing notice (para 13: 3 working days before the due time)",
}


# The statutory due time is explained by the working days counted (para 9).
EXPLAINED_DEADLINES = {"statutory_due_at": "statutory_due_explained"}

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


def ground_note(field_id: str) -> FieldNote | None:
    """Return the refusal ground a `ground_N` box stands for, with its wording (appendix 1)."""
    number = field_id.removeprefix("ground_")
    if not (field_id.startswith("ground_") and number.isdigit()) or int(number) not in REFUSAL_GROUNDS:
        return None
    return FieldNote(int(number), REFUSAL_GROUNDS[int(number)])
