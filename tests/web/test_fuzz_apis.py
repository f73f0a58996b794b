"""Fuzz /engine-rest, /api/engine and the staff JSON API from their OpenAPI descriptions: no server error.

Each API is described in web/openapi/. The app runs on SQLite and on PostgreSQL with the
core sample deployed, cases waiting in each state (a task to fetch, a locked one, an open review),
and a signed-in officer for the staff API. Example counts are small so that the three
run in well under a minute on both databases; every answer must be one the description names.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.security import generate_password_hash

from engine.orchestrator import Orchestrator
from engine.people.users import add_user
from tests.conftest import read_diagram
from tests.engine import sample
from tests.web.staff.conftest import Browser
from web import create_app
from web.camunda import rest

DESCRIPTIONS = Path(__file__).resolve().parents[2] / "web" / "openapi"
TOKEN = "fuzz-token-0123456789"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
PASSWORD = "fuzzing password"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def fuzzed_app(store, monkeypatch):
    """The app with cases in every state the APIs act on, and an officer who may sign in."""
    monkeypatch.setattr(rest, "MAX_ASYNC_RESPONSE_TIMEOUT_MS", 50)  # a long poll may not hold the fuzzer
    orchestrator = Orchestrator(store)
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    for number in range(3):
        sample.start(orchestrator, f"Z-{number}")
    sample.pass_check(orchestrator)
    for number in range(3, 6):
        sample.start(orchestrator, f"Z-{number}")
    orchestrator.fetch_and_lock("w1", ["sample.check"], timedelta(minutes=5))
    with orchestrator.transaction() as session:
        officer = add_user(session, "olga", PASSWORD, ["officers"])
        officer.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    return create_app(orchestrator, {"TESTING": True, "SECRET_KEY": "fuzz", "API_TOKENS": {"fuzz": TOKEN}})


def staff_cookie(app) -> dict[str, str]:
    browser = Browser(app.test_client())
    assert browser.sign_in("olga", PASSWORD).status_code == 302
    return {"Cookie": f"session={browser.client.get_cookie('session').value}"}


engine_rest = schemathesis.openapi.from_path(str(DESCRIPTIONS / "engine-rest.json"))
engine_api = schemathesis.openapi.from_path(str(DESCRIPTIONS / "engine-api.json"))
staff_api = schemathesis.openapi.from_path(str(DESCRIPTIONS / "staff.json"))


@engine_rest.parametrize()
@EXAMPLES
def test_the_camunda_external_task_api_answers_every_request_as_described(case, fuzzed_app):
    case.call_and_validate(app=fuzzed_app, headers=BEARER, checks=CHECKS)


@engine_api.parametrize()
@EXAMPLES
def test_the_engine_json_api_answers_every_request_as_described(case, fuzzed_app):
    case.call_and_validate(app=fuzzed_app, headers=BEARER, checks=CHECKS)


@staff_api.parametrize()
@EXAMPLES
def test_the_staff_json_api_answers_every_request_as_described(case, fuzzed_app):
    case.call_and_validate(app=fuzzed_app, headers=staff_cookie(fuzzed_app), checks=CHECKS)
