"""FEEL values and their semantics: kinds, null-aware equality and order, bounded arithmetic.

Numbers are Python `int` or `Decimal` (34 significant digits, as FEEL's decimal128); a
`float` from the case variables is read as the decimal it prints as. Every number must stay
below 1e40 in magnitude, every string below `MAX_STRING_LENGTH` characters and every list
below `MAX_LIST_LENGTH` items, or evaluation fails with `FeelEvaluationError`.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)

from engine.dialect.decision_errors import FeelEvaluationError

MAX_NUMBER_DIGITS = 40
MAX_NUMBER = 10**MAX_NUMBER_DIGITS
MAX_STRING_LENGTH = 100_000
MAX_LIST_LENGTH = 10_000
MAX_DURATION_MONTHS = 12 * 10_000
DECIMALS = Context(
    prec=34,
    rounding=ROUND_HALF_EVEN,
    Emax=6144,
    Emin=-6143,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)


@dataclass(frozen=True, order=True)
class YearsMonthsDuration:
    """A FEEL years-and-months duration, counted in months."""

    months: int

    def __str__(self) -> str:
        sign, months = ("-" if self.months < 0 else ""), abs(self.months)
        years, months = divmod(months, 12)
        body = (f"{years}Y" if years else "") + (f"{months}M" if months or not years else "")
        return f"{sign}P{body}"


_KINDS = {
    bool: "boolean",
    int: "number",
    Decimal: "number",
    str: "string",
    datetime: "date and time",
    date: "date",
    time: "time",
    timedelta: "days and time duration",
    YearsMonthsDuration: "years and months duration",
    list: "list",
    dict: "context",
}
ORDERED_KINDS = frozenset(
    (
        "number",
        "string",
        "date",
        "date and time",
        "time",
        "days and time duration",
        "years and months duration",
    )
)


def kind(value) -> str:
    """Return the FEEL type name of `value` ('null' for None, 'unknown' for foreign objects)."""
    if value is None:
        return "null"
    found = _KINDS.get(type(value))
    if found is not None:
        return found
    for python_type, name in _KINDS.items():
        if isinstance(value, python_type):
            return name
    return "unknown"


def normalize(value):
    """Return a case variable's value as a FEEL value (floats become decimals, tuples lists)."""
    if type(value) is float:
        if not math.isfinite(value):
            raise FeelEvaluationError(f"{value!r} is not a FEEL number")
        return check_number(Decimal(repr(value)))
    if type(value) is tuple:
        return list(value)
    return value


def to_python(value):
    """Return a FEEL value as plain Python: a whole decimal becomes an int, others a float."""
    if type(value) is Decimal:
        return int(value) if value == value.to_integral_value() else float(value)
    if type(value) is list:
        return [to_python(item) for item in value]
    if type(value) is dict:
        return {key: to_python(item) for key, item in value.items()}
    return value


def check_number(number):
    """Return `number`, or fail if it is past the FEEL magnitude limit."""
    if -MAX_NUMBER < number < MAX_NUMBER:
        return number
    raise FeelEvaluationError(f"a number is beyond the limit of 1e{MAX_NUMBER_DIGITS}")


def check_string(text: str) -> str:
    """Return `text`, or fail if it is longer than the FEEL string limit."""
    if len(text) > MAX_STRING_LENGTH:
        raise FeelEvaluationError(f"a string is longer than {MAX_STRING_LENGTH} characters")
    return text


def check_list(items: list) -> list:
    """Return `items`, or fail if the list is longer than the FEEL list limit."""
    if len(items) > MAX_LIST_LENGTH:
        raise FeelEvaluationError(f"a list is longer than {MAX_LIST_LENGTH} items")
    return items


def equal(left, right):
    """Return FEEL `left = right`: true/false, or None when the kinds differ."""
    if left is None or right is None:
        return left is None and right is None
    left_kind, right_kind = kind(left), kind(right)
    if left_kind != right_kind:
        return None
    if left_kind == "list":
        check_list(left), check_list(right)
        return len(left) == len(right) and all(
            equal(normalize(a), normalize(b)) is True for a, b in zip(left, right, strict=True)
        )
    if left_kind == "context":
        return left.keys() == right.keys() and all(
            equal(normalize(left[key]), normalize(right[key])) is True for key in left
        )
    try:
        return left == right
    except TypeError:  # naive and aware date-times
        return None


def compare(left, right):
    """Return -1, 0 or 1 ordering two FEEL values, or None when they cannot be ordered."""
    if left is None or right is None:
        return None
    left_kind = kind(left)
    if left_kind not in ORDERED_KINDS or left_kind != kind(right):
        return None
    try:
        return (left > right) - (left < right)
    except TypeError:
        return None


def less(left, right):
    """Return FEEL `left < right` (None when not comparable)."""
    order = compare(left, right)
    return None if order is None else order < 0


def less_or_equal(left, right):
    """Return FEEL `left <= right` (None when not comparable)."""
    order = compare(left, right)
    return None if order is None else order <= 0


def greater(left, right):
    """Return FEEL `left > right` (None when not comparable)."""
    order = compare(left, right)
    return None if order is None else order > 0


def greater_or_equal(left, right):
    """Return FEEL `left >= right` (None when not comparable)."""
    order = compare(left, right)
    return None if order is None else order >= 0


def not_equal(left, right):
    """Return FEEL `left != right`."""
    same = equal(left, right)
    return None if same is None else not same


