"""The status an applicant sees follows the case (para 8, para 12, para 13, appendix 1 item 5)."""

from __future__ import annotations

import pytest

from procedure.portal.status import STATUS_TEXT, status_of

REGISTERED = {
    "registered_on": "2025-04-14",
    "decision": None,
    "hearing_outcome": None,
    "license_number": None,
}


@pytest.mark.parametrize(
    ("variables", "messages", "tasks", "status"),
    [
        ({}, (), (), "registered"),
        (REGISTERED, (), (), "registered"),
        ({**REGISTERED, "cabinet_status": "accepted"}, (), ("officer_review",), "under_consideration"),
        (
            {**REGISTERED, "cabinet_status": "accepted"},
            ("consultation_answer",),
            (),
            "waiting_for_consulted_body",
        ),
        ({**REGISTERED, "decision": "preliminary_refusal"}, (), (), "preliminary_refusal_hearing"),
        (
            {**REGISTERED, "cabinet_status": "accepted"},
            (),
            ("record_hearing_outcome",),
            "preliminary_refusal_hearing",
        ),
        (
            {**REGISTERED, "decision": "preliminary_refusal", "hearing_outcome": "issue"},
            (),
            (),
            "under_consideration",
        ),
        ({**REGISTERED, "license_number": "216KZ25001000001"}, (), (), "license_issued"),
        ({**REGISTERED, "cabinet_status": "issued"}, (), (), "license_issued"),
        ({**REGISTERED, "refusal_grounds_text": ["3. the license fee was not paid"]}, (), (), "refused"),
        ({**REGISTERED, "cabinet_status": "refused"}, (), (), "refused"),
        ({**REGISTERED, "documents_complete": False, "decided_on": "2025-04-15"}, (), (), "not_considered"),
        ({**REGISTERED, "cabinet_status": "not_considered"}, (), (), "not_considered"),
    ],
)
def test_the_status_follows_the_case(variables, messages, tasks, status):
    assert status_of(variables, set(messages), set(tasks)) == status


def test_every_status_has_plain_words():
    assert all(text and text[0].isupper() for text in STATUS_TEXT.values())
