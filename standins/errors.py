"""Answer every HTTP error as JSON `{"error": ...}`, as the real systems' clients expect."""

from __future__ import annotations

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException


def _as_json(error: HTTPException):
    return jsonify(error=error.description), error.code


def init_app(app: Flask) -> None:
    """Register the JSON error answer."""
    app.register_error_handler(HTTPException, _as_json)
