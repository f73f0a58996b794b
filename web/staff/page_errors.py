"""Answer errors on HTML pages with an HTML page; the status comes from `web.errors`."""

from __future__ import annotations

from flask import Blueprint, render_template
from werkzeug.exceptions import HTTPException

from engine.errors import LicflowError
from web.errors import status_of


def render_error(status: int, title: str, message: str):
    """Return the error page with `status`."""
    return render_template("error.html", status=status, title=title, message=message), status


def install(bp: Blueprint) -> None:
    """Render domain and HTTP errors raised in `bp`'s views as pages."""

    @bp.errorhandler(LicflowError)
    def domain_error(error: LicflowError):
        return render_error(status_of(error), type(error).__name__, str(error))

    @bp.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500, error.name, error.description or "")
