"""Read query parameters and JSON bodies the way Camunda's REST API takes them.

Every route names the query parameters it accepts; any other is refused with 400 (a
filter licflow cannot apply is never silently ignored). Lists come comma-separated,
booleans as true/false, dates as `2025-03-20T16:05:00.000+0500`. Lists are paged with
firstResult/maxResults and sorted with sortBy/sortOrder, which come together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import request

from engine.errors import InvalidCommand
from web.bodies import has_nul

PAGING = ("firstResult", "maxResults")
SORTING = ("sortBy", "sortOrder")


class InvalidRequest(InvalidCommand):
    """A request that does not follow the Camunda REST reference."""


@dataclass(frozen=True)
class Window:
    """Which part of a sorted list to answer: skip `first`, then at most `size` (None: all)."""

    first: int = 0
    size: int | None = None
    sort_by: str | None = None
    descending: bool = False

    def cut(self, rows: list) -> list:
        """Return the part of `rows` (already sorted) this window shows."""
        end = None if self.size is None else self.first + self.size
        return rows[self.first : end]


def check_query(accepted: tuple[str, ...]) -> None:
    """Refuse any query parameter the route does not accept."""
    unknown = sorted(set(request.args) - set(accepted))
    if unknown:
        raise InvalidRequest(
            f"licflow does not support the parameter(s) {', '.join(unknown)} here; "
            f"accepted: {', '.join(accepted) or 'none'}"
        )


def window(sort_fields: tuple[str, ...] = ()) -> Window:
    """Return the paging and sorting the request asks for."""
    first = integer("firstResult") or 0
    size = integer("maxResults")
    sort_by, order = text("sortBy"), text("sortOrder")
    if (sort_by is None) != (order is None):
        raise InvalidRequest("Only a single sorting parameter specified. sortBy and sortOrder required")
    if sort_by is not None and sort_by not in sort_fields:
        raise InvalidRequest(
            f"sortBy parameter has invalid value: {sort_by}; accepted: {', '.join(sort_fields)}"
        )
    if order not in (None, "asc", "desc"):
        raise InvalidRequest(f"sortOrder parameter has invalid value: {order}")
    return Window(first, size, sort_by, order == "desc")


def text(name: str) -> str | None:
    """Return a query parameter as text (None when absent)."""
    value = request.args.get(name)
    return value if value is None else value.strip()


def texts(name: str) -> list[str] | None:
    """Return a comma-separated query parameter as a list (None when absent)."""
    value = text(name)
    return None if value is None else [part.strip() for part in value.split(",") if part.strip()]


def boolean(name: str) -> bool | None:
    """Return a true/false query parameter (None when absent)."""
    value = text(name)
    if value is None:
        return None
    if value.lower() not in ("true", "false"):
        raise InvalidRequest(
            f"Cannot set query parameter '{name}' to value '{value}': expected true or false"
        )
    return value.lower() == "true"


def integer(name: str, minimum: int = 0) -> int | None:
    """Return a whole-number query parameter (None when absent)."""
    value = text(name)
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise InvalidRequest(f"Cannot set query parameter '{name}' to value '{value}'") from None
    if number < minimum:
        raise InvalidRequest(f"{name} must be at least {minimum}")
    return number


def sorted_page(rows: list, sort_fields: tuple[str, ...], key) -> list:
    """Sort `rows` by `key` in the order the request asks, and cut the page it asks for."""
    chosen = window(sort_fields)
    rows.sort(key=key, reverse=chosen.descending)
    return chosen.cut(rows)


def versioned_page(rows: list[dict[str, Any]], sort_fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """Sort definitions (as JSON) by the field asked, versions in order within it, and cut the page."""
    sort_by = window(sort_fields).sort_by or "id"
    return sorted_page(rows, sort_fields, key=lambda d: (d[sort_by] or "", d["version"]))


def moment(name: str) -> datetime | None:
    """Return a date query parameter (None when absent); it must carry its UTC offset."""
    value = text(name)
    if value is None:
        return None
    return parse_moment(name, value)


def parse_moment(name: str, value: str) -> datetime:
    """Read a Camunda date such as 2025-03-20T16:05:00.000+0500."""
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "+"))  # a '+' not URL-encoded arrives as ' '
    except ValueError:
        raise InvalidRequest(f"Cannot set query parameter '{name}' to value '{value}': not a date") from None
    if parsed.tzinfo is None:
        raise InvalidRequest(f"{name}: the date {value!r} needs a UTC offset, such as +0500")
    return parsed


def body() -> dict[str, Any]:
    """Return the JSON object the request carries ({} when it carries nothing)."""
    if not request.get_data():
        return {}
    value = request.get_json(silent=True)
    if not isinstance(value, dict):
        raise InvalidRequest("the request body must be a JSON object")
    if has_nul(value):
        raise InvalidRequest("the request body must not contain NUL characters")
    return value


def refuse_fields(payload: dict[str, Any], names: tuple[str, ...], why: str) -> None:
    """Refuse a body that sets any of `names` to something (None, false, [] and {} are nothing)."""
    given = [name for name in names if payload.get(name) not in (None, False, [], {}, "")]
    if given:
        raise InvalidRequest(f"licflow does not support {', '.join(given)}: {why}")


def known_fields(payload: dict[str, Any], names: tuple[str, ...]) -> None:
    """Refuse a body field the route does not know."""
    unknown = sorted(set(payload) - set(names))
    if unknown:
        raise InvalidRequest(f"licflow does not support the field(s) {', '.join(unknown)} here")


def string_field(payload: dict[str, Any], name: str, required: bool = False) -> str | None:
    """Return a text field of a body."""
    value = payload.get(name)
    if value is None:
        if required:
            raise InvalidRequest(f"{name} is required")
        return None
    if not isinstance(value, str):
        raise InvalidRequest(f"{name} must be a string")
    return value


def boolean_field(payload: dict[str, Any], name: str) -> bool:
    """Return a true/false field of a body (absent is false)."""
    value = payload.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InvalidRequest(f"{name} must be true or false")
    return value
