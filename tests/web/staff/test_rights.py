"""Every route answers every role as the table of rights says; a route the table misses fails.

Signed out, a page sends you to sign in (302); signed in without the role, it answers
403 and changes nothing; token APIs answer a session with 401.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.external.tasks import open_incidents
from store.models import HistoryEvent, UserTask

PUBLIC = "public"  # anyone, signed in or not
TOKEN = "token"  # bearer-token APIs: a session is not enough
ELSEWHERE = "elsewhere"  # the applicant portal API, whose own tests cover its rights
STAFF = frozenset({"officers", "heads", "auditors", "analysts"})

RIGHTS: dict[tuple[str, str], object] = {
    ("GET", "/"): STAFF,
    ("GET", "/signin"): PUBLIC,
    ("POST", "/signin"): PUBLIC,
    ("POST", "/signout"): PUBLIC,
    ("POST", "/language"): PUBLIC,  # the language switch: anyone, signed in or not
    ("GET", "/health"): PUBLIC,
    ("GET", "/static/<path:filename>"): PUBLIC,
    ("GET", "/assets/bpmn-js/bpmn-navigated-viewer.js"): PUBLIC,
    ("GET", "/assets/bpmn-js/diagram-js.css"): PUBLIC,
    ("GET", "/tasks"): {"officers", "heads"},
    ("GET", "/api/tasks"): {"officers", "heads"},
    ("GET", "/tasks/<task_id>"): {"officers", "heads"},
    ("POST", "/tasks/<task_id>"): {"officers"},  # heads oversee; only candidates complete
    ("POST", "/tasks/<task_id>/claim"): {"officers"},
    ("POST", "/tasks/<task_id>/unclaim"): {"officers", "heads"},
    ("GET", "/cases"): {"officers", "heads", "auditors"},
    ("GET", "/cases/<case_id>"): {"officers", "heads", "auditors"},
    ("POST", "/cases/<case_id>/incidents/<int:incident_id>/retry"): {"officers", "heads"},
    ("GET", "/deployments"): {"analysts"},
    ("POST", "/deployments"): {"analysts"},
}
PREFIX_RIGHTS = (
    ("/api/engine/", TOKEN),
    ("/engine-rest/", TOKEN),
    ("/api/portal", ELSEWHERE),
    ("/api/openapi.json", ELSEWHERE),
    ("/audit/", {"auditors"}),
)
SIGNED_IN_AS = {"officers": "olga", "heads": "hana", "auditors": "aida", "analysts": "nurs"}


def rights_of(method: str, rule: str):
    if (method, rule) in RIGHTS:
        return RIGHTS[(method, rule)]
    return next((rights for prefix, rights in PREFIX_RIGHTS if rule.startswith(prefix)), None)


def routes(app) -> list[tuple[str, str]]:
    """Return (method, rule) of every route; signing out comes last, as it ends the session."""
    return sorted(
        (
            (method, rule.rule)
            for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}
        ),
        key=lambda route: (route == ("POST", "/signout"), route),
    )


def url_of(rule: str, case_id: str, task_id: str) -> str:
    """Fill a rule's parameters: real ids where the table's pages need them, placeholders elsewhere."""
    url = (
        rule.replace("<path:filename>", "licflow.css")
        .replace("<task_id>", task_id)
        .replace("<case_id>", case_id)
        .replace("<int:incident_id>", "999999")
    )
    url = re.sub(r"<int:[^>]+>", "1", url)
    return re.sub(r"<[^>]+>", "x", url)


def test_the_table_of_rights_covers_every_route(app):
    missing = [route for route in routes(app) if rights_of(*route) is None]
    assert missing == [], f"add these routes to the table of rights: {missing}"


def test_signed_out_visitors_are_sent_to_sign_in_and_token_apis_answer_401(app, browser, submit):
    case_id = submit()
    with app.app_context():
        task_id = _open_task_id(app)
    for method, rule in routes(app):
        rights = rights_of(method, rule)
        visitor = browser()
        visitor.get("/signin")
        answer = _call(visitor, method, url_of(rule, case_id, task_id))
        where = f"{method} {rule} signed out"
        if rights == TOKEN or rule == "/api/tasks":
            assert answer.status_code == 401, where
        elif isinstance(rights, set | frozenset):
            assert answer.status_code == 302, where
            assert answer.location.startswith("/signin"), where


@pytest.mark.parametrize("role", sorted(SIGNED_IN_AS))
def test_each_role_gets_what_the_table_gives_it_and_403_elsewhere(app, browser, submit, orchestrator, role):
    case_id = submit()
    task_id = _open_task_id(app)
    person = browser(SIGNED_IN_AS[role])
    for method, rule in routes(app):
        rights = rights_of(method, rule)
        before = _fingerprint(orchestrator)
        answer = _call(person, method, url_of(rule, case_id, task_id))
        where = f"{method} {rule} as {role}: {answer.status_code}"
        if rights == TOKEN:
            assert answer.status_code == 401, where
        elif isinstance(rights, set | frozenset) and role in rights:
            assert answer.status_code not in (401, 403), where
            assert not (answer.location or "").startswith("/signin"), where
        elif isinstance(rights, set | frozenset):
            assert answer.status_code == 403, where
            assert _fingerprint(orchestrator) == before, f"{where} changed something"


def _call(person, method: str, url: str):
    if method == "GET":
        return person.get(url)
    return person.post(url)


def _open_task_id(app) -> str:
    orchestrator = app.extensions["licflow"]
    with orchestrator.transaction() as db:
        return db.scalars(select(UserTask.id).where(UserTask.status == "open")).first()


def _fingerprint(orchestrator) -> tuple:
    """What a refused request must leave as it was: tasks, their assignees, history, incidents."""
    with orchestrator.transaction() as db:
        tasks = tuple(
            db.execute(select(UserTask.id, UserTask.status, UserTask.assignee).order_by(UserTask.id))
        )
        events = len(db.scalars(select(HistoryEvent.id)).all())
        incidents = len(open_incidents(db))
    return tasks, events, incidents
