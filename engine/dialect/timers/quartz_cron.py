"""Quartz cron expressions, as Camunda 7 reads a timeCycle that does not start with R.

Quartz has 6 or 7 fields, seconds first: `sec min hour day-of-month month day-of-week [year]`.
It differs from Unix cron (and croniter) in ways that matter: day-of-week counts 1-7 from
Sunday (croniter: 0-6), one of the two day fields must be `?`, `6L` is the last Friday and
`6#3` the third Friday. This module translates to croniter's 6-field form with seconds first
and filters the year itself. Quartz's `L-n` and `LW` are refused (croniter has no equivalent).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from croniter import CroniterBadDateError, croniter

_FIRST_YEAR, _LAST_YEAR = 1970, 2199
_DAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_PLAIN_FIELD = re.compile(r"[0-9A-Za-z*,/\-]+")
_WEEKDAY = r"[1-7]|SUN|MON|TUE|WED|THU|FRI|SAT"
_WEEKDAY_ITEM = re.compile(
    rf"(?P<star>\*)(?:/(?P<star_step>\d+))?"
    rf"|(?P<first>{_WEEKDAY})(?:-(?P<last>{_WEEKDAY}))?(?:/(?P<step>\d+))?"
    rf"|(?P<nth_day>{_WEEKDAY})#(?P<nth>[1-5])"
    rf"|(?P<last_day>{_WEEKDAY})L",
    re.IGNORECASE,
)
_YEAR_ITEM = re.compile(
    r"(?P<first>\d{4})(?:-(?P<last>\d{4}))?(?:/(?P<step>\d+))?|\*(?:/(?P<star_step>\d+))?"
)


@dataclass(frozen=True)
class QuartzCron:
    """A Quartz cron expression with its croniter translation and the years it may fire in."""

    text: str
    croniter_expression: str
    years: frozenset[int] | None

    def next_after(self, moment: datetime, zone: tzinfo) -> datetime | None:
        """Return the first firing strictly after `moment`, in `zone`, or None if there is none."""
        start = moment.astimezone(zone)
        for _ in range(_LAST_YEAR - _FIRST_YEAR + 2):
            try:
                candidate = croniter(
                    self.croniter_expression, start, ret_type=datetime, second_at_beginning=True
                ).get_next(datetime)
            except CroniterBadDateError:
                return None
            if self.years is None or candidate.year in self.years:
                return candidate
            later = [year for year in self.years if year > candidate.year]
            if not later:
                return None
            start = datetime(min(later), 1, 1, tzinfo=zone) - timedelta(seconds=1)
        return None


def parse_quartz(text: str) -> QuartzCron:
    """Translate a Quartz cron expression for croniter, or raise ValueError saying what is wrong."""
    fields = text.split()
    if len(fields) not in (6, 7):
        raise ValueError(
            f"a cron expression needs 6 or 7 fields (seconds first, Quartz style), not {len(fields)}"
        )
    seconds, minutes, hours, day_of_month, month, day_of_week = fields[:6]
    for field in (seconds, minutes, hours, month):
        if not _PLAIN_FIELD.fullmatch(field) or "?" in field:
            raise ValueError(f"the field {field!r} is not valid here")
    if day_of_month != "?" and day_of_week != "?" and "*" not in (day_of_month, day_of_week):
        raise ValueError(
            "Quartz cannot restrict both the day of the month and the day of the week; write ? in one of them"
        )
    translated = " ".join(
        (seconds, minutes, hours, _day_of_month(day_of_month), month, _day_of_week(day_of_week))
    )
    try:
        croniter(translated, datetime(2000, 1, 1), second_at_beginning=True)
    except (ValueError, KeyError) as error:
        raise ValueError(f"croniter refuses it: {error}") from None
    years = _years(fields[6]) if len(fields) == 7 else None
    return QuartzCron(text, translated, years)


def _day_of_month(field: str) -> str:
    if field == "?":
        return "*"
    upper = field.upper()
    if "L-" in upper or "LW" in upper:
        raise ValueError(f"the day-of-month {field!r} uses L-n or LW, which are not supported")
    return upper


def _day_of_week(field: str) -> str:
    """Translate Quartz's day-of-week (1 = Sunday .. 7 = Saturday) into croniter's (0 = Sunday)."""
    if field == "?":
        return "*"
    return ",".join(_weekday_item(item) for item in field.split(","))


def _weekday_item(item: str) -> str:
    match = _WEEKDAY_ITEM.fullmatch(item)
    if match is None:
        raise ValueError(f"the day-of-week {item!r} is not valid (1-7 from Sunday, SUN-SAT, n#k, nL)")
    if match["star"]:
        return item
    if match["nth_day"]:
        return f"{_weekday(match['nth_day'])}#{match['nth']}"
    if match["last_day"]:
        return f"L{_weekday(match['last_day'])}"
    text = str(_weekday(match["first"]))
    if match["last"]:
        text += f"-{_weekday(match['last'])}"
    if match["step"]:
        text += f"/{match['step']}"
    return text


def _weekday(day: str) -> int:
    if day.isdigit():
        return int(day) - 1
    return _DAY_NAMES.index(day.upper())


def _years(field: str) -> frozenset[int] | None:
    """Read Quartz's optional year field: `*`, 2030, 2025-2027, 2025/2, lists of these."""
    years: set[int] = set()
    for item in field.split(","):
        match = _YEAR_ITEM.fullmatch(item)
        if match is None:
            raise ValueError(f"the year field {field!r} is not valid (e.g. 2030, 2025-2027, 2025/2)")
        if item.startswith("*"):
            if not match["star_step"]:
                return None
            first, last, step = _FIRST_YEAR, _LAST_YEAR, int(match["star_step"])
        else:
            first = int(match["first"])
            last = int(match["last"] or (_LAST_YEAR if match["step"] else first))
            step = int(match["step"] or 1)
        if not _FIRST_YEAR <= first <= last <= _LAST_YEAR or step < 1:
            raise ValueError(f"the year field {field!r} must stay within {_FIRST_YEAR}-{_LAST_YEAR}")
        years.update(range(first, last + 1, step))
    return frozenset(years)
