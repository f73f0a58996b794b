"""The working-day calendar and the statutory deadlines, checked against public facts."""

import json
from datetime import date, datetime

import holidays
import pytest
from click.testing import CliRunner

from licflow.calendar_cli import calendar
from procedure.calendar import (
    CalendarDay,
    Overrides,
    WorkingCalendar,
    add_working_days,
    calendar_version,
    is_working_day,
    non_working_day_reason,
    working_days_between,
    year_listing,
)
from procedure.deadlines import (
    TIMER_FUNCTIONS,
    Deadline,
    hearing_latest,
    hearing_notice_latest,
    registration_day,
    retention_end,
    statutory_due,
    working_days_left,
)

D = date.fromisoformat


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


# --- facts from calendar.md, checked against the library --------------------------------

HOLIDAYS_EVERY_YEAR = ["01-01", "01-02", "03-08", "03-21", "03-22", "03-23", "05-01",
                       "05-07", "05-09", "07-06", "10-25", "12-16"]  # fmt: skip


@pytest.mark.parametrize("year", [2024, 2025, 2026])
@pytest.mark.parametrize("month_day", HOLIDAYS_EVERY_YEAR)
def test_public_holidays_are_days_off_every_year(year, month_day):
    day = D(f"{year}-{month_day}")
    assert not is_working_day(day)
    assert non_working_day_reason(day).startswith("holiday: ")


@pytest.mark.parametrize(
    "day",
    ["2024-03-25", "2024-07-08", "2025-03-24", "2025-03-25", "2025-09-01", "2025-10-27",
     "2026-03-09", "2026-03-24", "2026-03-25", "2026-05-11", "2026-10-26"],
)  # fmt: skip
def test_a_holiday_on_a_weekend_moves_the_day_off_to_the_next_working_day(day):
    assert not is_working_day(D(day))
    assert non_working_day_reason(D(day)).endswith("(observed)")


def test_orthodox_christmas_on_a_sunday_has_no_carry_over():
    assert non_working_day_reason(D("2024-01-07")) == "holiday: Orthodox Christmas"
    assert is_working_day(D("2024-01-08"))


def test_orthodox_christmas_on_a_weekday_is_a_day_off():
    assert not is_working_day(D("2025-01-07"))


def test_kurban_ait_on_a_sunday_has_no_carry_over():
    assert non_working_day_reason(D("2024-06-16")).startswith("holiday: Eid al-Adha")
    assert is_working_day(D("2024-06-17"))


@pytest.mark.parametrize("day", ["2025-06-06", "2026-05-27"])
def test_the_first_day_of_kurban_ait_is_a_day_off(day):
    assert non_working_day_reason(D(day)).startswith("holiday: Eid al-Adha")


def test_saturday_4_may_2024_was_worked_for_wednesday_8_may():
    assert is_working_day(D("2024-05-04"))
    assert non_working_day_reason(D("2024-05-08")) == (
        f"day off by transfer: from Saturday 2024-05-04 (holidays {holidays.__version__})"
    )


def test_sunday_5_january_2025_was_worked_for_friday_3_january():
    assert is_working_day(D("2025-01-05"))
    assert non_working_day_reason(D("2025-01-03")).startswith("day off by transfer: from Sunday 2025-01-05")


def test_constitution_day_is_30_august_until_2025_none_in_2026_and_15_march_from_2027():
    assert non_working_day_reason(D("2024-08-30")) == "holiday: Constitution Day"
    assert is_working_day(D("2026-08-31"))  # 30 Aug 2026 is a Sunday with nothing to carry
    assert non_working_day_reason(D("2027-03-15")) == "holiday: Constitution Day"


def test_plain_weekends_are_not_worked():
    assert non_working_day_reason(D("2025-03-29")) == "weekend"
    assert non_working_day_reason(D("2025-03-31")) is None


def test_the_2025_listing_holds_the_weekdays_off_and_the_worked_sunday():
    listing = year_listing(2025)
    assert [entry.day for entry in listing if entry.working] == [D("2025-01-05")]
    assert [entry.day.isoformat() for entry in listing if not entry.working] == [
        "2025-01-01", "2025-01-02", "2025-01-03", "2025-01-07", "2025-03-10", "2025-03-21",
        "2025-03-24", "2025-03-25", "2025-05-01", "2025-05-07", "2025-05-09", "2025-06-06",
        "2025-07-07", "2025-09-01", "2025-10-27", "2025-12-16",
    ]  # fmt: skip
    assert listing[3] == CalendarDay(D("2025-01-05"), True, listing[3].reason)
    assert listing[3].reason.startswith("working day by transfer: day off moved to Friday")


def test_the_calendar_version_names_the_library_and_the_overrides():
    assert calendar_version() == f"holidays-{holidays.__version__}+overrides-1"


# --- counting ---------------------------------------------------------------------------


