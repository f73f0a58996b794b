"""Shared fixtures: a fresh store per test on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from engine.orchestrator import Orchestrator
from licflow.wiring import install_procedure
from store.db import Store
from store.migrate import upgrade
from store.models import Base

ROOT = Path(__file__).resolve().parent.parent
DIAGRAMS = ROOT / "tests" / "diagrams"
# The suite runs the license procedure, as `licflow` does at start-up.
install_procedure()
POSTGRES_ADMIN_URL = os.environ.get("LICFLOW_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def _postgres_available() -> bool:
    try:
        engine = sa.create_engine(POSTGRES_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://"))
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated SQLite database, copied for every test that needs one."""
    path = tmp_path_factory.mktemp("template") / "licflow.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url():
    """A migrated PostgreSQL database of this test session, dropped at the end."""
    if not _postgres_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}")
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}")
    name = f"licflow_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(
        POSTGRES_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    yield url
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_all(store: Store) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with store.engine.begin() as connection:
        connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """A store with the newest schema and no rows, on each database licflow supports."""
    if request.param == "sqlite":
        path = tmp_path / "licflow.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        db = Store(f"sqlite:///{path}")
    else:
        db = Store(request.getfixturevalue("postgres_url"))
        _truncate_all(db)
    yield db
    db.dispose()


@pytest.fixture
def orchestrator(store) -> Orchestrator:
    """The engine's front door over a fresh store."""
    return Orchestrator(store)


def read_diagram(name: str) -> dict[str, bytes]:
    """Return {file name: content} of a test diagram."""
    return {name: (DIAGRAMS / name).read_bytes()}
