"""Properties of the working-day calendar that hold for any day in 2020-2030."""

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from procedure.calendar import (
    ALMATY,
    OFFICE_CLOSES,
    add_working_days,
    is_working_day,
    non_working_day_reason,
    working_days_between,
)
from procedure.deadlines import (
    hearing_latest,
    hearing_notice_latest,
    registration_day,
    statutory_due,
)

days = st.dates(date(2020, 1, 1), date(2030, 12, 31))
steps = st.integers(-40, 40)
terms = st.integers(1, 30)
zones = st.sampled_from([UTC, ALMATY, ZoneInfo("Europe/Moscow"), timezone(timedelta(hours=-7))])
submissions = st.datetimes(datetime(2020, 1, 1), datetime(2030, 12, 1), timezones=zones)

fast = settings(max_examples=150, deadline=None)


@fast
@given(days, terms)
def test_a_statutory_due_time_is_18_30_almaty_on_a_working_day(any_day, term):
    registered_on = add_working_days(any_day, 0)
    due = statutory_due(registered_on, term)
    assert is_working_day(due.due_on)
    assert due.due_at.tzinfo is ALMATY
    assert due.due_at.timetz().replace(tzinfo=None) == OFFICE_CLOSES
    assert due.due_at_utc == due.due_at


@fast
@given(days, terms)
def test_the_days_between_registration_and_due_are_the_term_plus_the_skipped_days(any_day, term):
    due = statutory_due(add_working_days(any_day, 0), term)
    calendar_days_between = (due.due_on - due.start).days - 1
    assert calendar_days_between == term - 1 + len(due.skipped)
    assert all(due.start < day < due.due_on for day, _ in due.skipped)
    assert all(non_working_day_reason(day) == reason for day, reason in due.skipped)


@fast
@given(days, steps, steps)
def test_adding_more_working_days_never_gives_an_earlier_day(any_day, n1, n2):
    low, high = sorted((n1, n2))
    assert add_working_days(any_day, low) <= add_working_days(any_day, high)
    if 1 <= low < high:
        assert add_working_days(any_day, low) < add_working_days(any_day, high)


@fast
@given(days, days, steps)
def test_a_later_start_never_gives_an_earlier_day(day1, day2, n):
    earlier, later = sorted((day1, day2))
    assert add_working_days(earlier, n) <= add_working_days(later, n)


@fast
@given(days, days)
def test_counting_the_working_days_between_leads_back_to_the_working_day(start, any_day):
    end = add_working_days(any_day, 0)
    assert add_working_days(start, working_days_between(start, end)) == end


@fast
@given(submissions)
def test_registration_is_on_a_working_day_not_before_the_local_submission_day(submitted_at):
    registered_on = registration_day(submitted_at)
    local = submitted_at.astimezone(ALMATY)
    assert is_working_day(registered_on)
    assert registered_on >= local.date()
    on_time = is_working_day(local.date()) and local.time() <= time(16, 0)
    assert (registered_on == local.date()) == on_time


@fast
@given(days, st.integers(3, 30))
def test_the_hearing_notice_comes_before_the_hearing_which_is_not_after_the_due_time(any_day, term):
    registered_on = add_working_days(any_day, 0)
    due = statutory_due(registered_on, term)
    notice = hearing_notice_latest(due)
    hearing = hearing_latest(notice.due_on)
    assert registered_on <= notice.due_on
    assert notice.due_at < hearing.due_at <= due.due_at
    assert working_days_between(notice.due_on, due.due_on) == 3