def test_zero_working_days_is_the_day_itself_or_the_next_working_day():
    assert add_working_days(D("2025-03-20"), 0) == D("2025-03-20")
    assert add_working_days(D("2025-03-21"), 0) == D("2025-03-26")


def test_counting_backwards_skips_days_off_too():
    assert add_working_days(D("2025-03-26"), -1) == D("2025-03-20")


def test_working_days_between_counts_after_start_up_to_end_and_is_signed():
    assert working_days_between(D("2025-03-20"), D("2025-03-26")) == 1
    assert working_days_between(D("2025-03-26"), D("2025-03-20")) == -1
    assert working_days_between(D("2025-03-26"), D("2025-03-26")) == 0


def test_working_days_between_backwards_from_a_weekend_leads_back_with_add_working_days():
    between = working_days_between(D("2025-03-29"), D("2025-03-20"))
    assert between == -4
    assert add_working_days(D("2025-03-29"), between) == D("2025-03-20")


def test_a_datetime_is_refused_where_a_date_is_expected():
    with pytest.raises(TypeError, match="not a datetime"):
        is_working_day(at("2025-03-21T10:00:00+05:00"))


# --- registration (para 8, appendix 1 item 7) -------------------------------------------


@pytest.mark.parametrize(
    ("submitted_at", "registered_on"),
    [
        ("2025-03-20T15:59:59+05:00", "2025-03-20"),
        ("2025-03-20T16:00:00+05:00", "2025-03-20"),  # 16:00 sharp is not "after 16:00"
        ("2025-03-20T16:00:00.000001+05:00", "2025-03-26"),
        ("2025-03-20T16:05:00+05:00", "2025-03-26"),  # Nauryz 21-23 Mar, carried to 24-25
        ("2025-03-20T10:59:00+00:00", "2025-03-20"),  # 15:59 in Almaty
        ("2025-03-20T11:01:00Z", "2025-03-26"),  # 16:01 in Almaty
        ("2025-03-20T03:00:00+05:00", "2025-03-20"),  # before opening counts for that day
        ("2025-03-22T10:00:00+05:00", "2025-03-26"),  # holiday on a Saturday
        ("2024-05-03T17:00:00+05:00", "2024-05-04"),  # the worked Saturday
        ("2024-05-04T10:00:00+05:00", "2024-05-04"),
        ("2024-12-31T16:30:00+05:00", "2025-01-05"),  # past 1-2 and 3 Jan to the worked Sunday
    ],
)
def test_registration_day_follows_the_16_00_cut_off(submitted_at, registered_on):
    assert registration_day(at(submitted_at)) == D(registered_on)


def test_before_1_march_2024_almaty_was_utc_plus_6():
    # 10:30 UTC is 16:30 in Almaty on 28 Feb 2024 (UTC+6) but 15:30 on 5 Mar 2024 (UTC+5).
    assert registration_day(at("2024-02-28T10:30:00Z")) == D("2024-02-29")
    assert registration_day(at("2024-03-05T10:30:00Z")) == D("2024-03-05")


def test_a_naive_submission_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        registration_day(datetime(2025, 3, 20, 10, 0))


# --- statutory due (para 9, para 13) ----------------------------------------------------


def test_the_example_submitted_after_16_00_before_nauryz():
    # Given a Thursday 16:05 submission, the day before Nauryz (21-25 Mar off)
    registered_on = registration_day(at("2025-03-20T16:05:00+05:00"))
    # When the 5-working-day term is counted
    due = statutory_due(registered_on, 5)
    # Then it is registered on Wednesday 26 Mar and due on Wednesday 2 Apr at 18:30
    assert registered_on == D("2025-03-26")
    assert due.due_at.isoformat() == "2025-04-02T18:30:00+05:00"
    assert due.due_at_utc.isoformat() == "2025-04-02T13:30:00+00:00"
    assert due.skipped == ((D("2025-03-29"), "weekend"), (D("2025-03-30"), "weekend"))


def test_a_10_day_term_from_the_same_registration():
    assert statutory_due(D("2025-03-26"), 10).due_on == D("2025-04-09")


def test_the_year_end_submission_is_due_after_orthodox_christmas():
    due = statutory_due(registration_day(at("2024-12-31T16:30:00+05:00")), 5)
    assert due.start == D("2025-01-05")
    assert due.due_at.isoformat() == "2025-01-13T18:30:00+05:00"
    assert [day for day, _ in due.skipped] == [D("2025-01-07"), D("2025-01-11"), D("2025-01-12")]


def test_a_term_ending_before_1_march_2024_is_due_at_utc_plus_6():
    registered_on = registration_day(at("2024-02-28T10:00:00+06:00"))
    assert statutory_due(registered_on, 1).due_at.isoformat() == "2024-02-29T18:30:00+06:00"
    assert statutory_due(registered_on, 1).due_at_utc.isoformat() == "2024-02-29T12:30:00+00:00"
    assert statutory_due(registered_on, 5).due_at.isoformat() == "2024-03-06T18:30:00+05:00"


