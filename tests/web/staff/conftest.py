"""Fixtures of the staff pages: an app over a store with the real diagrams, users of every role."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

import engine.people.queries  # noqa: F401  (labels cases from the first one on)
import engine.people.users
from engine.external.worker_loop import WorkerLoop
from engine.people.users import add_user
from engine.runtime.definitions import read_documents
from tests.procedure.harness import application
from tests.procedure.world import World
from web import create_app

BPMN = Path(__file__).resolve().parents[3] / "bpmn"
PASSWORD = "correct horse battery"
PEOPLE = {
    "olga": ["officers"],
    "oleg": ["officers"],
    "hana": ["heads"],
    "aida": ["auditors"],
    "nurs": ["analysts"],
}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch):
    """Hash test passwords cheaply: scrypt's deliberate slowness would cost seconds per test."""
    monkeypatch.setattr(
        engine.people.users,
        "generate_password_hash",
        lambda password: generate_password_hash(password, "pbkdf2:sha256:1"),
    )


@pytest.fixture
def people(orchestrator) -> dict[str, list[str]]:
    """One or two users of every staff role, all with PASSWORD."""
    with orchestrator.transaction() as db:
        for username, roles in PEOPLE.items():
            add_user(db, username, PASSWORD, roles, full_name=username.title())
    return PEOPLE


@pytest.fixture
def app(orchestrator, people):
    """The licflow app with the license procedure deployed."""
    orchestrator.deploy(read_documents(sorted(BPMN.glob("*.bpmn")) + sorted(BPMN.glob("*.dmn"))))
    return create_app(
        orchestrator, {"TESTING": True, "SECRET_KEY": "test-secret", "API_TOKENS": {"t": "tok"}}
    )


@pytest.fixture
def world() -> World:
    """Outside systems where the fee was not paid: the automated checks find ground 3."""
    return World(fee_paid=False)


@pytest.fixture
def submit(orchestrator, world):
    """Submit an application and let the fake workers run until the case waits for an officer."""
    loop = WorkerLoop(orchestrator.store, world.registry(), "staff-tests")

    def submit_one(business_key: str = "APP-1", **fields) -> str:
        case_id = orchestrator.start_case("license_issuance", business_key, application(**fields), "portal")
        loop.drain()
        return case_id

    submit_one.drain = loop.drain
    return submit_one


class Browser:
    """A test client that signs in and sends each form with its CSRF token; it reads English."""

    def __init__(self, client, language: str = "en") -> None:
        self.client = client
        self.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
        self.token = ""

    def get(self, url: str, **kwargs):
        response = self.client.get(url, **kwargs)
        found = CSRF.search(response.get_data(as_text=True)) if response.mimetype == "text/html" else None
        if found:
            self.token = found.group(1)
        return response

    def post(self, url: str, data: dict | None = None, **kwargs):
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})}, **kwargs)

    def sign_in(self, username: str, password: str = PASSWORD):
        self.get("/signin")
        response = self.post("/signin", {"username": username, "password": password})
        self.get("/signin")  # the session is new after signing in: read its token
        return response


@pytest.fixture
def browser(app):
    """Sign in as someone: browser("olga") returns a signed-in Browser."""

    def signed_in(username: str | None = None, language: str = "en") -> Browser:
        b = Browser(app.test_client(), language)
        if username:
            assert b.sign_in(username).status_code == 302
        return b

    return signed_in
