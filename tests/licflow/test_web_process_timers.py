"""A web process of `licflow serve` fires timers beside the master on PostgreSQL, not on SQLite."""

from __future__ import annotations

import pytest

from engine.orchestrator import Orchestrator
from engine.worker import WorkerRegistry
from licflow import production
from licflow.serving import Server
from licflow.settings import Settings


@pytest.fixture
def leaving(monkeypatch):
    """The stops a web process would run as it leaves, collected here and run at the end."""
    hooks: list = []
    monkeypatch.setattr(production, "ON_LEAVING", hooks)
    yield hooks
    for stop in hooks:
        stop()


def _web_process_of(store) -> Server:
    settings = Settings(database_url=store.url, processes=2, port=0)
    return Server(Orchestrator(store), settings, WorkerRegistry(), api_tokens={})


def test_a_web_process_fires_timers_beside_the_master_on_postgresql_only(store, leaving):
    server = _web_process_of(store)

    server._web_process_app()

    if not store.is_postgresql:  # SQLite takes one writer at a time: the master's service alone fires
        assert leaving == []
        return
    (stop,) = leaving
    service = stop.__self__
    assert service.scheduler.running and service.store.url == store.url
    stop()  # as the web process leaves: its claims go back
    assert not service.scheduler.running
    leaving.clear()