def test_the_deadline_explains_itself_as_json():
    explained = statutory_due(D("2025-03-26"), 5).to_dict()
    assert json.loads(json.dumps(explained)) == explained
    assert explained["registered_on"] == explained["start"] == "2025-03-26"
    assert explained["working_days"] == 5
    assert explained["calendar_version"] == calendar_version()
    assert explained["skipped"][0] == {"date": "2025-03-29", "reason": "weekend"}
    assert "para 9" in explained["rule"]


@pytest.mark.parametrize("bad_days", [0, -5])
def test_a_term_of_less_than_one_working_day_is_refused(bad_days):
    with pytest.raises(ValueError, match="at least 1 working day"):
        statutory_due(D("2025-03-26"), bad_days)


def test_registration_on_a_day_off_is_refused():
    with pytest.raises(ValueError, match="2025-03-21 is not a working day \\(holiday: Nowruz"):
        statutory_due(D("2025-03-21"), 5)


# --- hearing before a refusal (para 13) -------------------------------------------------


@pytest.mark.parametrize(("term", "notice_day", "hearing_day"), [(5, 2, 4), (10, 7, 9)])
def test_hearing_notice_and_hearing_fall_on_the_working_days_of_the_regulation(term, notice_day, hearing_day):
    registered_on = D("2025-03-26")
    due = statutory_due(registered_on, term)
    notice = hearing_notice_latest(due)
    hearing = hearing_latest(notice.due_on)
    assert notice.due_on == add_working_days(registered_on, notice_day)
    assert hearing.due_on == add_working_days(registered_on, hearing_day)
    assert notice.registered_on == registered_on
    assert notice.due_at.timetz() == hearing.due_at.timetz() == due.due_at.timetz()


def test_a_hearing_after_a_friday_notice_skips_the_weekend():
    hearing = hearing_latest(D("2025-03-28"))
    assert hearing.due_at.isoformat() == "2025-04-01T18:30:00+05:00"
    assert [reason for _, reason in hearing.skipped] == ["weekend", "weekend"]


def test_a_hearing_notice_accepts_a_plain_date_and_a_notice_time():
    assert hearing_notice_latest(D("2025-04-02")).due_on == D("2025-03-28")
    assert hearing_latest(at("2025-03-28T20:00:00Z")).due_on == D("2025-04-01")


def test_a_term_too_short_for_a_hearing_notice_is_refused():
    with pytest.raises(ValueError, match="too short"):
        hearing_notice_latest(statutory_due(D("2025-03-26"), 2))


# --- keeping records (para 6) -----------------------------------------------------------


def test_records_are_kept_three_calendar_years():
    assert retention_end(D("2025-06-30")) == D("2028-06-30")


def test_records_ended_on_29_february_are_kept_until_28_february():
    assert retention_end(D("2024-02-29")) == D("2027-02-28")


# --- working days left ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "left"),
    [
        ("2025-03-26T10:00:00+05:00", 6),  # registration day counts while the office is open
        ("2025-03-26T19:00:00+05:00", 5),
        ("2025-03-29T12:00:00+05:00", 3),  # Saturday
        ("2025-04-02T18:29:59+05:00", 1),
        ("2025-04-02T18:30:00+05:00", 0),
        ("2025-04-03T09:00:00+05:00", -1),
    ],
)
def test_working_days_left_until_the_due_time(now, left):
    due = statutory_due(D("2025-03-26"), 5)
    assert working_days_left(at(now), due) == left
    assert working_days_left(at(now), due.due_at_utc) == left


def test_deadline_due_at_must_be_aware():
    with pytest.raises(ValueError, match="timezone-aware"):
        Deadline("rule", D("2025-03-26"), 1, datetime(2025, 3, 27, 18, 30), "v")


# --- overrides --------------------------------------------------------------------------

DECREE = "Government decree No. 999 of 1.12.2025 (test)"


@pytest.fixture
def decreed_calendar():
    overrides = Overrides.from_json(
        json.dumps(
            {
                "version": "test-7",
                "days_off": [{"date": "2025-12-31", "source": DECREE}],
                "working_days": [{"date": "2025-12-27", "source": DECREE}],
            }
        )
    )
    return WorkingCalendar(overrides)


def test_an_override_day_off_and_working_saturday_apply_on_top_of_the_library(
    decreed_calendar,
):
    assert decreed_calendar.non_working_day_reason(D("2025-12-31")) == f"override: {DECREE}"
    assert decreed_calendar.is_working_day(D("2025-12-27"))
    assert decreed_calendar.version == f"holidays-{holidays.__version__}+overrides-test-7"
    assert CalendarDay(D("2025-12-27"), True, f"override: {DECREE}") in (decreed_calendar.year_listing(2025))


