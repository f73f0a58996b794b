"""JUEL's type coercions (EL 2.2 spec, section 1.18) over the Python values of case variables.

JUEL types map onto Python as: null = None, Boolean = bool, Long = int (limited to 64 bits),
Double = float, BigDecimal = Decimal, String = str, List = list/tuple, Map = dict (any
Mapping), Collection = set. Dates compare as Java Comparables do. Every failure raises
`ExpressionEvaluationError` naming the operands' types; the caller adds the expression text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.dialect.juel.errors import ExpressionEvaluationError

LONG_MIN = -(2**63)
LONG_MAX = 2**63 - 1
# Deeper values (lists in maps in lists...) are refused when compared or turned into text.
MAX_VALUE_DEPTH = 50

_LONG_TEXT = re.compile(r"[+-]?[0-9]{1,19}")
_DOUBLE_TEXT = re.compile(
    r"\s*[+-]?(?:NaN|Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?)\s*"
)


def describe(value: Any) -> str:
    """Return a value's JUEL type and a short rendering of it, for error messages."""
    kind = type_name(value)
    if value is None:
        return kind
    shown = repr(value) if isinstance(value, str) else _short_text(value)
    if len(shown) > 40:
        shown = shown[:40] + "…"
    return kind if shown == kind else f"{kind} {shown}"


def type_name(value: Any) -> str:
    """Return the name of a value's type as an analyst would say it."""
    if value is None:
        return "null"
    for kind, name in _TYPE_NAMES:
        if isinstance(value, kind):
            return name
    if isinstance(value, Mapping):
        return "map"
    describe_self = getattr(type(value), "juel_type_name", None)
    if isinstance(describe_self, str):
        return describe_self
    return f"object of Python type {type(value).__name__}"


_TYPE_NAMES = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "floating-point number"),
    (Decimal, "decimal number"),
    (str, "string"),
    (list | tuple, "list"),
    (set | frozenset, "set"),
    (dict, "map"),
    (datetime, "date-time"),
    (date, "date"),
    (time, "time"),
)


def _short_text(value: Any) -> str:
    try:
        return to_text(value, limit=60)
    except ExpressionEvaluationError:
        return "…"


def to_boolean(value: Any) -> bool:
    """Coerce to Boolean: null and "" are false, a string is true when it is "true" in any case."""
    if value is True or value is False:
        return value
    if value is None:
        return False
    if isinstance(value, str):
        return value.lower() == "true"
    raise ExpressionEvaluationError(f"cannot use {describe(value)} as a boolean")


def to_long(value: Any) -> int:
    """Coerce to Long: null and "" are 0, a string must be an integer, a boolean is refused."""
    if type(value) is int:
        return value
    if value is None or (isinstance(value, str) and not value):
        return 0
    if isinstance(value, bool):
        raise ExpressionEvaluationError(f"cannot use {describe(value)} as a number")
    if isinstance(value, int):
        return checked_long(int(value))
    if isinstance(value, float | Decimal):
        return checked_long(_truncate(value))
    if isinstance(value, str) and _LONG_TEXT.fullmatch(value):
        return checked_long(int(value))
    raise ExpressionEvaluationError(f"cannot use {describe(value)} as a number")


def to_double(value: Any) -> float:
    """Coerce to Double: null and "" are 0.0, a string must be a number, a boolean is refused."""
    if type(value) is float:
        return value
    if value is None or (isinstance(value, str) and not value):
        return 0.0
    if isinstance(value, bool):
        raise ExpressionEvaluationError(f"cannot use {describe(value)} as a number")
    if isinstance(value, int | Decimal):
        try:
            return float(value)
        except OverflowError:
            raise ExpressionEvaluationError(f"{type_name(value)} is too large for a double") from None
    if isinstance(value, str) and len(value) <= 400 and _DOUBLE_TEXT.fullmatch(value):
        return float(value.strip().rstrip("fFdD"))
    raise ExpressionEvaluationError(f"cannot use {describe(value)} as a number")


def to_decimal(value: Any) -> Decimal:
    """Coerce to BigDecimal, as JUEL does when either operand is one."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ExpressionEvaluationError(f"cannot use {describe(value)} as a decimal number")
        return Decimal(repr(value))
    if isinstance(value, str) and _DOUBLE_TEXT.fullmatch(value) and "N" not in value and "I" not in value:
        return Decimal(value.strip().rstrip("fFdD"))
    return Decimal(to_long(value))


def checked_long(number: int) -> int:
    """Return the integer, or refuse it when it leaves Java's 64-bit long range."""
    if LONG_MIN <= number <= LONG_MAX:
        return number
    raise ExpressionEvaluationError(
        "integer overflow: the result leaves the 64-bit range (-9223372036854775808..9223372036854775807)"
    )


