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
