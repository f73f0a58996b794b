"""The one place where domain errors become HTTP answers."""

from __future__ import annotations

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from engine import errors

STATUS = [
    (errors.NotFound, 404),
    (errors.MessageNotCorrelated, 404),
    (errors.Conflict, 409),
    (errors.AmbiguousCorrelation, 409),
    (errors.InvalidXml, 400),
    (errors.InvalidDiagram, 400),
    (errors.InvalidCommand, 400),
    (errors.ProcessError, 422),
    (errors.LicflowError, 400),
]


def status_of(error: errors.LicflowError) -> int:
    """Return the HTTP status for a domain error (the first matching class wins)."""
    return next(code for kind, code in STATUS if isinstance(error, kind))


def init_app(app: Flask) -> None:
    """Answer domain errors and HTTP errors as JSON {type, message}."""

    @app.errorhandler(errors.LicflowError)
    def domain_error(error: errors.LicflowError):
        body = {"type": type(error).__name__, "message": str(error)}
        if isinstance(error, errors.FormInvalid):
            body["errors"] = error.errors
        return jsonify(body), status_of(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return jsonify(type=type(error).__name__, message=error.description), error.code