def is_number(value) -> bool:
    """Return whether `value` is a FEEL number (booleans are not)."""
    return type(value) is int or type(value) is Decimal


def add_months(moment, months: int):
    """Return the date or date-time `months` later, keeping the day within the month."""
    total = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(total, 12)
    if not 1 <= year <= 9999:
        raise FeelEvaluationError("a date is beyond the year 9999")
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _temporal(value) -> bool:
    return isinstance(value, date)


def _guard(operation, *operands):
    try:
        return operation(*operands)
    except (OverflowError, ValueError, InvalidOperation, Overflow) as error:
        if isinstance(error, FeelEvaluationError):
            raise
        raise FeelEvaluationError(f"arithmetic is out of range: {error}") from None
    except TypeError:  # naive and aware date-times
        return None


def add(left, right):
    """Return FEEL `left + right`: numbers, strings, dates with durations; else None."""
    if is_number(left) and is_number(right):
        if type(left) is int and type(right) is int:
            return check_number(left + right)
        return check_number(_guard(DECIMALS.add, left, right))
    if type(left) is str and type(right) is str:
        if len(left) + len(right) > MAX_STRING_LENGTH:
            raise FeelEvaluationError(f"a string is longer than {MAX_STRING_LENGTH} characters")
        return left + right
    if type(right) is YearsMonthsDuration and _temporal(left):
        return add_months(left, right.months)
    if type(left) is YearsMonthsDuration and _temporal(right):
        return add_months(right, left.months)
    if type(left) is YearsMonthsDuration and type(right) is YearsMonthsDuration:
        return YearsMonthsDuration(left.months + right.months)
    if isinstance(right, timedelta) and (_temporal(left) or isinstance(left, timedelta)):
        return _guard(lambda a, b: a + b, left, right)
    if isinstance(left, timedelta) and _temporal(right):
        return _guard(lambda a, b: a + b, right, left)
    return None


def subtract(left, right):
    """Return FEEL `left - right`: numbers, dates, date-times and durations; else None."""
    if is_number(left) and is_number(right):
        if type(left) is int and type(right) is int:
            return check_number(left - right)
        return check_number(_guard(DECIMALS.subtract, left, right))
    if kind(left) in ("date", "date and time") and kind(left) == kind(right):
        return _guard(lambda a, b: a - b, left, right)
    if type(right) is YearsMonthsDuration:
        if _temporal(left):
            return add_months(left, -right.months)
        if type(left) is YearsMonthsDuration:
            return YearsMonthsDuration(left.months - right.months)
    if isinstance(right, timedelta) and (_temporal(left) or isinstance(left, timedelta)):
        return _guard(lambda a, b: a - b, left, right)
    return None


def multiply(left, right):
    """Return FEEL `left * right` for numbers, or a duration scaled by a number; else None."""
    if is_number(left) and is_number(right):
        if type(left) is int and type(right) is int:
            return check_number(left * right)
        return check_number(_guard(DECIMALS.multiply, left, right))
    if is_number(left) and not is_number(right):
        left, right = right, left
    if is_number(right) and isinstance(left, timedelta):
        return _guard(
            lambda d, n: timedelta(seconds=float(DECIMALS.multiply(d.total_seconds(), n))), left, right
        )
    if is_number(right) and type(left) is YearsMonthsDuration:
        return YearsMonthsDuration(int(check_number(DECIMALS.multiply(left.months, right))))
    return None


def divide(left, right):
    """Return FEEL `left / right`; division by zero is null."""
    if is_number(left) and is_number(right):
        if right == 0:
            return None
        if type(left) is int and type(right) is int and left % right == 0:
            return check_number(left // right)
        return check_number(_guard(DECIMALS.divide, left, right))
    if isinstance(left, timedelta) and is_number(right) and right != 0:
        return _guard(
            lambda d, n: timedelta(seconds=float(DECIMALS.divide(d.total_seconds(), n))), left, right
        )
    if isinstance(left, timedelta) and isinstance(right, timedelta) and right:
        return _guard(
            DECIMALS.divide, Decimal(repr(left.total_seconds())), Decimal(repr(right.total_seconds()))
        )
    return None


def power(base, exponent):
    """Return FEEL `base ** exponent`, refusing results past the number limit before computing them."""
    if not (is_number(base) and is_number(exponent)):
        return None
    if base == 0:
        return None if exponent < 0 else (1 if exponent == 0 else 0)
    if exponent == 0 or base == 1:
        return 1
    if base < 0 and exponent != int(exponent):
        return None
    magnitude = abs(float(exponent)) * math.log10(abs(float(base))) if abs(float(base)) != 1 else 0.0
    if magnitude > MAX_NUMBER_DIGITS and (exponent > 0) == (abs(base) > 1):
        raise FeelEvaluationError(f"{base} ** {exponent} is beyond the limit of 1e{MAX_NUMBER_DIGITS}")
    if type(base) is int and type(exponent) is int and exponent > 0:
        return check_number(base**exponent)
    return check_number(_guard(DECIMALS.power, Decimal(base), exponent))


def negate(value):
    """Return FEEL `-value` for numbers and durations; else None."""
    if is_number(value):
        return -value
    if isinstance(value, timedelta):
        return _guard(lambda d: -d, value)
    if type(value) is YearsMonthsDuration:
        return YearsMonthsDuration(-value.months)
    return None
