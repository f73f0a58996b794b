"""FEEL's built-in functions that licflow offers, and its date, time and duration literals.

Each function takes FEEL values and returns one; a null or wrongly typed argument gives
null, as FEEL says, except a malformed date, time or duration text, which is an error
naming the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.dialect.decision_errors import FeelEvaluationError
from engine.dialect.feel.values import (
    MAX_DURATION_MONTHS,
    YearsMonthsDuration,
    add,
    check_list,
    check_number,
    check_string,
    compare,
    is_number,
    kind,
    normalize,
)

_DATE = r"(-?\d{4})-(\d{2})-(\d{2})"
_TIME = r"(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?"
_ZONE = r"(Z|[+-]\d{2}:\d{2}|@[A-Za-z_]+(?:/[A-Za-z_+-]+){0,2})?"
DATE_TEXT = re.compile(rf"^{_DATE}$")
TIME_TEXT = re.compile(rf"^{_TIME}{_ZONE}$")
DATE_TIME_TEXT = re.compile(rf"^{_DATE}T{_TIME}{_ZONE}$")
DURATION_TEXT = re.compile(
    r"^(-)?P(?:(\d{1,9})Y)?(?:(\d{1,9})M)?(?:(\d{1,9})D)?"
    r"(?:T(?:(\d{1,9})H)?(?:(\d{1,9})M)?(?:(\d{1,9}(?:\.\d{1,9})?)S)?)?$"
)
NUMBER_TEXT = re.compile(r"^-?\d{1,40}(\.\d{1,34})?$")


def _zone(text: str | None):
    if not text:
        return None
    if text == "Z":
        return UTC
    if text.startswith("@"):
        try:
            return ZoneInfo(text[1:])
        except (ZoneInfoNotFoundError, ValueError):
            raise FeelEvaluationError(f"unknown time zone {text[1:]!r}") from None
    hours, minutes = int(text[1:3]), int(text[4:6])
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if text[0] == "-" else offset)


def _clock(hour, minute, second, fraction) -> tuple[int, int, int, int]:
    micro = int((fraction or ".0")[1:].ljust(6, "0")[:6])
    return int(hour), int(minute), int(second), micro


def parse_date(text: str) -> date:
    """Return the date of an ISO text 'YYYY-MM-DD'."""
    match = DATE_TEXT.match(text)
    try:
        return date(*map(int, match.groups()))
    except (AttributeError, ValueError):
        raise FeelEvaluationError(f"{text!r} is not a date (expected YYYY-MM-DD)") from None


def parse_time(text: str) -> time:
    """Return the time of an ISO text 'HH:MM:SS', with an optional offset or @zone."""
    match = TIME_TEXT.match(text)
    try:
        *clock, zone = match.groups()
        return time(*_clock(*clock), tzinfo=_zone(zone))
    except (AttributeError, ValueError):
        raise FeelEvaluationError(f"{text!r} is not a time (expected HH:MM:SS)") from None


def parse_date_and_time(text: str) -> datetime:
    """Return the date-time of an ISO text 'YYYY-MM-DDTHH:MM:SS' (offset or @zone optional)."""
    if DATE_TEXT.match(text):
        return datetime.combine(parse_date(text), time())
    match = DATE_TIME_TEXT.match(text)
    try:
        year, month, day, *clock, zone = match.groups()
        return datetime(int(year), int(month), int(day), *_clock(*clock), tzinfo=_zone(zone))
    except (AttributeError, ValueError):
        raise FeelEvaluationError(f"{text!r} is not a date and time (expected YYYY-MM-DDTHH:MM:SS)") from None


def parse_duration(text: str) -> timedelta | YearsMonthsDuration:
    """Return an ISO 8601 duration: years and months ('P1Y2M') or days and time ('P1DT2H')."""
    match = DURATION_TEXT.match(text)
    if not match or text.endswith(("P", "T")):
        raise FeelEvaluationError(f"{text!r} is not a duration (expected e.g. P1D, PT2H or P1Y2M)")
    sign, years, months, days, hours, minutes, seconds = match.groups()
    factor = -1 if sign else 1
    if years or months:
        if days or hours or minutes or seconds:
            raise FeelEvaluationError(f"{text!r} mixes years or months with days or time")
        total = int(years or 0) * 12 + int(months or 0)
        if total > MAX_DURATION_MONTHS:
            raise FeelEvaluationError(f"{text!r} is longer than 10000 years")
        return YearsMonthsDuration(factor * total)
    try:
        span = timedelta(
            days=int(days or 0), hours=int(hours or 0), minutes=int(minutes or 0), seconds=float(seconds or 0)
        )
    except OverflowError:
        raise FeelEvaluationError(f"{text!r} is longer than a duration can be") from None
    return span * factor


def duration_text(span: timedelta) -> str:
    """Return a days-and-time duration as ISO 8601 ('P1DT2H30M')."""
    sign = "-" if span < timedelta(0) else ""
    span = abs(span)
    hours, rest = divmod(span.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    seconds_text = (
        f"{seconds}.{span.microseconds:06d}".rstrip("0").rstrip(".") if span.microseconds else seconds
    )
    clock = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds_text, "S")) if n)
    body = (f"{span.days}D" if span.days else "") + (f"T{clock}" if clock else "")
    return f"{sign}P{body or 'T0S'}"


def feel_string(value) -> str | None:
    """Return FEEL `string(value)`: null stays null, numbers lose trailing zeros."""
    if value is None:
        return None
    if type(value) is bool:
        return "true" if value else "false"
    if type(value) is Decimal:
        text = format(value.normalize(), "f")
        return text if "." not in text else text.rstrip("0").rstrip(".")
    if isinstance(value, timedelta):
        return duration_text(value)
    if isinstance(value, (date, time)):
        return value.isoformat()
    if type(value) is list:
        return check_string("[" + ", ".join(_quoted(normalize(item)) for item in check_list(value)) + "]")
    if type(value) is dict:
        pairs = (f"{key}:{_quoted(normalize(item))}" for key, item in value.items())
        return check_string("{" + ", ".join(pairs) + "}")
    return check_string(str(value))


def _quoted(value) -> str:
    return f'"{value}"' if type(value) is str else str(feel_string(value))


def _date(value, month=None, day=None):
    if month is not None or day is not None:
        if not all(type(part) is int for part in (value, month, day)):
            return None
        try:
            return date(value, month, day)
        except ValueError:
            raise FeelEvaluationError(f"date({value}, {month}, {day}) is not a date") from None
    if type(value) is str:
        return parse_date(value)
    if isinstance(value, datetime):
        return value.date()
    return value if type(value) is date else None


def _date_and_time(value, clock=None):
    if clock is not None:
        if kind(value) not in ("date", "date and time") or kind(clock) != "time":
            return None
        day = value.date() if isinstance(value, datetime) else value
        return datetime.combine(day, clock)
    if type(value) is str:
        return parse_date_and_time(value)
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time()) if isinstance(value, date) else None


def _time(value, minute=None, second=None):
    if minute is not None or second is not None:
        if not all(is_number(part) for part in (value, minute, second)):
            return None
        try:
            return time(int(value), int(minute), int(second))
        except ValueError:
            raise FeelEvaluationError(f"time({value}, {minute}, {second}) is not a time") from None
    if type(value) is str:
        return parse_time(value)
    if isinstance(value, datetime):
        return value.timetz()
    return value if isinstance(value, time) else None


def _duration(text):
    return parse_duration(text) if type(text) is str else None


def _years_and_months(start, end):
    if kind(start) not in ("date", "date and time") or kind(end) not in ("date", "date and time"):
        return None
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and end.day < start.day:
        months -= 1
    elif months < 0 and end.day > start.day:
        months += 1
    return YearsMonthsDuration(months)


def _number(text):
    if type(text) is not str or not NUMBER_TEXT.match(text):
        return None
    value = check_number(Decimal(text))
    return int(value) if value == value.to_integral_value() else value


def _strings(function: Callable) -> Callable:
    def on_strings(*args):
        return function(*args) if all(type(arg) is str for arg in args) else None

    return on_strings


def _items(args: tuple) -> list | None:
    items = args[0] if len(args) == 1 and type(args[0]) is list else list(args)
    return [normalize(item) for item in check_list(items)]


def _count(items):
    return len(check_list(items)) if type(items) is list else None


def _sum(*args):
    items = _items(args)
    if not items or not all(is_number(item) for item in items):
        return None
    total = 0
    for item in items:
        total = add(total, item)
    return total


def _extreme(sign: int) -> Callable:
    def pick(*args):
        items = _items(args)
        if not items:
            return None
        best = items[0]
        for item in items[1:]:
            order = compare(item, best)
            if order is None:
                return None
            if order == sign:
                best = item
        return best

    return pick


@dataclass(frozen=True)
class Builtin:
    """A built-in function with the numbers of arguments it accepts."""

    function: Callable
    arities: tuple[int, ...]  # () means one or more


BUILTINS: dict[str, Builtin] = {
    "date": Builtin(_date, (1, 3)),
    "date and time": Builtin(_date_and_time, (1, 2)),
    "time": Builtin(_time, (1, 3)),
    "duration": Builtin(_duration, (1,)),
    "years and months duration": Builtin(_years_and_months, (2,)),
    "string": Builtin(feel_string, (1,)),
    "number": Builtin(_number, (1,)),
    "upper case": Builtin(_strings(str.upper), (1,)),
    "lower case": Builtin(_strings(str.lower), (1,)),
    "string length": Builtin(_strings(len), (1,)),
    "contains": Builtin(_strings(lambda text, part: part in text), (2,)),
    "starts with": Builtin(_strings(str.startswith), (2,)),
    "ends with": Builtin(_strings(str.endswith), (2,)),
    "count": Builtin(_count, (1,)),
    "sum": Builtin(_sum, ()),
    "min": Builtin(_extreme(-1), ()),
    "max": Builtin(_extreme(1), ()),
}
