"""Fixtures of the portal API: a trusted test CA, applicants who sign in, the app."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from engine.people.users import add_user
from engine.runtime.definitions import read_documents
from licflow.portal_signing import new_key
from procedure.portal.settings import PortalSettings
from store.models import Case, PortalApplication
from tests.web.signing import Authority, basic
from web import create_app

BPMN = Path(__file__).resolve().parents[3] / "bpmn"
DALA = "150440001110"
STEPPE = "181140003332"
PASSWORD = "portal-password-1"


@pytest.fixture(scope="session")
def keys() -> SimpleNamespace:
    """RSA keys made once per session: generating them is the slow part."""
    return SimpleNamespace(ca=new_key(), stranger_ca=new_key(), dala=new_key(), steppe=new_key())


@pytest.fixture(scope="session")
def authority(keys) -> Authority:
    """The certification authority the portal trusts."""
    return Authority(keys.ca)


@pytest.fixture
def deployed(orchestrator):
    """The license procedure deployed over a fresh store."""
    orchestrator.deploy(read_documents(sorted(BPMN.glob("*.bpmn")) + sorted(BPMN.glob("*.dmn"))))
    return orchestrator


@pytest.fixture
def portal_settings(tmp_path, authority) -> PortalSettings:
    bundle = tmp_path / "trusted-ca.pem"
    bundle.write_bytes(authority.bundle())
    return PortalSettings(trusted_ca=bundle, documents_dir=tmp_path / "documents")


@pytest.fixture
def applicants(orchestrator):
    """Two applicants and an officer who can sign in."""
    with orchestrator.transaction() as session:
        add_user(session, "dala", PASSWORD, ["applicants"], applicant_id=DALA)
        add_user(session, "steppe", PASSWORD, ["applicants"], applicant_id=STEPPE)
        add_user(session, "officer", PASSWORD, ["officers"])
    return SimpleNamespace(dala=basic("dala", PASSWORD), steppe=basic("steppe", PASSWORD))


@pytest.fixture
def client(orchestrator, portal_settings, applicants):
    """A client of the portal API that asks for English answers (Accept-Language: en)."""
    app = create_app(orchestrator, {"TESTING": True, "PORTAL": portal_settings})
    english = app.test_client()
    english.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return english


def submit(client, document: bytes, headers: dict, content_type: str = "application/xml"):
    """POST a document to the portal."""
    return client.post(
        "/api/portal/applications", data=document, headers={**headers, "Content-Type": content_type}
    )


def counts(orchestrator) -> tuple[int, int]:
    """Return how many cases and stored applications there are."""
    with orchestrator.transaction() as session:
        cases = session.scalar(select(func.count()).select_from(Case))
        stored = session.scalar(select(func.count()).select_from(PortalApplication))
    return cases, stored
