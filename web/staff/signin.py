"""Session sign-in for staff pages: who is signed in, and which roles a page needs.

The JSON APIs keep their bearer tokens (`web.auth`); pages use a signed session cookie
that is HttpOnly, SameSite=Lax, and Secure unless the request is plain http on loopback.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import wraps
from ipaddress import ip_address

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface

from engine.people.sign_in import SignInThrottled, sign_in
from engine.people.users import find_user, roles_of
from web.i18n import _, ngettext

bp = Blueprint("signin", __name__)
STAFF_ROLES = ("officers", "heads", "auditors", "analysts")


@dataclass(frozen=True)
class SignedIn:
    """The person behind this request's session."""

    username: str
    roles: frozenset[str]
    full_name: str | None
    language: str | None = None  # None: the browser's, else Kazakh

    @property
    def actor(self) -> str:
        """Return how history names this person."""
        return f"user:{self.username}"

    def has(self, *roles: str) -> bool:
        """Tell whether the person holds any of `roles`."""
        return bool(self.roles.intersection(roles))


class LoopbackAwareSessions(SecureCookieSessionInterface):
    """Mark the session cookie Secure unless the page is plain http on a loopback host."""

    def get_cookie_secure(self, app) -> bool:
        return request.is_secure or not _on_loopback(request.host)


def _on_loopback(host: str) -> bool:
    name = host[1 : host.find("]")] if host.startswith("[") else host.rsplit(":", 1)[0]
    if name == "localhost":
        return True
    try:
        return ip_address(name).is_loopback
    except ValueError:
        return False


def current_user() -> SignedIn | None:
    """Return who is signed in on this request, or None."""
    return g.get("user")


def role_required(*roles: str):
    """Send a visitor to sign in (302) and answer 403 to someone without one of `roles`."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("signin.signin_form", next=request.full_path.rstrip("?")))
            if roles and not user.has(*roles):
                abort(403, _("This page needs one of the roles: %(roles)s.", roles=", ".join(roles)))
            return view(*args, **kwargs)

        return guarded

    return decorate


@bp.before_app_request
def load_signed_in_user() -> None:
    """Put the signed-in, still active person of the session on `g.user`."""
    g.user = None
    username = session.get("username")
    if not username:
        return
    with current_app.extensions["licflow"].store.reading() as db:
        user = find_user(db, username)
        if user is None or not user.active:
            session.clear()
            return
        g.user = SignedIn(user.username, frozenset(roles_of(user)), user.full_name, user.language)


@bp.get("/signin")
def signin_form():
    """Show the sign-in form."""
    return render_template("signin.html", next=request.args.get("next", ""), error=None)


@bp.post("/signin")
def signin():
    """Sign a staff member in with name and password; a wrong pair 401, too many wrong ones 429."""
    username = request.form.get("username", "").strip()
    store = current_app.extensions["licflow"].store
    try:
        password, address = request.form.get("password", ""), request.remote_addr or ""
        user = sign_in(store, username, password, address, roles=STAFF_ROLES)
    except SignInThrottled as throttled:
        wait = max(1, int(throttled.retry_after.total_seconds()))
        error = ngettext(
            "Too many failed sign-ins for this user name or from this address. Try again in %(num)s minute.",
            "Too many failed sign-ins for this user name or from this address. Try again in %(num)s minutes.",
            max(1, math.ceil(wait / 60)),
        )
        page = render_template("signin.html", next=request.form.get("next", ""), error=error)
        return page, 429, {"Retry-After": str(wait)}
    if user is None:
        error = _("Unknown user name or wrong password, or not a staff account.")
        return render_template("signin.html", next=request.form.get("next", ""), error=error), 401
    session.clear()  # a fresh session on sign-in: no fixation
    session["username"] = username
    return redirect(_safe_next(request.form.get("next", "")))


@bp.post("/signout")
def signout():
    """Sign out and go back to the sign-in page."""
    session.clear()
    return redirect(url_for("signin.signin_form"))


@bp.get("/")
@role_required()
def home():
    """Send each person to the page of their work."""
    user = current_user()
    if user.has("officers", "heads"):
        return redirect(url_for("tasks.task_list"))
    if user.has("analysts"):
        return redirect(url_for("deployments.deployment_list"))
    return redirect(url_for("cases.case_list"))


def _safe_next(target: str) -> str:
    # only a path on this site, never "//host" or "http://host"
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("signin.home")


def init_app(app) -> None:
    """Use loopback-aware session cookies and register the sign-in pages."""
    app.session_interface = LoopbackAwareSessions()
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.register_blueprint(bp)