def test_a_deadline_records_the_overridden_calendar(decreed_calendar):
    due = statutory_due(D("2025-12-26"), 2, calendar=decreed_calendar)
    assert due.due_on == D("2025-12-29")  # Sat 27 worked, so Mon 29 is day 2
    assert due.calendar_version.endswith("+overrides-test-7")


@pytest.mark.parametrize(
    "document",
    [
        {"days_off": []},
        {"version": "1", "days_off": [{"date": "2025-12-31"}]},
        {
            "version": "1",
            "days_off": [{"date": "2025-12-31", "source": "a"}],
            "working_days": [{"date": "2025-12-31", "source": "b"}],
        },
    ],
)
def test_a_malformed_override_file_is_refused_when_loaded(document):
    with pytest.raises(ValueError):
        Overrides.from_json(json.dumps(document))


def test_the_shipped_override_file_starts_empty():
    overrides = Overrides.load()
    assert (overrides.version, overrides.days_off, overrides.working_days) == ("1", {}, {})


# --- BPMN timer functions ---------------------------------------------------------------


def test_timer_functions_return_iso_strings_spiffworkflow_can_read():
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

    due_iso = TIMER_FUNCTIONS["statutory_due_iso"]("2025-03-26", 5)
    assert due_iso == "2025-04-02T18:30:00+05:00"
    assert TimerEventDefinition.get_datetime(due_iso).isoformat() == "2025-04-02T13:30:00+00:00"
    assert TIMER_FUNCTIONS["working_days_before_iso"](due_iso, 3) == "2025-03-28T18:30:00+05:00"
    assert TIMER_FUNCTIONS["hearing_notice_latest_iso"](due_iso) == "2025-03-28T18:30:00+05:00"
    assert TIMER_FUNCTIONS["hearing_latest_iso"]("2025-03-28") == "2025-04-01T18:30:00+05:00"
    assert TIMER_FUNCTIONS["add_working_days_iso"]("2025-03-20", 1) == "2025-03-26"
    assert TIMER_FUNCTIONS["registration_day"]("2025-03-20T16:05:00+05:00") == "2025-03-26"
    assert TIMER_FUNCTIONS["due_at"]("2024-02-29") == "2024-02-29T18:30:00+06:00"


def test_timer_functions_refuse_a_naive_datetime():
    with pytest.raises(ValueError, match="timezone-aware"):
        TIMER_FUNCTIONS["working_days_before_iso"]("2025-04-02T18:30:00", 3)


# --- CLI --------------------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(calendar, list(args))


def test_cli_due_from_a_submission_prints_the_explained_deadline():
    result = run("due", "--submitted", "2025-03-20T16:05:00+05:00", "--days", "5")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["submitted_at"] == "2025-03-20T16:05:00+05:00"
    assert printed["registered_on"] == "2025-03-26"
    assert printed["due_at"] == "2025-04-02T18:30:00+05:00"
    assert printed["due_at_utc"] == "2025-04-02T13:30:00+00:00"
    assert printed["working_days"] == 5
    assert printed["calendar_version"] == calendar_version()
    assert printed["skipped"] == [
        {"date": "2025-03-29", "reason": "weekend"},
        {"date": "2025-03-30", "reason": "weekend"},
    ]
    assert printed["rule"].startswith("statutory_due")


def test_cli_due_from_a_registration_day():
    result = run("due", "--registered", "2025-03-26", "--days", "10")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["due_at"] == "2025-04-09T18:30:00+05:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--submitted", "2025-03-20T16:05:00", "--days", "5"], "no UTC offset"),
        (["--submitted", "next tuesday", "--days", "5"], "not an ISO 8601 datetime"),
        (["--submitted", "2025-03-20T16:05:00+05:00", "--days", "0"], "--days"),
        (["--registered", "2025-03-21", "--days", "5"], "not a working day"),
        (["--registered", "21.03.2025", "--days", "5"], "not an ISO date"),
        (["--days", "5"], "exactly one of --submitted or --registered"),
    ],
)
def test_cli_due_refuses_bad_input_with_exit_code_2(args, message):
    result = run("due", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_cli_days_lists_one_line_per_day():
    result = run("days", "2025")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 17
    assert lines[2].startswith("2025-01-03 Fri  day off  day off by transfer: from Sunday")
    assert lines[3].startswith("2025-01-05 Sun  working  working day by transfer")


def test_cli_days_as_json():
    result = run("days", "2024", "--json")
    printed = json.loads(result.output)
    assert printed["calendar_version"] == calendar_version()
    saturday = next(entry for entry in printed["days"] if entry["date"] == "2024-05-04")
    assert (saturday["weekday"], saturday["working"]) == ("Sat", True)
