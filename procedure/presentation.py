"""What the staff pages show of a license case: its deadlines, application and checks.

The engine's pages are generic; these name the license procedure's variables and fields.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.extensions import FieldNote
from engine.i18n import N_, Phrase
from procedure.calendar import ALMATY
from procedure.deadlines import HEARING_NOTICE_WORKING_DAYS
from procedure.grounds import REFUSAL_GROUNDS

# para 3 [assumed from the diagrams' public API]: one-time, general and exclusive licenses.
LICENSE_KINDS = ("one_time", "general", "exclusive")
# The deadline variables the main diagram computes at registration (para 9, para 13).
DEADLINE_VARIABLES = {
    "registered_on": N_("Registered on (para 9: by 16:00 on a working day, else the next one)"),
    "statutory_due_at": N_("Statutory due time (para 9, para 13)"),
    "deadline_warning_at": N_("Warning to the officer (one working day before the due time)"),
    "hearing_notice_due_at": N_("Latest hearing notice (para 13: 3 working days before the due time)"),
}


# What a task's page counts the working days down to, by form key (para 13: the officer sees how
# long a hearing notice can still leave 3 working days; red once that moment has passed).
TASK_DEADLINES = {
    "officer_review": {
        "hearing_notice_due_at": N_("Latest hearing notice (para 13: 3 working days before the term ends)"),
        "statutory_due_at": N_("Statutory due time (para 9, para 13)"),
    },
    "hearing_outcome": {
        "hearing_at": N_("Hearing (para 13: no later than 2 working days after the notice)"),
        "statutory_due_at": N_("Statutory due time (para 9, para 13)"),
    },
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
    "qualification_evidence",
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


def late_notice_finding(variables: dict[str, Any]) -> str:
    """Say that a preliminary refusal came too late for a notice 3 working days before the term ends."""
    hearing_at, due_at = variables.get("hearing_at"), variables.get("statutory_due_at")
    after = bool(hearing_at and due_at and _moment(hearing_at) > _moment(due_at))
    return Phrase(
        LATE_NOTICE_AFTER_THE_TERM if after else LATE_NOTICE_WITHIN_THE_TERM,
        sent_on=variables.get("hearing_notice_sent_on"),
        left=variables.get("hearing_notice_days_left"),
        required=HEARING_NOTICE_WORKING_DAYS,
        latest=_local(variables.get("hearing_notice_due_at")),
        hearing=_local(hearing_at),
        term_ends=_local(due_at),
    )


LATE_NOTICE_WITHIN_THE_TERM = N_(
    "para 13: the preliminary refusal came late; the hearing notice of %(sent_on)s leaves %(left)s "
    "working day(s) of the term, not the %(required)s required (latest notice %(latest)s); the "
    "hearing at %(hearing)s is within the term ending %(term_ends)s"
)
LATE_NOTICE_AFTER_THE_TERM = N_(
    "para 13: the preliminary refusal came late; the hearing notice of %(sent_on)s leaves %(left)s "
    "working day(s) of the term, not the %(required)s required (latest notice %(latest)s); the "
    "hearing at %(hearing)s is after the term ending %(term_ends)s"
)


# The elements whose completion the case's history records as a finding, and how it is worded.
FINDINGS = {"hearing_notice_late": late_notice_finding}


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _local(value: str | None) -> str:
    if not value:
        return "-"
    return _moment(value).astimezone(ALMATY).strftime("%Y-%m-%d %H:%M")
