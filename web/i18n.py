"""The language of each page: the person's setting, else their cookie, else the browser's, else Kazakh.

`current_language()` chooses it at its first use in a request (after sign-in has put the
person on `g.user`) and keeps it on `g.language`. Templates get `gettext`/`ngettext`
(Jinja's i18n extension, new style: `{{ _("Case %(key)s", key=...) }}`), `<html lang>`,
the `moment` filter, which writes a date or a moment in the language with the zone
named, `word` for stored states and kinds, `translated` for marked texts and Phrases,
and `explained` for a deadline's working-day count. The header's
switch posts to `/language`: a signed-in person's choice is saved on the user, anyone
else's in a cookie. The portal API answers in the request's Accept-Language alone
(`requested_language`); Camunda REST stays English, as the machine API it copies.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, Flask, current_app, g, redirect, request, url_for

from engine import i18n
from engine.i18n import N_
from engine.people.users import set_language
from procedure.deadline_texts import explanation_text

bp = Blueprint("language", __name__)
COOKIE = "licflow_language"
COOKIE_MAX_AGE = 365 * 24 * 3600
# The states and kinds licflow stores as words of the code, as the pages write them.
WORDS = {
    "running": N_("running"),
    "completed": N_("completed"),
    "cancelled": N_("cancelled"),
    "suspended": N_("suspended"),
    "open": N_("open"),
    "active": N_("active"),
    "waiting": N_("waiting"),
    "finished": N_("finished"),
    "on_time": N_("on time"),
    "due_soon": N_("due soon"),
    "overdue": N_("overdue"),
    "one_time": N_("one-time"),
    "general": N_("general"),
    "exclusive": N_("exclusive"),
    "import": N_("import"),
    "export": N_("export"),
    "officers": N_("officers"),
    "heads": N_("heads"),
    "auditors": N_("auditors"),
    "analysts": N_("analysts"),
    "applicants": N_("applicants"),
}


def requested_language() -> str:
    """Return the first language of the request's Accept-Language that licflow speaks, else Kazakh."""
    return i18n.negotiate(language for language, _quality in request.accept_languages)


def page_language() -> str:
    """Return the language of this request's page: the user's, the cookie's, the browser's, Kazakh."""
    user = g.get("user")
    for chosen in (user.language if user else None, request.cookies.get(COOKIE)):
        if chosen in i18n.LANGUAGES:
            return chosen
    return requested_language()


def _(message: str, **values: object) -> str:
    """Translate `message` into the language of this request's page."""
    return i18n.translate(current_language(), message, **values)


def ngettext(singular: str, plural: str, n: int, **values: object) -> str:
    """Translate the form of `singular`/`plural` for `n` into this page's language; fill `%(num)s`."""
    text = i18n.translations(current_language()).ngettext(singular, plural, n)
    return text % {"num": n, **values}


def current_language() -> str:
    """Return `g.language`, choosing it on first use."""
    if "language" not in g:
        g.language = page_language()
    return g.language


def _ngettext(singular: str, plural: str, n: int, **values: object) -> str:
    # Jinja fills the placeholders (num and the values) itself, escaping them
    return i18n.translations(current_language()).ngettext(singular, plural, n)


def word(value: str | None) -> str:
    """Write a stored state or kind ("running", "due_soon") in this page's language."""
    if value is None:
        return "—"
    return _(WORDS[value]) if value in WORDS else value


@bp.post("/language")
def choose_language():
    """Read the pages in the language chosen from now on; go back where the switch was pressed."""
    chosen = request.form.get("language", "")
    target = request.form.get("next", "")
    if not (target.startswith("/") and not target.startswith("//") and "\\" not in target):
        target = url_for("signin.home")
    response = redirect(target)
    if chosen not in i18n.LANGUAGES:
        return response
    user = g.get("user")
    if user is not None:
        with current_app.extensions["licflow"].transaction() as db:
            set_language(db, user.username, chosen)
    response.set_cookie(COOKIE, chosen, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax")
    return response


def init_app(app: Flask) -> None:
    """Give every request a language and the templates gettext, the language switch and the date filters."""
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(_, _ngettext, newstyle=True)
    app.jinja_env.filters["moment"] = _when
    app.jinja_env.filters["translated"] = lambda text: i18n.in_language(current_language(), text)
    app.jinja_env.filters["word"] = word
    app.jinja_env.filters["explained"] = lambda explanation: explanation_text(explanation, current_language())
    app.jinja_env.globals.update(languages=i18n.LANGUAGE_NAMES, current_language=current_language)
    app.register_blueprint(bp)


def _when(value: datetime | date | str | None) -> str:
    """Write a moment (or, for a bare ISO date, its day) in this page's language, zone named."""
    if isinstance(value, str) and value and "T" not in value:
        return i18n.day_text(date.fromisoformat(value), current_language())
    if isinstance(value, str) and value:
        value = datetime.fromisoformat(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return i18n.day_text(value, current_language())
    return i18n.moment_text(value or None, current_language())
