"""Camunda 7's DMN data types: a `typeRef` turns an input or output value into its type or fails.

string (from anything), boolean (from true/false or their text), integer and long (from
whole numbers or their text, within 32 and 64 bits), double (from numbers or their text),
date (a date-time, from a date, a date-time or the text yyyy-MM-dd'T'HH:mm:ss). Any other
typeRef, or none, leaves the value as it is; null stays null.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal

from engine.dialect.feel.builtins import feel_string

INTEGER_TEXT = re.compile(r"^[+-]?\d{1,19}$")
DOUBLE_TEXT = re.compile(r"^[+-]?(\d{1,309}(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$")
DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
INT_RANGE = 2**31
LONG_RANGE = 2**63


class TypeMismatch(ValueError):
    """A value cannot be turned into the column's typeRef."""


def _number(value):
    return type(value) in (int, float, Decimal)


def _to_string(value):
    return value if type(value) is str else feel_string(value)


def _to_boolean(value):
    if type(value) is bool:
        return value
    if type(value) is str and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise TypeMismatch


def _whole(limit: int) -> Callable:
    def to_whole(value):
        if type(value) is str and INTEGER_TEXT.match(value):
            value = int(value)
        if _number(value) and not isinstance(value, bool):
            if isinstance(value, float) and not math.isfinite(value):
                raise TypeMismatch
            if value == int(value) and -limit <= int(value) < limit:
                return int(value)
        raise TypeMismatch

    return to_whole


def _to_double(value):
    if type(value) is str and DOUBLE_TEXT.match(value):
        value = float(value)
    if _number(value) and math.isfinite(float(value)):
        return float(value)
    raise TypeMismatch


def _to_date(value):
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if type(value) is str and DATE_TEXT.match(value):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise TypeMismatch from None
    raise TypeMismatch


CONVERTERS: dict[str, Callable] = {
    "string": _to_string,
    "boolean": _to_boolean,
    "integer": _whole(INT_RANGE),
    "long": _whole(LONG_RANGE),
    "double": _to_double,
    "date": _to_date,
}


def converter(type_ref: str | None) -> Callable | None:
    """Return the conversion for `type_ref`, or None when values stay as they are."""
    return CONVERTERS.get((type_ref or "").strip())


def convert(value, type_ref: str | None):
    """Return `value` as `type_ref` asks; raise TypeMismatch when it cannot be."""
    convert_to = converter(type_ref)
    if value is None or convert_to is None:
        return value
    return convert_to(value)
