"""A pooled PostgreSQL connection the server closed is replaced before a command uses it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from store import db
from store.db import Store


@pytest.fixture
def postgres(postgres_url):
    store = Store(postgres_url, pool_size=1, max_overflow=0)
    yield store
    store.dispose()


def _backend_pid(store: Store) -> int:
    with store.reading() as session:
        return session.scalar(sa.text("SELECT pg_backend_pid()"))


def _terminate(postgres_url: str, pid: int) -> None:
    killer = Store(postgres_url)
    with killer.unit_of_work() as session:
        assert session.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()


def test_a_connection_the_server_closed_while_idle_is_replaced_and_the_command_runs(
    postgres, postgres_url, monkeypatch
):
    first = _backend_pid(postgres)
    _terminate(postgres_url, first)
    monkeypatch.setattr(db, "IDLE_BEFORE_PING_SECONDS", 0.0)  # it has sat idle long enough to be pinged

    assert _backend_pid(postgres) != first


def test_a_connection_used_a_moment_ago_is_taken_without_a_ping_and_an_idle_one_with_one(
    postgres, monkeypatch
):
    pings = []
    ping = db._ping
    monkeypatch.setattr(db, "_ping", lambda connection: (pings.append(True), ping(connection)))
    _backend_pid(postgres)
    _backend_pid(postgres)
    assert pings == []

    monkeypatch.setattr(db, "IDLE_BEFORE_PING_SECONDS", 0.0)
    _backend_pid(postgres)
    assert pings == [True]
