"""Scratch databases for benchmarks: a SQLite file, and a PostgreSQL database dropped afterwards."""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

POSTGRES_ADMIN_URL = os.environ.get("LICFLOW_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
# LICFLOW_BENCH_DATABASES=PostgreSQL runs a benchmark on one kind only
DATABASE_KINDS = tuple(os.environ.get("LICFLOW_BENCH_DATABASES", "SQLite,PostgreSQL").split(","))


@contextmanager
def scratch_database(kind: str) -> Iterator[str | None]:
    """Yield the URL of a new, empty database of `kind`; None when PostgreSQL is not reachable."""
    if kind == "SQLite":
        yield f"sqlite:///{tempfile.mkdtemp(prefix='licflow-bench-')}/bench.db"
        return
    admin = sa.create_engine(
        POSTGRES_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    name = f"licflow_bench_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # no PostgreSQL here: the benchmark reports SQLite only
        print(f"PostgreSQL skipped: {error}", file=sys.stderr)
        admin.dispose()
        yield None
        return
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def scratch_databases() -> Iterator[tuple[str, str]]:
    """Yield (kind, URL) of one scratch database of each kind that is reachable."""
    for kind in DATABASE_KINDS:
        with scratch_database(kind) as url:
            if url is not None:
                yield kind, url