def _truncate(number: float | Decimal) -> int:
    if isinstance(number, float) and not math.isfinite(number):
        return 0 if math.isnan(number) else (LONG_MAX if number > 0 else LONG_MIN)
    return int(number)


def is_floating(value: Any) -> bool:
    """Return whether JUEL treats the operand as a Double: a float, or a string with '.', 'e' or 'E'."""
    if type(value) is float:
        return True
    return isinstance(value, str) and ("." in value or "e" in value or "E" in value)


def is_empty(value: Any) -> bool:
    """Return JUEL's `empty`: null, "", and empty lists, maps and sets are empty."""
    if value is None:
        return True
    if isinstance(value, str | list | tuple | dict | set | frozenset | Mapping):
        return len(value) == 0
    return False


def to_text(value: Any, limit: int = 1 << 20) -> str:
    """Coerce to String as JUEL does (null is ""), refusing results longer than `limit`."""
    if type(value) is str:
        text = value
    else:
        pieces: list[str] = []
        _render(value, pieces, [limit], 0)
        text = "".join(pieces)
    if len(text) > limit:
        raise ExpressionEvaluationError(f"the text would be longer than {limit} characters")
    return text


def _render(value: Any, pieces: list[str], budget: list[int], depth: int) -> None:
    """Append the Java `toString()` of a value to `pieces`, stopping when the budget is spent."""
    if depth > MAX_VALUE_DEPTH:
        raise ExpressionEvaluationError(f"the value is nested deeper than {MAX_VALUE_DEPTH} levels")
    if budget[0] < 0:
        raise ExpressionEvaluationError("the text would be too long")
    if isinstance(value, list | tuple | set | frozenset):
        pieces.append("[")
        for position, item in enumerate(value):
            pieces.append(", " if position else "")
            _render(item, pieces, budget, depth + 1)
        pieces.append("]")
    elif isinstance(value, Mapping):
        pieces.append("{")
        for position, (key, item) in enumerate(value.items()):
            pieces.append(", " if position else "")
            _render(key, pieces, budget, depth + 1)
            pieces.append("=")
            _render(item, pieces, budget, depth + 1)
        pieces.append("}")
    else:
        piece = _scalar_text(value)
        budget[0] -= len(piece)
        pieces.append(piece)
    budget[0] -= 2


def _scalar_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value)) if LONG_MIN <= value <= LONG_MAX else "(an integer beyond 64 bits)"
    if isinstance(value, float):
        return java_double_text(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | time):
        return value.isoformat()
    text = getattr(type(value), "juel_type_name", None)
    if isinstance(text, str):
        return text
    raise ExpressionEvaluationError(f"cannot turn {type_name(value)} into text")


def java_double_text(number: float) -> str:
    """Return Java's `Double.toString`: "1.0", "0.001", "1.0E7", "1.5E-4", "NaN", "Infinity"."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "-0.0" if math.copysign(1.0, number) < 0 else "0.0"
    if 1e-3 <= abs(number) < 1e7:
        text = repr(number)
        return text if "." in text else text + ".0"
    sign, digits, exponent = Decimal(repr(number)).as_tuple()
    shown = "".join(map(str, digits)).rstrip("0") or "0"
    power = len(digits) - 1 + int(exponent)
    return f"{'-' if sign else ''}{shown[0]}.{shown[1:] or '0'}E{power}"


def java_equals(left: Any, right: Any, depth: int = 0) -> bool:
    """Return Java's `equals`: a Long never equals a Double or a Boolean; lists and maps compare deeply."""
    if depth > MAX_VALUE_DEPTH:
        raise ExpressionEvaluationError(f"the value is nested deeper than {MAX_VALUE_DEPTH} levels")
    if left is right:
        return True
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(
            java_equals(a, b, depth + 1) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return left.keys() == right.keys() and all(java_equals(left[k], right[k], depth + 1) for k in left)
    kind = _java_kind(left)
    if kind is not _java_kind(right) or kind not in _COMPARED_BY_VALUE:
        return False
    try:
        return bool(left == right)
    except TypeError:
        return False


# Values of other types (objects the engine put into the scope) are equal only to themselves.
_COMPARED_BY_VALUE = frozenset({bool, int, float, Decimal, str, date, datetime, time})


def _java_kind(value: Any) -> type:
    if isinstance(value, bool):
        return bool
    if isinstance(value, int):
        return int
    return type(value)


def valid_decimal(operation: Any) -> Any:
    """Run a Decimal operation, turning its arithmetic errors into evaluation errors."""
    try:
        return operation()
    except (InvalidOperation, ArithmeticError) as error:
        raise ExpressionEvaluationError(f"decimal arithmetic failed: {type(error).__name__}") from None
