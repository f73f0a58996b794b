"""JUEL's operators (EL 2.2 spec, sections 1.7-1.10) with their coercions.

`+ - *` are numeric (a string operand must read as a number); `/` and `div` yield a Double;
`%` and `mod` keep Long operands Long. null counts as 0 in arithmetic. Long results that
leave 64 bits are refused instead of wrapping as Java would. Comparisons coerce both operands
to the "widest" type present: BigDecimal, then Double, then Long, then Boolean (for `==`),
then String.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from engine.dialect.juel.coercion import (
    checked_long,
    describe,
    is_floating,
    java_equals,
    to_boolean,
    to_decimal,
    to_double,
    to_long,
    to_text,
    valid_decimal,
)
from engine.dialect.juel.errors import ExpressionEvaluationError

Binary = Callable[[Any, Any], Any]


def _arithmetic(symbol: str, on_longs: Binary, on_doubles: Binary) -> Binary:
    """Return JUEL's `A symbol B` for + - * (spec 1.7.1)."""

    def apply(left: Any, right: Any) -> Any:
        if type(left) is int and type(right) is int:
            return checked_long(on_longs(left, right))
        if left is None and right is None:
            return 0
        try:
            if isinstance(left, Decimal) or isinstance(right, Decimal):
                return valid_decimal(lambda: on_longs(to_decimal(left), to_decimal(right)))
            if is_floating(left) or is_floating(right):
                return on_doubles(to_double(left), to_double(right))
            return checked_long(on_longs(to_long(left), to_long(right)))
        except ExpressionEvaluationError as error:
            raise _operand_error(symbol, left, right, error) from None

    return apply


def _operand_error(symbol: str, left: Any, right: Any, cause: ExpressionEvaluationError):
    hint = ""
    if symbol == "+" and (isinstance(left, str) or isinstance(right, str)):
        hint = "; JUEL's + only adds numbers: to join text write the parts side by side, 'a${x}b'"
    return ExpressionEvaluationError(
        f"cannot apply '{symbol}' to {describe(left)} and {describe(right)} ({cause.problem}){hint}"
    )


add = _arithmetic("+", operator.add, operator.add)
subtract = _arithmetic("-", operator.sub, operator.sub)
multiply = _arithmetic("*", operator.mul, operator.mul)


def divide(left: Any, right: Any) -> Any:
    """Return JUEL's `A / B`: a Double (Infinity or NaN on zero, as in Java), or a BigDecimal."""
    if left is None and right is None:
        return 0
    try:
        if isinstance(left, Decimal) or isinstance(right, Decimal):
            return _divide_decimals(to_decimal(left), to_decimal(right))
        return _divide_doubles(to_double(left), to_double(right))
    except ExpressionEvaluationError as error:
        raise _operand_error("/", left, right, error) from None


def _divide_doubles(dividend: float, divisor: float) -> float:
    if divisor != 0:
        return dividend / divisor
    if dividend == 0 or math.isnan(dividend):
        return math.nan
    return math.copysign(math.inf, dividend) * math.copysign(1.0, divisor)


def _divide_decimals(dividend: Decimal, divisor: Decimal) -> Decimal:
    if divisor == 0:
        raise ExpressionEvaluationError("division by zero")
    with localcontext() as context:
        context.rounding = ROUND_HALF_UP
        return valid_decimal(lambda: dividend / divisor)


def modulo(left: Any, right: Any) -> Any:
    """Return JUEL's `A % B`: Java's remainder, whose sign follows the dividend."""
    if type(left) is int and type(right) is int and right:
        return _long_remainder(left, right)
    if left is None and right is None:
        return 0
    try:
        if any(isinstance(x, Decimal) or is_floating(x) for x in (left, right)):
            dividend, divisor = to_double(left), to_double(right)
            return math.nan if divisor == 0 or math.isinf(dividend) else math.fmod(dividend, divisor)
        dividend, divisor = to_long(left), to_long(right)
    except ExpressionEvaluationError as error:
        raise _operand_error("%", left, right, error) from None
    if divisor == 0:
        problem = f"cannot apply '%' to {describe(left)} and {describe(right)} (/ by zero)"
        raise ExpressionEvaluationError(problem)
    return _long_remainder(dividend, divisor)


def _long_remainder(dividend: int, divisor: int) -> int:
    remainder = abs(dividend) % abs(divisor)
    return remainder if dividend >= 0 else -remainder


