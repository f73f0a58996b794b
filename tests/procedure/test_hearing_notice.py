"""The hearing notice goes out at least 3 working days before the term ends (para 13)."""

from __future__ import annotations

import pytest

from tests.procedure.helpers import grounds
from tests.procedure.world import almaty

# Submitted Monday 14 April 2025 at 10:00: registered that day, the term ends Monday
# 21 April at 18:30, and the latest hearing notice is Wednesday 16 April at 18:30.
NOTICE_DUE = "2025-04-16T18:30:00+05:00"
TERM_ENDS = "2025-04-21T18:30:00+05:00"


def _refuse_preliminarily(procedure, moment: str, *numbers: int) -> None:
    procedure.decide(
        almaty(moment),
        "officer_review",
        decision="preliminary_refusal",
        refusal_reasons="the contract breaches the EAEU's obligations",
        **grounds(*numbers),
    )


def test_the_head_is_alerted_once_when_the_notice_deadline_passes_without_a_decision(procedure, world):
    procedure.submit()
    assert procedure.variables()["hearing_notice_due_at"] == NOTICE_DUE
    assert [t.status for t in procedure.timers("hearing_notice_deadline_passed")] == ["waiting"]

    # Before 18:30 on 16 April nothing is said
    procedure.wait_until(almaty("2025-04-16 18:29"))
    assert "notice_deadline_alert" not in world.kinds()

    # Then the escalation reaches the head, and the officer's review stays open
    procedure.wait_until(almaty("2025-04-16 18:31"))
    assert world.effects_of("notice_deadline_alert") == [
        {"due_at": NOTICE_DUE, "at": "2025-04-16T18:31:00+05:00"}
    ]
    assert procedure.open_tasks() == ["officer_review"]
    assert {
        "hearing_notice_deadline_passed",
        "hearing_notice_deadline_escalated",
        "hearing_notice_deadline_caught",
        "alert_head_of_notice_deadline",
    } <= {element for _, element in procedure.history()}


def test_a_decision_before_the_notice_deadline_alerts_no_one(procedure, world):
    procedure.submit()
    procedure.decide(almaty("2025-04-16 10:00"), "officer_review", decision="issue")
    procedure.wait_until(almaty("2025-04-17 12:00"))
    assert "notice_deadline_alert" not in world.kinds()
    assert [t.status for t in procedure.timers("hearing_notice_deadline_passed")] == ["cancelled"]


def test_a_timely_preliminary_refusal_is_not_recorded_as_late(procedure, world):
    procedure.submit()
    _refuse_preliminarily(procedure, "2025-04-16 18:00", 9)
    variables = procedure.variables()
    assert variables["hearing_notice_in_time"] is True
    assert variables["hearing_notice_days_left"] == 3  # 17, 18 and 21 April
    assert variables["hearing_at"] == "2025-04-18T11:00:00+05:00"
    assert ("element_completed", "hearing_notice_late") not in procedure.history()


@pytest.mark.parametrize(
    ("refused_at", "days_left", "hearing_at"),
    [
        # 2 working days after Thursday is Monday, the term's last day: no need to move it
        ("2025-04-17 10:00", 2, "2025-04-21T11:00:00+05:00"),
        # 2 working days after Friday is Tuesday, after the term: brought forward to Monday 11:00
        ("2025-04-18 10:00", 1, "2025-04-21T11:00:00+05:00"),
        # on the last day after 11:00: at the end of the term itself
        ("2025-04-21 12:00", 0, TERM_ENDS),
    ],
)
def test_a_late_preliminary_refusal_is_recorded_and_its_hearing_is_within_the_term(
    procedure, world, refused_at, days_left, hearing_at
):
    procedure.submit()
    _refuse_preliminarily(procedure, refused_at, 9)

    variables = procedure.variables()
    assert variables["hearing_notice_in_time"] is False
    assert variables["hearing_notice_days_left"] == days_left
    assert variables["hearing_at"] == hearing_at <= TERM_ENDS
    assert ("element_completed", "hearing_notice_late") in procedure.history()
    assert world.effects_of("hearing_notice")[0]["hearing_at"] == hearing_at


def test_a_preliminary_refusal_after_the_term_keeps_two_working_days_for_the_hearing(procedure, world):
    procedure.submit()
    _refuse_preliminarily(procedure, "2025-04-22 10:00", 10)
    variables = procedure.variables()
    assert variables["hearing_notice_in_time"] is False
    assert variables["hearing_notice_days_left"] == -1
    assert variables["hearing_at"] == "2025-04-24T11:00:00+05:00"
    assert world.kinds().count("deadline_escalation") == 1
