"""A REST read answers while a writer holds the database: reads take no write lock and no row lock."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from tests.web.camunda.conftest import PASSWORD
from tests.web.camunda.helpers import BEARER, basic, start_over_rest

ANSWER_WITHIN_S = 10  # a read that queued behind the writer would wait for its 30 s busy timeout


@contextmanager
def writer_holding(store, case_id: str) -> Iterator[None]:
    """Hold what a command holds while it runs: SQLite's write lock, or the case's row on PostgreSQL."""
    if store.is_postgresql:
        with store.engine.connect() as connection, connection.begin():
            connection.execute(sa.text("SELECT id FROM cases WHERE id = :id FOR UPDATE"), {"id": case_id})
            yield
        return
    connection = sqlite3.connect(store.engine.url.database, isolation_level=None, timeout=0)
    try:
        connection.execute("BEGIN IMMEDIATE")
        yield
        connection.execute("ROLLBACK")
    finally:
        connection.close()


def answered_beside_the_writer(store, case_id: str, read: Callable) -> int:
    """Run `read` while the writer holds the database; return its status, failing if it waited."""
    with ThreadPoolExecutor(1) as pool, writer_holding(store, case_id):
        answer = pool.submit(read)
        try:
            status = answer.result(timeout=ANSWER_WITHIN_S)
        except TimeoutError:
            raise AssertionError("the read waited for the writer") from None
    return status


def test_task_lists_and_a_cases_variables_answer_while_a_command_writes(deployed, rest, client):
    case_id = start_over_rest(rest, "READ-1", applicant="Aigerim")["id"]
    reads = {
        "/engine-rest/external-task": {"processInstanceId": case_id},
        "/engine-rest/task": {"processInstanceId": case_id},
        f"/engine-rest/process-instance/{case_id}/variables": {},
        f"/engine-rest/process-instance/{case_id}": {},
        "/engine-rest/history/process-instance": {"processInstanceId": case_id},
    }
    for path, query in reads.items():
        status = answered_beside_the_writer(
            deployed.store,
            case_id,
            lambda path=path, query=query: client.get(path, query_string=query, headers=BEARER).status_code,
        )
        assert status == 200, path


def test_a_staff_member_signing_in_with_basic_is_checked_beside_a_writer(deployed, staff, rest, client):
    """The password check (a slow hash the first time) runs outside SQLite's write lock."""
    if deployed.store.is_postgresql:
        pytest.skip("a PostgreSQL writer holds rows, not the database: no sign-in ever waited for it")
    case_id = start_over_rest(rest, "READ-2")["id"]
    status = answered_beside_the_writer(
        deployed.store,
        case_id,
        lambda: client.get("/engine-rest/task", headers=basic("olga", PASSWORD)).status_code,
    )
    assert status == 200
