"""Read what a client sent; anything malformed is answered 400 with a reason."""

from __future__ import annotations

from typing import Any

from flask import request
from werkzeug.exceptions import BadRequest


def json_object() -> dict[str, Any]:
    """Return the request body, which must be a JSON object."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("the request body must be a JSON object")
    return body


def required_text(body: dict[str, Any], name: str) -> str:
    """Return the non-empty string `body[name]`."""
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise BadRequest(f"'{name}' is required and must be a non-empty string")
    return value


def optional_text(body: dict[str, Any], name: str) -> str | None:
    """Return the string `body[name]`, or None when it is absent or null."""
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise BadRequest(f"'{name}' must be a string")
    return value or None


def applicant_id_argument() -> str:
    """Return the `applicant_id` query argument."""
    applicant_id = request.args.get("applicant_id", "")
    if not applicant_id:
        raise BadRequest("the query argument 'applicant_id' is required")
    return applicant_id