def negate(value: Any) -> Any:
    """Return JUEL's unary minus: null is 0, a string is read as a Long or a Double."""
    if type(value) is int:
        return checked_long(-value)
    if type(value) is float:
        return -value
    if value is None:
        return 0
    try:
        if isinstance(value, Decimal):
            return -value
        if isinstance(value, str):
            return -to_double(value) if is_floating(value) else checked_long(-to_long(value))
    except ExpressionEvaluationError as error:
        raise ExpressionEvaluationError(f"cannot apply '-' to {describe(value)} ({error.problem})") from None
    raise ExpressionEvaluationError(f"cannot apply '-' to {describe(value)}")


def not_(value: Any) -> bool:
    """Return JUEL's `!A` / `not A`."""
    return not to_boolean(value)


def _relation(symbol: str, test: Binary) -> Binary:
    """Return JUEL's `A symbol B` for < > <= >= (spec 1.8.1)."""
    or_equal = symbol in ("<=", ">=")

    def apply(left: Any, right: Any) -> bool:
        kind = type(left)
        if kind is type(right) and (kind is int or kind is float or kind is str):
            return test(left, right)
        if left is right:
            return or_equal
        if left is None or right is None:
            return False
        try:
            first, second = _comparable(left, right)
            return test(first, second)
        except ExpressionEvaluationError as error:
            raise ExpressionEvaluationError(
                f"cannot compare {describe(left)} {symbol} {describe(right)} ({error.problem})"
            ) from None
        except (TypeError, ArithmeticError):
            problem = f"cannot compare {describe(left)} {symbol} {describe(right)}"
            raise ExpressionEvaluationError(problem) from None

    return apply


def _comparable(left: Any, right: Any) -> tuple[Any, Any]:
    """Coerce both operands of a comparison to the type the spec picks."""
    both = (left, right)
    if any(isinstance(x, Decimal) for x in both):
        return to_decimal(left), to_decimal(right)
    if any(type(x) is float for x in both):
        return to_double(left), to_double(right)
    if any(isinstance(x, int) and not isinstance(x, bool) for x in both):
        return to_long(left), to_long(right)
    if any(isinstance(x, str) for x in both):
        return to_text(left), to_text(right)
    if type(left) is type(right) and isinstance(left, _COMPARABLE):
        if isinstance(left, datetime) and left.utcoffset() is not None and right.utcoffset() is not None:
            # Python compares two datetimes of one zone by their wall clocks; Java compares instants.
            return left.astimezone(UTC), right.astimezone(UTC)
        return left, right
    raise ExpressionEvaluationError("they are not comparable")


less = _relation("<", operator.lt)
greater = _relation(">", operator.gt)
less_or_equal = _relation("<=", operator.le)
greater_or_equal = _relation(">=", operator.ge)


def equal(left: Any, right: Any) -> bool:
    """Return JUEL's `A == B` (spec 1.8.2): `'1' == 1` is true, `'a' == 1` is an error."""
    kind = type(left)
    if kind is type(right) and (kind is int or kind is str or kind is bool):
        return left == right
    if left is right:
        return True
    if left is None or right is None:
        return False
    both = (left, right)
    try:
        if any(isinstance(x, Decimal) for x in both):
            return to_decimal(left).compare(to_decimal(right)) == 0
        if any(type(x) is float for x in both):
            return to_double(left) == to_double(right)
        if any(isinstance(x, int) and not isinstance(x, bool) for x in both):
            return to_long(left) == to_long(right)
        if any(isinstance(x, bool) for x in both):
            return to_boolean(left) == to_boolean(right)
        if any(isinstance(x, str) for x in both):
            return to_text(left) == to_text(right)
    except ExpressionEvaluationError as error:
        raise ExpressionEvaluationError(
            f"cannot compare {describe(left)} == {describe(right)} ({error.problem})"
        ) from None
    return java_equals(left, right)


def not_equal(left: Any, right: Any) -> bool:
    """Return JUEL's `A != B`."""
    return not equal(left, right)


# Other values of one type compare as Java Comparables do (Boolean, Date).
_COMPARABLE = (bool, date, time)

BINARY_OPERATORS: dict[str, Binary] = {
    "+": add,
    "-": subtract,
    "*": multiply,
    "/": divide,
    "div": divide,
    "%": modulo,
    "mod": modulo,
    "==": equal,
    "eq": equal,
    "!=": not_equal,
    "ne": not_equal,
    "<": less,
    "lt": less,
    ">": greater,
    "gt": greater,
    "<=": less_or_equal,
    "le": less_or_equal,
    ">=": greater_or_equal,
    "ge": greater_or_equal,
}
