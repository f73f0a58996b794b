"""Timer definitions are read as Camunda 7 reads them: dates, durations, ISO cycles and Quartz cron."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.dialect.timers import TimerDefinitionError, schedule_for

ALMATY = ZoneInfo("Asia/Almaty")
BERLIN = ZoneInfo("Europe/Berlin")
# Wednesday 26 March 2025, 10:00 in Almaty (UTC+5).
NOW = datetime(2025, 3, 26, 10, 0, tzinfo=ALMATY)


def at(*fields, zone=ALMATY):
    return datetime(*fields, tzinfo=zone)


def firings(kind, definition, count, *, now=NOW, zone=ALMATY):
    """Return the first `count` due times of a timer, stopping early when it is done."""
    schedule = schedule_for(kind, definition, zone=zone)
    due = [schedule.first_due(now)]
    while len(due) < count and due[-1] is not None:
        due.append(schedule.next_due(due[-1], fired_count=len(due)))
    return due


# timeDate


def test_a_time_date_with_an_offset_is_due_at_that_instant_shown_in_the_engine_zone():
    (due,) = firings("timeDate", "2025-04-01T13:30:00Z", 1)

    assert due == at(2025, 4, 1, 18, 30)
    assert due.tzinfo is ALMATY


def test_a_time_date_without_an_offset_is_in_the_engine_zone():
    assert firings("timeDate", "2025-04-01T18:30", 1) == [at(2025, 4, 1, 18, 30)]
    assert firings("timeDate", "2025-04-01T18:30", 1, zone=BERLIN) == [at(2025, 4, 1, 18, 30, zone=BERLIN)]


def test_a_time_date_may_be_a_date_a_datetime_or_surrounded_by_whitespace():
    assert firings("timeDate", "2025-04-01", 1) == [at(2025, 4, 1, 0, 0)]
    assert firings("timeDate", date(2025, 4, 1), 1) == [at(2025, 4, 1, 0, 0)]
    assert firings("timeDate", datetime(2025, 4, 1, 18, 30), 1) == [at(2025, 4, 1, 18, 30)]
    assert firings("timeDate", datetime(2025, 4, 1, 13, 30, tzinfo=UTC), 1) == [at(2025, 4, 1, 18, 30)]
    assert firings("timeDate", "\n  2025-04-01T18:30:00+05:00\n", 1) == [at(2025, 4, 1, 18, 30)]


def test_a_time_date_fires_once_even_when_it_has_passed():
    assert firings("timeDate", "2025-01-01T09:00", 3) == [at(2025, 1, 1, 9, 0), None]


@pytest.mark.parametrize("definition", ["tomorrow", "2025-13-01T00:00", "PT10M", "T18:30", ""])
def test_a_bad_time_date_names_the_text_and_the_accepted_form(definition):
    with pytest.raises(TimerDefinitionError) as raised:
        schedule_for("timeDate", definition, zone=ALMATY)

    assert f"Invalid timeDate {definition!r}" in str(raised.value)
    assert "ISO 8601 date-time such as 2025-03-26T18:30:00+05:00" in str(raised.value)
    assert "Asia/Almaty" in str(raised.value)


# timeDuration


@pytest.mark.parametrize(
    ("definition", "due"),
    [
        ("PT10M", at(2025, 3, 26, 10, 10)),
        ("P1DT2H", at(2025, 3, 27, 12, 0)),
        ("P2W", at(2025, 4, 9, 10, 0)),
        ("PT1.5S", at(2025, 3, 26, 10, 0, 1, 500_000)),
        ("PT0,5S", at(2025, 3, 26, 10, 0, 0, 500_000)),
        ("P1Y2M3DT4H5M6S", at(2026, 5, 29, 14, 5, 6)),
        ("PT36H", at(2025, 3, 27, 22, 0)),
        ("PT0S", NOW),
        (timedelta(minutes=10), at(2025, 3, 26, 10, 10)),
    ],
)
def test_a_time_duration_counts_from_now(definition, due):
    assert firings("timeDuration", definition, 2) == [due, None]


def test_a_month_keeps_the_day_or_takes_the_last_day_of_a_shorter_month():
    (due,) = firings("timeDuration", "P1M", 1, now=at(2025, 1, 31, 9, 0))

    assert due == at(2025, 2, 28, 9, 0)


def test_days_keep_the_wall_clock_time_across_a_daylight_saving_change_and_hours_do_not():
    before_the_change = at(2025, 3, 29, 12, 0, zone=BERLIN)

    assert firings("timeDuration", "P1D", 1, now=before_the_change, zone=BERLIN) == [
        at(2025, 3, 30, 12, 0, zone=BERLIN)
    ]
    assert firings("timeDuration", "PT24H", 1, now=before_the_change, zone=BERLIN) == [
        at(2025, 3, 30, 13, 0, zone=BERLIN)
    ]


@pytest.mark.parametrize(
    ("definition", "problem"),
    [
        ("-PT10M", "negative duration"),
        ("P", "not an ISO 8601 duration"),
        ("PT", "not an ISO 8601 duration"),
        ("P1DT", "not an ISO 8601 duration"),
        ("10M", "not an ISO 8601 duration"),
        ("pt10m", "not an ISO 8601 duration"),
        ("P1W2D", "not an ISO 8601 duration"),
        ("PT1.5M", "not an ISO 8601 duration"),
        ("R/PT1H", "not an ISO 8601 duration"),
        (timedelta(minutes=-1), "negative"),
    ],
)
def test_a_bad_time_duration_names_the_text_the_problem_and_the_accepted_forms(definition, problem):
    with pytest.raises(TimerDefinitionError) as raised:
        schedule_for("timeDuration", definition, zone=ALMATY)

    assert problem in raised.value.problem
    assert "A timeDuration is an ISO 8601 duration such as PT10M, P1DT2H or P2W." in str(raised.value)


def test_a_duration_beyond_the_calendar_is_refused_when_it_is_scheduled():
    schedule = schedule_for("timeDuration", "P999999999Y", zone=ALMATY)

    with pytest.raises(TimerDefinitionError, match="leaves the calendar"):
        schedule.first_due(NOW)


# ISO 8601 timeCycle


def test_an_unbounded_cycle_repeats_forever_from_now():
    assert firings("timeCycle", "R/PT1H", 4) == [
        at(2025, 3, 26, 11, 0),
        at(2025, 3, 26, 12, 0),
        at(2025, 3, 26, 13, 0),
        at(2025, 3, 26, 14, 0),
    ]


def test_a_counted_cycle_fires_that_many_times_then_is_exhausted():
    assert firings("timeCycle", "R3/PT10M", 5) == [
        at(2025, 3, 26, 10, 10),
        at(2025, 3, 26, 10, 20),
        at(2025, 3, 26, 10, 30),
        None,
    ]


def test_a_cycle_with_a_future_start_fires_first_at_the_start():
    assert firings("timeCycle", "R2/2025-04-01T09:00/P1D", 3) == [
        at(2025, 4, 1, 9, 0),
        at(2025, 4, 2, 9, 0),
        None,
    ]


def test_a_cycle_with_a_past_start_skips_the_past_occurrences_which_still_count():
    assert firings("timeCycle", "R3/2025-03-26T08:30/PT1H", 4) == [
        at(2025, 3, 26, 10, 30),
        None,
    ]


def test_a_monthly_cycle_from_a_start_counts_each_month_from_the_start():
    assert firings("timeCycle", "R/2025-01-31T09:00/P1M", 3) == [
        at(2025, 3, 31, 9, 0),
        at(2025, 4, 30, 9, 0),
        at(2025, 5, 31, 9, 0),
    ]


def test_a_cycle_whose_start_lies_years_back_finds_its_place_at_once():
    assert firings("timeCycle", "R/2000-01-01T00:00:00Z/PT1S", 1) == [NOW]


def test_a_cycle_whose_repetitions_all_lie_in_the_past_never_fires():
    assert firings("timeCycle", "R2/2025-01-01T09:00/P1D", 1) == [None]


def test_a_cycle_with_an_end_stops_before_passing_it():
    assert firings("timeCycle", "R5/PT1H/2025-03-26T12:30", 5) == [
        at(2025, 3, 26, 11, 0),
        at(2025, 3, 26, 12, 0),
        None,
    ]


@pytest.mark.parametrize(
    ("definition", "problem"),
    [
        ("PT1H", "write R/PT1H (forever) or R3/PT1H (3 times)"),
        ("R0/PT1H", "R0 repeats zero times"),
        ("R/PT0S", "the period is zero"),
        ("R3", "an ISO 8601 cycle is"),
        ("R3/PT1H/2025-01-01/extra", "an ISO 8601 cycle is"),
        ("Rx/PT1H", "an ISO 8601 cycle is"),
        ("R3/PT1Q", "not an ISO 8601 duration"),
        ("R3/someday/PT1H", "not an ISO 8601 date-time"),
    ],
)
def test_a_bad_iso_cycle_names_the_text_the_problem_and_the_accepted_forms(definition, problem):
    with pytest.raises(TimerDefinitionError) as raised:
        schedule_for("timeCycle", definition, zone=ALMATY)

    assert problem in raised.value.problem
    assert f"Invalid timeCycle {definition!r}" in str(raised.value)
    assert "Rn/<start>/<duration>" in str(raised.value)
    assert "Quartz cron expression with 6 or 7 fields" in str(raised.value)


# Quartz cron timeCycle


def test_quartz_every_day_at_nine_fires_at_nine_in_the_engine_zone():
    assert firings("timeCycle", "0 0 9 * * ?", 3) == [
        at(2025, 3, 27, 9, 0),
        at(2025, 3, 28, 9, 0),
        at(2025, 3, 29, 9, 0),
    ]


def test_quartz_every_day_at_nine_is_nine_in_whichever_zone_the_engine_runs():
    now = at(2025, 3, 26, 10, 0, zone=BERLIN)

    (due,) = firings("timeCycle", "0 0 9 * * ?", 1, now=now, zone=BERLIN)

    assert due == at(2025, 3, 27, 9, 0, zone=BERLIN)


def test_quartz_fires_later_today_when_the_time_has_not_come_yet():
    assert firings("timeCycle", "0 30 18 * * ?", 1) == [at(2025, 3, 26, 18, 30)]


def test_quartz_counts_weekdays_from_sunday_as_one():
    monday_to_friday = firings("timeCycle", "0 0 9 ? * 2-6", 4)
    by_name = firings("timeCycle", "0 0 9 ? * MON-FRI", 4)

    assert [due.strftime("%a %d") for due in monday_to_friday] == ["Thu 27", "Fri 28", "Mon 31", "Tue 01"]
    assert by_name == monday_to_friday
    assert firings("timeCycle", "0 0 9 ? * 1", 1) == [at(2025, 3, 30, 9, 0)]
    assert firings("timeCycle", "0 0 9 ? * 7", 1) == [at(2025, 3, 29, 9, 0)]


def test_quartz_last_and_nth_weekdays_translate():
    assert firings("timeCycle", "0 0 9 ? * 6L", 2) == [at(2025, 3, 28, 9, 0), at(2025, 4, 25, 9, 0)]
    assert firings("timeCycle", "0 0 9 ? * 6#3", 1) == [at(2025, 4, 18, 9, 0)]
    assert firings("timeCycle", "0 0 9 L * ?", 2) == [at(2025, 3, 31, 9, 0), at(2025, 4, 30, 9, 0)]


def test_quartz_seconds_and_increments_come_first():
    assert firings("timeCycle", "0/15 * * * * ?", 3) == [
        at(2025, 3, 26, 10, 0, 15),
        at(2025, 3, 26, 10, 0, 30),
        at(2025, 3, 26, 10, 0, 45),
    ]


def test_quartz_with_a_year_field_fires_only_in_those_years():
    assert firings("timeCycle", "0 0 9 1 1 ? 2027-2028", 3) == [
        at(2027, 1, 1, 9, 0),
        at(2028, 1, 1, 9, 0),
        None,
    ]


def test_quartz_that_never_matches_never_fires():
    assert firings("timeCycle", "0 0 9 30 2 ?", 1) == [None]
    assert firings("timeCycle", "0 0 9 * * ? 2020", 1) == [None]


@pytest.mark.parametrize(
    ("definition", "problem"),
    [
        ("0 9 * * *", "needs 6 or 7 fields (seconds first, Quartz style), not 5"),
        ("0 0 9 1 * MON", "write ? in one of them"),
        ("0 0 9 L-3 * ?", "L-n or LW, which are not supported"),
        ("0 0 9 ? * 8", "the day-of-week '8' is not valid"),
        ("0 0 25 * * ?", "croniter refuses it"),
        ("0 0 9 * * ? 1900", "must stay within 1970-2199"),
        ("0 ? 9 * * *", "the field '?' is not valid here"),
    ],
)
def test_a_bad_quartz_expression_names_the_text_the_problem_and_the_accepted_forms(definition, problem):
    with pytest.raises(TimerDefinitionError) as raised:
        schedule_for("timeCycle", definition, zone=ALMATY)

    assert problem in raised.value.problem
    assert f"Invalid timeCycle {definition!r}" in str(raised.value)


# The API


def test_times_must_be_aware():
    schedule = schedule_for("timeCycle", "R/PT1H", zone=ALMATY)

    with pytest.raises(ValueError, match="now must be an aware datetime"):
        schedule.first_due(datetime(2025, 3, 26, 10, 0))


def test_an_unknown_kind_of_timer_is_refused():
    with pytest.raises(ValueError, match="timeDate, timeDuration or timeCycle"):
        schedule_for("timeSpan", "PT1H", zone=ALMATY)


def test_a_timer_definition_error_is_a_value_error_that_keeps_the_definition():
    with pytest.raises(ValueError) as raised:
        schedule_for("timeCycle", "every day", zone=ALMATY)

    assert isinstance(raised.value, TimerDefinitionError)
    assert (raised.value.kind, raised.value.definition) == ("timeCycle", "every day")


def test_an_expression_that_gave_null_is_named_as_null():
    with pytest.raises(TimerDefinitionError, match="null is not a date-time"):
        schedule_for("timeDate", None, zone=ALMATY)
