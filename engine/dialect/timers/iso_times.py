"""ISO 8601 durations and date-times as BPMN timers write them (`PT10M`, `P1DT2H`, `2025-03-26T18:30`).

A duration's calendar part (years, months, weeks, days) moves the wall clock in the engine's
zone, so P1D is "same time tomorrow"; its clock part (hours, minutes, seconds) is elapsed time.
Problems raise `ValueError` with a sentence saying what is wrong; the timer module adds which
definition it was and what forms are accepted.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

_DURATION = re.compile(
    r"P(?!$)(?:(?P<years>\d{1,9})Y)?(?:(?P<months>\d{1,9})M)?(?:(?P<days>\d{1,9})D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d{1,9})H)?(?:(?P<minutes>\d{1,9})M)?(?:(?P<seconds>\d{1,9}(?:[.,]\d{1,9})?)S)?)?"
)
_WEEKS = re.compile(r"P(?P<weeks>\d{1,9})W")
_SECONDS_PER_DAY = 86_400
_AVERAGE_MONTH_DAYS = 30.436875


@dataclass(frozen=True)
class IsoDuration:
    """An ISO 8601 duration: a calendar part in the engine's zone and a clock part in elapsed time."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0
    hours: int = 0
    minutes: int = 0
    seconds: float = 0.0

    @property
    def is_zero(self) -> bool:
        """Return whether the duration is empty, like PT0S."""
        return self.approximate_seconds == 0

    @property
    def approximate_seconds(self) -> float:
        """Return the length in seconds, counting a month as an average Gregorian month."""
        calendar_days = (self.years * 12 + self.months) * _AVERAGE_MONTH_DAYS + self.weeks * 7 + self.days
        return calendar_days * _SECONDS_PER_DAY + self.hours * 3600 + self.minutes * 60 + self.seconds

    def after(self, moment: datetime, zone: tzinfo, times: int = 1) -> datetime:
        """Return `moment` moved forward by the duration `times` times, in the engine's zone."""
        try:
            local = moment.astimezone(zone)
            months = (self.years * 12 + self.months) * times
            days = (self.weeks * 7 + self.days) * times
            if months or days:
                wall = _add_months(local.replace(tzinfo=None), months) + timedelta(days=days)
                local = wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
            elapsed = timedelta(hours=self.hours, minutes=self.minutes, seconds=self.seconds) * times
            return (local.astimezone(UTC) + elapsed).astimezone(zone)
        except (OverflowError, ValueError):
            raise ValueError(f"adding it to {moment.isoformat()} leaves the calendar (year 9999)") from None


def _add_months(wall: datetime, months: int) -> datetime:
    """Return the same wall-clock time `months` later, on the month's last day if the day is missing."""
    index = wall.year * 12 + wall.month - 1 + months
    year, month = divmod(index, 12)
    day = min(wall.day, calendar.monthrange(year, month + 1)[1]) if 1 <= year <= 9999 else wall.day
    return wall.replace(year=year, month=month + 1, day=day)


def parse_duration(text: str) -> IsoDuration:
    """Read an ISO 8601 duration (`PT10M`, `P1DT2H`, `P2W`, `PT1.5S`); negative ones are refused."""
    text = text.strip()
    if text.startswith("-"):
        raise ValueError(f"{text!r} is a negative duration; a timer can only wait forward")
    weeks = _WEEKS.fullmatch(text)
    if weeks:
        return IsoDuration(weeks=int(weeks["weeks"]))
    match = _DURATION.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not an ISO 8601 duration")
    parts = {name: value for name, value in match.groupdict().items() if value is not None}
    seconds = float(parts.pop("seconds", "0").replace(",", "."))
    return IsoDuration(seconds=seconds, **{name: int(value) for name, value in parts.items()})


def parse_date_time(value: str | date, zone: tzinfo) -> datetime:
    """Read an ISO 8601 date-time, a date or a datetime into `zone` (the zone of one without an offset)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        if not text[:1].isdigit():
            raise ValueError(f"{text!r} is not an ISO 8601 date-time")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not an ISO 8601 date-time") from None
    else:
        raise ValueError(f"{_kind(value)} is not a date-time")
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC).astimezone(zone)


def _kind(value: object) -> str:
    return "null" if value is None else f"a {type(value).__name__}"


def require_aware(moment: datetime, what: str) -> datetime:
    """Return `moment`, refusing a naive datetime, whose instant nobody can tell."""
    if not isinstance(moment, datetime) or moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime, not {moment!r}")
    return moment
