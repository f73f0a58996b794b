"""Encryption means and special technical means wait for the NSC (para 12, para 13)."""

from __future__ import annotations

from tests.procedure.world import almaty


def test_encryption_means_are_licensed_in_ten_working_days_after_the_nsc_agrees(procedure, world):
    # Given an import of encryption means (section 2.19) registered on 14 April 2025
    procedure.submit(direction="import", list_section="2.19")
    accepted = world.effects_of("cabinet")[0]
    assert accepted["due_at"] == "2025-04-28T18:30:00+05:00"  # 10 working days
    assert world.effects_of("consultation_request")[0]["body"] == "nsc"
    # Then nothing is for the officer to decide before the NSC answers
    assert procedure.open_tasks() == []

    # When the NSC agrees on 17 April and the officer issues on 22 April
    procedure.answer(almaty("2025-04-17 15:00"), positive=True)
    assert procedure.open_tasks() == ["officer_review"]
    procedure.decide(almaty("2025-04-22 10:00"), "officer_review", decision="issue")

    # Then the license is issued before the term ends and the NSC was never reminded
    assert world.effects_of("cabinet")[-1]["status"] == "issued"
    assert "consultation_reminder" not in world.kinds()
    assert [t.status for t in procedure.timers("consultation_answer_late")] == ["cancelled"]


def test_a_silent_nsc_is_reminded_and_escalated_but_nothing_is_decided_for_it(procedure, world):
    # Given special technical means (section 2.17) registered on 14 April 2025
    procedure.submit(direction="export", list_section="2.17")

    # When the NSC does not answer for two weeks
    procedure.wait_until(almaty("2025-04-21 18:29"))
    assert "consultation_reminder" not in world.kinds()
    procedure.wait_until(almaty("2025-04-21 18:31"))  # 5th working day, 18:30 passed
    assert world.kinds().count("consultation_reminder") == 1
    procedure.wait_until(almaty("2025-04-23 18:31"))  # 7th working day
    assert world.kinds().count("consultation_escalation") == 1
    procedure.wait_until(almaty("2025-04-25 18:31"))  # one working day before the term ends
    assert world.effects_of("deadline_warning") == [
        {"due_at": "2025-04-28T18:30:00+05:00", "at": "2025-04-25T18:31:00+05:00"}
    ]
    procedure.wait_until(almaty("2025-04-28 18:31"))  # the term ended
    procedure.wait_until(almaty("2025-05-15 12:00"))

    # Then each reminder and escalation went out once, and the case still waits for the NSC
    assert world.kinds().count("consultation_reminder") == 1
    assert world.kinds().count("consultation_escalation") == 1
    assert world.kinds().count("deadline_warning") == 1
    assert world.kinds().count("deadline_escalation") == 1
    for element in ("consultation_answer_late", "consultation_answer_overdue", "statutory_deadline_reached"):
        assert [t.status for t in procedure.timers(element)] == ["fired"]
    assert procedure.open_tasks() == []
    assert procedure.case().status == "running"
    assert "license.issue" not in [kind for kind, _ in world.effects]

    # When the NSC finally answers, the officer gets the case
    procedure.answer(almaty("2025-05-15 14:00"), positive=True)
    assert procedure.open_tasks() == ["officer_review"]


def test_a_negative_answer_is_found_as_refusal_ground_five(procedure, world):
    procedure.submit(direction="export", list_section="2.14")  # medicines: an approving body
    assert world.effects_of("consultation_request")[0]["body"] == "ministry_of_health"
    procedure.answer(almaty("2025-04-15 10:00"), positive=False, reasons="no permit for the activity")
    assert procedure.variables()["automated_grounds"] == [5]
