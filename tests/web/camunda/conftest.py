"""Fixtures: a store with the core sample deployed and a client with a worker token."""

from __future__ import annotations

import pytest

from tests.conftest import read_diagram
from tests.web.camunda.helpers import TOKEN
from web import create_app


@pytest.fixture
def deployed(orchestrator):
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    return orchestrator


@pytest.fixture
def client(deployed):
    app = create_app(deployed, {"TESTING": True, "API_TOKENS": {"workers": TOKEN}})
    return app.test_client()


PASSWORD = "password-123"
STAFF = {"olga": ["officers"], "hassan": ["heads"], "ana": ["analysts"], "aida": ["auditors"]}


@pytest.fixture
def staff(deployed):
    """Staff users of every role, all with the same password."""
    from engine.people.users import add_user

    with deployed.transaction() as session:
        for name, roles in STAFF.items():
            add_user(session, name, PASSWORD, roles)
    return STAFF


@pytest.fixture
def server(deployed):
    """A licflow HTTP server on a loopback port; yields its /engine-rest base URL."""
    import threading

    from werkzeug.serving import make_server

    app = create_app(deployed, {"API_TOKENS": {"workers": TOKEN}})
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, name="licflow-rest", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}/engine-rest"
    http.shutdown()
    thread.join(timeout=10)
    http.server_close()


@pytest.fixture
def rest(server):
    """An HTTP client of the real server, authenticated with the workers' token."""
    import httpx

    with httpx.Client(base_url=server, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30) as http:
        yield http


@pytest.fixture
def as_user(server, staff):
    """Return an HTTP client of the real server signed in as one of the staff users (HTTP Basic)."""
    import httpx

    opened = []

    def client(name: str):
        http = httpx.Client(base_url=server, auth=(name, PASSWORD), timeout=30)
        opened.append(http)
        return http

    yield client
    for http in opened:
        http.close()
