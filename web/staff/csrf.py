"""CSRF protection for every form: a per-session token each unsafe request must echo.

The token-authenticated JSON APIs (`/api/`, `/engine-rest/`) are exempt: they take
bearer tokens, never cookies, so a foreign page cannot borrow a session there.
"""

from __future__ import annotations

import hmac
import secrets

from flask import abort, request, session

from web.i18n import _

EXEMPT_PREFIXES = ("/api/", "/engine-rest/")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


def csrf_token() -> str:
    """Return this session's CSRF token, creating it on first use."""
    if FIELD not in session:
        session[FIELD] = secrets.token_urlsafe(32)
    return session[FIELD]


def check_csrf() -> None:
    """Refuse (400) an unsafe request whose form or header lacks the session's token."""
    if request.method in SAFE_METHODS or request.path.startswith(EXEMPT_PREFIXES):
        return
    expected = session.get(FIELD)
    offered = request.form.get(FIELD) or request.headers.get(HEADER) or ""
    if not expected or not hmac.compare_digest(expected.encode(), offered.encode()):
        abort(400, _("The form is missing its security token or it is stale: reload the page and try again."))


def init_app(app) -> None:
    """Check every unsafe request and offer `csrf_token()` to templates."""
    app.before_request(check_csrf)
    app.jinja_env.globals["csrf_token"] = csrf_token
