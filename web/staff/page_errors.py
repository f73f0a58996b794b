"""Answer errors on HTML pages with a page in the reader's language; the status comes from `web.errors`."""

from __future__ import annotations

from flask import Blueprint, render_template
from werkzeug.exceptions import HTTPException

from engine.errors import LicflowError
from engine.i18n import N_, in_language
from web.errors import status_of
from web.i18n import _, current_language

TITLES = {
    400: N_("The request could not be done"),
    401: N_("Sign in first"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Not allowed this way"),
    409: N_("Changed in the meantime"),
    413: N_("Too large"),
    422: N_("The process could not go on"),
    429: N_("Too many attempts"),
}


def render_error(status: int, message: str):
    """Return the error page with `status`, titled in the reader's language."""
    title = _(TITLES.get(status, N_("Something went wrong")))
    return render_template("error.html", status=status, title=title, message=message), status


def install(bp: Blueprint) -> None:
    """Render domain and HTTP errors raised in `bp`'s views as pages."""

    @bp.errorhandler(LicflowError)
    def domain_error(error: LicflowError):
        text = error.args[0] if error.args and isinstance(error.args[0], str) else str(error)
        return render_error(status_of(error), in_language(current_language(), text))

    @bp.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # the descriptions licflow gives are translated where they are raised; werkzeug's own stay
        return render_error(error.code or 500, error.description or "")
