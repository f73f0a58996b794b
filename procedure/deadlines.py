"""Statutory deadlines of the license procedure, counted in Kazakhstan working days.

Every deadline is a `Deadline` that explains itself: where the count starts, how many
working days, which days were skipped and why, and the calendar version, so an officer
or an auditor can redo it by hand. Nothing here reads the clock; callers pass the times
(the project's single source of "now" is `engine.clock`).

Counting [assumed, regulation.md "Terms"]: registration on working day D; day 1 is the
first working day after D; a term of N working days ends at 18:30 Asia/Almaty on day N.

`TIMER_FUNCTIONS` holds ISO-string wrappers for BPMN timer expressions, which must
evaluate to an ISO 8601 datetime with a UTC offset:
- `due_at(day)`: 18:30 Asia/Almaty on that date -> datetime;
- `registration_day(submitted_at)` -> date;
- `statutory_due_iso(registered_on, days)` -> datetime;
- `working_days_before_iso(due, n)`: 18:30 on the n-th working day before due -> datetime;
- `add_working_days_iso(day, n)` -> date;
- `hearing_notice_latest_iso(due)` and `hearing_latest_iso(notice_on)` -> datetime;
- `hearing_in_term_iso(notice_at, statutory_due_at)`: the hearing, never after the term -> datetime;
- `working_days_after_iso(moment, due)`: working days after the day of `moment`, up to the due day -> int.
Arguments may be ISO dates ("2025-03-26") or ISO datetimes with an offset (their date in
Asia/Almaty is used), or `date`/`datetime` objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from engine.i18n import N_
from procedure.calendar import (
    ALMATY,
    OFFICE_CLOSES,
    REGISTRATION_CUTOFF,
    WorkingCalendar,
    default_calendar,
    office_close,
)

# Stored with each explanation in English; pages translate them when they show one.
STATUTORY_DUE_RULE = N_("statutory_due (para 9, para 13: N working days after registration)")
HEARING_NOTICE_RULE = N_("hearing_notice_latest (para 13: 3 working days before the term ends)")
HEARING_RULE = N_("hearing_latest (para 13: no later than 2 working days after the notice)")
# para 13: the notice goes out at least 3 working days before the service term ends.
HEARING_NOTICE_WORKING_DAYS = 3
# para 13: the hearing is held no later than 2 working days after the notice.
HEARING_WORKING_DAYS = 2
# para 6: records are kept 3 years after expiry, termination or suspension.
RETENTION_YEARS = 3
# para 13 [assumed]: the hearing is held at this time on the latest day the rule allows.
HEARING_TIME = time(11, 0)
# para 6 [assumed]: destruction happens when the office opens on the first working day after.
OFFICE_OPENS = time(9, 0)


@dataclass(frozen=True)
class Deadline:
    """A due time with the explanation of how it was counted.

    `working_days` is negative when the count runs backwards from `start` (the hearing
    notice counts back from the end of the term). `skipped` lists every day strictly
    between `start` and the due day that is not worked, with the reason.
    """

    rule: str
    start: date
    working_days: int
    due_at: datetime
    calendar_version: str
    skipped: tuple[tuple[date, str], ...] = ()
    registered_on: date | None = None
    due_at_utc: datetime = field(init=False)

    def __post_init__(self) -> None:
        if self.due_at.tzinfo is None:
            raise ValueError(f"Deadline.due_at must be timezone-aware, got {self.due_at!r}")
        object.__setattr__(self, "due_at", self.due_at.astimezone(ALMATY))
        object.__setattr__(self, "due_at_utc", self.due_at.astimezone(UTC))

    @property
    def due_on(self) -> date:
        """Return the due day in Asia/Almaty."""
        return self.due_at.date()

    def to_dict(self) -> dict[str, Any]:
        """Return the deadline as a JSON-ready dict of ISO 8601 strings."""
        explained: dict[str, Any] = {
            "rule": self.rule,
            "start": self.start.isoformat(),
            "working_days": self.working_days,
            "calendar_version": self.calendar_version,
            "skipped": [{"date": day.isoformat(), "reason": why} for day, why in self.skipped],
            "due_at": self.due_at.isoformat(),
            "due_at_utc": self.due_at_utc.isoformat(),
        }
        if self.registered_on is not None:
            explained["registered_on"] = self.registered_on.isoformat()
        return explained


def registration_day(submitted_at: datetime, *, calendar: WorkingCalendar | None = None) -> date:
    """Return the day an application submitted at `submitted_at` is registered."""
    calendar = calendar or default_calendar()
    local = _in_almaty(submitted_at, "submitted_at")
    # para 8, appendix 1 item 7: after 16:00, or on a day that is not worked, the
    # application is registered the next working day; 16:00:00.000000 is still on time.
    if calendar.is_working_day(local.date()) and local.time() <= REGISTRATION_CUTOFF:
        return local.date()
    return calendar.add_working_days(local.date(), 1)


def statutory_due(
    registered_on: date, working_days: int, *, calendar: WorkingCalendar | None = None
) -> Deadline:
    """Return 18:30 on the N-th working day after the registration day (para 9, para 13)."""
    calendar = calendar or default_calendar()
    if working_days < 1:
        raise ValueError(f"a statutory term is at least 1 working day, got {working_days}")
    if not calendar.is_working_day(registered_on):
        reason = calendar.non_working_day_reason(registered_on)
        raise ValueError(
            f"{registered_on.isoformat()} is not a working day ({reason}); "
            "applications are registered only on working days"
        )
    # para 9, para 13: day 1 is the first working day after registration [assumed].
    due_on = calendar.add_working_days(registered_on, working_days)
    return Deadline(
        rule=STATUTORY_DUE_RULE,
        start=registered_on,
        working_days=working_days,
        due_at=office_close(due_on),
        calendar_version=calendar.version,
        skipped=calendar.skipped_between(registered_on, due_on),
        registered_on=registered_on,
    )


def hearing_notice_latest(due: Deadline | date, *, calendar: WorkingCalendar | None = None) -> Deadline:
    """Return the latest time to notify the applicant of the hearing (para 13).

    3 working days must remain after the notice day: for a 5-day term the notice goes
    out by working day 2, for a 10-day term by working day 7.
    """
    calendar = calendar or default_calendar()
    term_ends = due.due_on if isinstance(due, Deadline) else due
    registered_on = due.registered_on if isinstance(due, Deadline) else None
    # para 13: the notice is sent at least 3 working days before the term ends.
    notice_on = calendar.add_working_days(term_ends, -HEARING_NOTICE_WORKING_DAYS)
    if registered_on is not None and notice_on < registered_on:
        raise ValueError(f"a term ending {term_ends} is too short for a hearing notice")
    return Deadline(
        rule=HEARING_NOTICE_RULE,
        start=term_ends,
        working_days=-HEARING_NOTICE_WORKING_DAYS,
        due_at=office_close(notice_on),
        calendar_version=calendar.version,
        skipped=calendar.skipped_between(notice_on, term_ends),
        registered_on=registered_on,
    )


def hearing_latest(notice_on: date | datetime, *, calendar: WorkingCalendar | None = None) -> Deadline:
    """Return the latest time to hold the hearing: 2 working days after the notice."""
    calendar = calendar or default_calendar()
    if isinstance(notice_on, datetime):
        notice_on = _in_almaty(notice_on, "notice_on").date()
    # para 13: the hearing is held no later than 2 working days after the notice.
    hearing_on = calendar.add_working_days(notice_on, HEARING_WORKING_DAYS)
    return Deadline(
        rule=HEARING_RULE,
        start=notice_on,
        working_days=HEARING_WORKING_DAYS,
        due_at=office_close(hearing_on),
        calendar_version=calendar.version,
        skipped=calendar.skipped_between(notice_on, hearing_on),
    )


def hearing_in_term(notice_at: datetime, term_ends_at: datetime) -> datetime:
    """Return when the hearing after a notice at `notice_at` is held, never after the term (para 13).

    The hearing is at 11:00 on the 2nd working day after the notice. A late notice (fewer
    than 3 working days left) would put that after the term ends, so the hearing is
    brought forward to 11:00 on the term's last day, or, when the notice goes out on that
    day after 11:00, to the end of the term itself [assumed: para 13 says "no later than",
    which a hearing sooner than 2 working days keeps]. A notice sent after the term has
    ended cannot keep both rules; it keeps the 2 working days [assumed] and the case has
    been escalated at the due time already.
    """
    notice_at = _in_almaty(notice_at, "notice_at")
    term_ends_at = _in_almaty(term_ends_at, "term_ends_at")
    regular = datetime.combine(hearing_latest(notice_at).due_on, HEARING_TIME, tzinfo=ALMATY)
    if regular <= term_ends_at or notice_at >= term_ends_at:
        return regular
    on_last_day = datetime.combine(term_ends_at.date(), HEARING_TIME, tzinfo=ALMATY)
    return on_last_day if on_last_day > notice_at else term_ends_at


def retention_end(ended_on: date) -> date:
    """Return the day the 3-year keeping of records ends (para 6).

    Calendar years from the expiry, termination or suspension date; 29 February ends
    on 28 February, since the year three later is never a leap year.
    """
    try:
        return ended_on.replace(year=ended_on.year + RETENTION_YEARS)
    except ValueError:  # 29 February
        return ended_on.replace(year=ended_on.year + RETENTION_YEARS, day=28)


def working_days_left(
    now: datetime, due: Deadline | datetime, *, calendar: WorkingCalendar | None = None
) -> int:
    """Count the working days left until `due`, today included while the office is open.

    On the due day before the due time: 1. Once the due time has passed: 0 that day,
    then minus the working days since the due day (-1 the next working day).
    """
    calendar = calendar or default_calendar()
    local_now = _in_almaty(now, "now")
    due_at = due.due_at if isinstance(due, Deadline) else _in_almaty(due, "due")
    today, due_on = local_now.date(), due_at.astimezone(ALMATY).date()
    if local_now >= due_at:
        return -calendar.working_days_between(due_on, today)
    today_counts = calendar.is_working_day(today) and local_now.time() < OFFICE_CLOSES
    return calendar.working_days_between(today, due_on) + today_counts


def _in_almaty(moment: datetime, name: str) -> datetime:
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, got {moment!r}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(
            f"{name} must be timezone-aware (e.g. 2025-03-20T16:05:00+05:00), got naive {moment}"
        )
    return moment.astimezone(ALMATY)


def _day(value: str | date) -> date:
    """Read an ISO date, or the Asia/Almaty date of an aware ISO datetime."""
    if isinstance(value, datetime):
        return _in_almaty(value, "value").date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        return _in_almaty(datetime.fromisoformat(value), repr(value)).date()


def _moment(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def due_at_iso(day: str | date) -> str:
    """Return 18:30 Asia/Almaty on `day` as an ISO 8601 datetime with offset."""
    return office_close(_day(day)).isoformat()


def registration_day_iso(submitted_at: str | datetime) -> str:
    """Return the registration day of a submission, as an ISO date."""
    return registration_day(_moment(submitted_at)).isoformat()


def statutory_due_iso(registered_on: str | date, days: int) -> str:
    """Return the statutory due time as an ISO 8601 datetime with offset."""
    return statutory_due(_day(registered_on), int(days)).due_at.isoformat()


def working_days_before_iso(due: str | date, n: int) -> str:
    """Return 18:30 on the n-th working day before `due`, as an ISO datetime."""
    return office_close(default_calendar().add_working_days(_day(due), -int(n))).isoformat()


def add_working_days_iso(day: str | date, n: int) -> str:
    """Return the n-th working day after `day` as an ISO date."""
    return default_calendar().add_working_days(_day(day), int(n)).isoformat()


def hearing_notice_latest_iso(due: str | date) -> str:
    """Return the latest hearing notice time for a term ending on `due`, as ISO."""
    return hearing_notice_latest(_day(due)).due_at.isoformat()


def hearing_latest_iso(notice_on: str | date) -> str:
    """Return the latest hearing time after a notice on `notice_on`, as ISO."""
    return hearing_latest(_day(notice_on)).due_at.isoformat()


def statutory_due_explanation(registered_on: str | date, days: int) -> dict[str, Any]:
    """Return the statutory due time with its explanation, as a JSON-ready dict."""
    return statutory_due(_day(registered_on), int(days)).to_dict()


def hearing_at_iso(notice_on: str | date) -> str:
    """Return the hearing time after a notice on `notice_on`: 11:00 on the latest allowed day."""
    hearing_on = hearing_latest(_day(notice_on)).due_on
    return datetime.combine(hearing_on, HEARING_TIME, tzinfo=ALMATY).isoformat()


def hearing_in_term_iso(notice_at: str | datetime, statutory_due_at: str | datetime) -> str:
    """Return the hearing time after a notice at `notice_at`, never after the term, as ISO."""
    return hearing_in_term(_moment(notice_at), _moment(statutory_due_at)).isoformat()


def working_days_after_iso(moment: str | datetime, due: str | datetime) -> int:
    """Return how many working days follow the day of `moment` up to the due day (para 13).

    A notice on the day of `hearing_notice_latest` leaves 3; one after the due day, a negative count.
    """
    return default_calendar().working_days_between(_day(moment), _day(due))


def expiry_at_iso(valid_until: str | date) -> str:
    """Return the moment a license valid until `valid_until` (inclusive) expires: the next midnight."""
    return datetime.combine(_day(valid_until) + timedelta(days=1), time(0), tzinfo=ALMATY).isoformat()


def retention_over_at_iso(ended_on: str | date) -> str:
    """Return when records kept since `ended_on` may be destroyed (para 6).

    09:00 Asia/Almaty on the first working day after the 3 years end.
    """
    destroy_on = default_calendar().add_working_days(retention_end(_day(ended_on)), 1)
    return datetime.combine(destroy_on, OFFICE_OPENS, tzinfo=ALMATY).isoformat()


TIMER_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "due_at": due_at_iso,
    "registration_day": registration_day_iso,
    "statutory_due_iso": statutory_due_iso,
    "working_days_before_iso": working_days_before_iso,
    "add_working_days_iso": add_working_days_iso,
    "hearing_notice_latest_iso": hearing_notice_latest_iso,
    "hearing_latest_iso": hearing_latest_iso,
    "statutory_due_explanation": statutory_due_explanation,
    "hearing_at_iso": hearing_at_iso,
    "hearing_in_term_iso": hearing_in_term_iso,
    "working_days_after_iso": working_days_after_iso,
    "expiry_at_iso": expiry_at_iso,
    "retention_over_at_iso": retention_over_at_iso,
}
