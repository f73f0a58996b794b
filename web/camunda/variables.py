"""Camunda 7 typed variables (`{"type", "value", "valueInfo"}`) to Python values and back.

In: String, Boolean, Integer, Long, Short, Double, Null, Date, Json, and Object when
serialized as `application/json`. Type names are read case-insensitively, as clients
send them either way (the JS client sends "boolean", Camunda's own answers "Boolean").
A Date is kept in licflow as an ISO 8601 string. Any other type (Bytes, File, Xml, Java
serialization) is refused with `InvalidVariable`, naming the variable.

Out: None -> Null, bool -> Boolean, int -> Integer or Long, float -> Double,
str -> String, datetime -> Date (`yyyy-MM-dd'T'HH:mm:ss.SSSZ`), dict/list -> Json
(its value a JSON string, which the JS client's `Variables.get` parses back).
"""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from engine.errors import InvalidCommand

INTEGER_RANGES = {
    "short": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "long": (-(2**63), 2**63 - 1),
}
JSON_FORMAT = "application/json"


class InvalidVariable(InvalidCommand):
    """A typed variable that licflow cannot read; the message names the variable."""


def from_typed(variables: Any, what: str = "variables") -> dict[str, Any]:
    """Return {name: Python value} of a Camunda typed-variables object (None is empty)."""
    if variables is None:
        return {}
    if not isinstance(variables, dict):
        raise InvalidVariable(f"{what} must be an object of typed values")
    return {name: from_typed_value(name, typed) for name, typed in variables.items()}


def from_typed_value(name: str, typed: Any) -> Any:
    """Return the Python value of one typed value `{type, value, valueInfo}`."""
    if not isinstance(typed, dict):
        raise InvalidVariable(f"variable {name!r} must be an object with type and value")
    kind = typed.get("type")
    value = typed.get("value")
    info = typed.get("valueInfo") or {}
    if kind is None:  # untyped: the JSON value as it came
        return value
    if not isinstance(kind, str) or not isinstance(info, dict):
        raise InvalidVariable(f"variable {name!r} has a malformed type or valueInfo")
    reader = _READERS.get(kind.lower())
    if reader is None:
        raise InvalidVariable(f"variable {name!r} has type {kind!r}, which licflow does not accept")
    if value is None:
        return None
    try:
        return reader(value, info)
    except (TypeError, ValueError) as error:
        raise InvalidVariable(f"variable {name!r} is not a valid {kind}: {error}") from error


def _string(value, _info) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _boolean(value, _info) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    raise TypeError(f"expected true or false, got {value!r}")


def _integer(kind: str):
    low, high = INTEGER_RANGES[kind]

    def read(value, _info) -> int:
        if isinstance(value, bool):
            raise TypeError("expected a number, got a boolean")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, str):
            value = int(value.strip())
        if not isinstance(value, int):
            raise TypeError(f"expected a whole number, got {value!r}")
        if not low <= value <= high:
            raise ValueError(f"{value} is out of range")
        return value

    return read


def _double(value, _info) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError(f"expected a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    return number


def _date(value, _info) -> str:
    if not isinstance(value, str) or "T" not in value:
        raise TypeError(f"expected a date like 2025-03-20T16:05:00.000+0500, got {value!r}")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no UTC offset")
    return moment.isoformat()


def _json(value, _info) -> Any:
    if isinstance(value, dict | list):
        return value
    if not isinstance(value, str):
        raise TypeError(f"expected a JSON string, got {type(value).__name__}")
    return json.loads(value)


def _object(value, info) -> Any:
    data_format = info.get("serializationDataFormat")
    if data_format != JSON_FORMAT:
        raise ValueError(f"only serializationDataFormat {JSON_FORMAT!r} is accepted, not {data_format!r}")
    return _json(value, info)


_READERS = {
    "string": _string,
    "boolean": _boolean,
    "short": _integer("short"),
    "integer": _integer("integer"),
    "long": _integer("long"),
    "double": _double,
    "null": lambda _value, _info: None,
    "date": _date,
    "json": _json,
    "object": _object,
}


def to_typed(variables: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return {name: typed value} for a dict of Python values."""
    return {name: to_typed_value(value) for name, value in variables.items()}


def to_typed_value(value: Any) -> dict[str, Any]:
    """Return the Camunda typed value of one Python value."""
    if value is None:
        return _typed("Null", None)
    if isinstance(value, bool):
        return _typed("Boolean", value)
    if isinstance(value, int):
        low, high = INTEGER_RANGES["integer"]
        return _typed("Integer" if low <= value <= high else "Long", value)
    if isinstance(value, float | Decimal):
        number = float(value)
        return _typed("Double", number) if math.isfinite(number) else _typed("String", str(value))
    if isinstance(value, str):
        return _typed("String", value)
    if isinstance(value, datetime):
        return _typed("Date", camunda_date(value))
    if isinstance(value, date):
        return _typed("String", value.isoformat())
    if isinstance(value, dict | list | tuple):
        return _typed("Json", json.dumps(value, default=_json_default, ensure_ascii=False))
    return _typed("String", str(value))


def camunda_date(moment: datetime) -> str:
    """Format `moment` as Camunda does: 2025-03-20T11:05:00.000+0000 (naive is read as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}" + moment.strftime("%z")


def _typed(kind: str, value: Any) -> dict[str, Any]:
    return {"type": kind, "value": value, "valueInfo": {}}


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)
