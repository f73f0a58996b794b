"""Fuzz the portal API from its OpenAPI description: no server error, every answer as described."""

from __future__ import annotations

import json
import shutil

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.security import generate_password_hash

from engine.orchestrator import Orchestrator
from engine.people.users import add_user
from engine.runtime.definitions import read_documents
from procedure.portal.settings import PortalSettings
from store.db import Store
from tests.web.portal.conftest import BPMN, DALA, PASSWORD, submit
from tests.web.signing import basic
from web import create_app
from web.portal.api import OPENAPI

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
AUTH = basic("dala", PASSWORD)


@pytest.fixture
def portal_app(sqlite_template, tmp_path, authority, keys):
    """The app on SQLite with the procedure deployed, an applicant and one application of theirs."""
    path = tmp_path / "licflow.db"
    shutil.copy(sqlite_template, path)
    store = Store(f"sqlite:///{path}")
    orchestrator = Orchestrator(store)
    orchestrator.deploy(read_documents(sorted(BPMN.glob("*.bpmn")) + sorted(BPMN.glob("*.dmn"))))
    with orchestrator.transaction() as session:
        user = add_user(session, "dala", PASSWORD, ["applicants"], applicant_id=DALA)
        # a cheap hash, so that the fuzzer's time goes into requests, not into scrypt
        user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    (tmp_path / "trusted-ca.pem").write_bytes(authority.bundle())
    config = PortalSettings(trusted_ca=tmp_path / "trusted-ca.pem", documents_dir=tmp_path / "documents")
    app = create_app(orchestrator, {"TESTING": True, "PORTAL": config})
    assert submit(app.test_client(), authority.signed(keys.dala), AUTH).status_code == 201
    yield app
    store.dispose()


# The description the app serves at /api/openapi.json (a test below checks they are the same file).
schema = schemathesis.openapi.from_path(str(OPENAPI))


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_portal_api_answers_every_request_as_described(case, portal_app):
    case.call_and_validate(app=portal_app, headers=AUTH, checks=CHECKS)


def test_the_app_serves_the_description_that_is_fuzzed(portal_app):
    served = portal_app.test_client().get("/api/openapi.json")

    assert served.get_json() == json.loads(OPENAPI.read_text())
