"""Incomplete sets, exclusive licenses, late submissions and late officers."""

from __future__ import annotations

from tests.procedure.world import almaty


def test_an_incomplete_set_is_refused_consideration_without_an_officer(procedure, world):
    world.documents_missing = ("contract",)
    procedure.submit()
    assert world.effects_of("refusal_to_consider")[0]["missing"] == ["contract"]
    assert world.effects_of("cabinet")[-1]["status"] == "refused"
    assert procedure.open_tasks() == []
    assert ("user_task_completed", "officer_review") not in procedure.history()


def test_an_exclusive_license_lasts_as_the_government_decision_says(procedure, world):
    procedure.submit(kind="exclusive", list_section="2.13", government_decision_until="2027-06-30")
    assert world.effects_of("cabinet")[0]["due_at"] == "2025-04-21T18:30:00+05:00"  # 5 working days
    procedure.decide(almaty("2025-04-18 10:00"), "officer_review", decision="issue")
    assert procedure.variables()["valid_until"] == "2027-06-30"


def test_a_submission_after_16_00_before_the_nauryz_holidays_is_registered_after_them(procedure, world):
    # 20 March 2025, 16:05; 21-25 March are Nauryz days off (25 March carried over)
    procedure.submit(submitted_at="2025-03-20T16:05:00+05:00")
    accepted = world.effects_of("cabinet")[0]
    assert accepted["registered_on"] == "2025-03-26"
    assert accepted["due_at"] == "2025-04-02T18:30:00+05:00"
    explained = procedure.variables()["statutory_due_explained"]
    assert [day["date"] for day in explained["skipped"]] == ["2025-03-29", "2025-03-30"]


def test_a_late_officer_is_warned_and_escalated_but_may_still_decide(procedure, world):
    procedure.submit()  # registered 14 April, due 21 April 18:30
    procedure.wait_until(almaty("2025-04-18 18:31"))  # one working day before
    assert world.effects_of("deadline_warning")[0]["due_at"] == "2025-04-21T18:30:00+05:00"
    procedure.wait_until(almaty("2025-04-21 18:31"))
    assert world.kinds().count("deadline_escalation") == 1
    assert world.licenses_issued == 0  # nothing was decided because a clock ran out
    procedure.decide(almaty("2025-04-22 09:15"), "officer_review", decision="issue")
    assert world.licenses_issued == 1
