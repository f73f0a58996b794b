"""The deadlines the diagrams compute: hearing time, license expiry, end of retention."""

from __future__ import annotations

from procedure.deadlines import (
    expiry_at_iso,
    hearing_at_iso,
    retention_over_at_iso,
    statutory_due_explanation,
)
from procedure.grounds import describe, ticked_grounds


def test_the_hearing_is_at_11_on_the_second_working_day_after_the_notice():
    assert hearing_at_iso("2025-04-15") == "2025-04-17T11:00:00+05:00"
    # a notice on Thursday 20 March 2025 skips Nauryz (21-25 March) and the weekend
    assert hearing_at_iso("2025-03-20") == "2025-03-27T11:00:00+05:00"


def test_a_license_expires_at_the_midnight_after_its_last_valid_day():
    assert expiry_at_iso("2025-12-31") == "2026-01-01T00:00:00+05:00"


def test_records_may_be_destroyed_at_9_on_the_first_working_day_after_three_years():
    # 31 December 2028 + 1 working day: 1, 2 January are holidays, 7 January too
    assert retention_over_at_iso("2025-12-31") == "2029-01-03T09:00:00+05:00"
    assert (
        retention_over_at_iso("2025-09-01") == "2028-09-04T09:00:00+05:00"
    )  # 2 September 2028 is a Saturday


def test_the_statutory_due_time_explains_itself_to_the_case():
    explained = statutory_due_explanation("2025-03-26", 5)
    assert explained["due_at"] == "2025-04-02T18:30:00+05:00"
    assert explained["registered_on"] == "2025-03-26"


def test_ticked_grounds_become_their_numbers_and_their_wording():
    ticks = [False] * 10
    ticks[2] = ticks[5] = True
    assert ticked_grounds(*ticks) == [3, 6]
    assert describe([6, 3]) == [
        "3. the license fee was not paid",
        "6. a court decision in force suspends or forbids the licensed activity",
    ]
