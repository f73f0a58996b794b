"""Database connections and the unit of work.

The caller (a request, a timer tick, a worker loop) opens a unit of work and it
commits once when the block ends without an error.

On SQLite a unit of work takes the database's write lock when it begins
(`BEGIN IMMEDIATE`), waiting up to the busy timeout for it: a transaction that read
first and wrote later would otherwise need a lock upgrade, which SQLite refuses at
once when another connection wrote in between. Two writers are therefore never
interleaved on SQLite; on PostgreSQL they are, and every claim on a row is a
conditional UPDATE checked by its row count, which holds on both. `reading()` opens
a plain (deferred) transaction for work that only reads.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.orm import Session, sessionmaker

from store import direct
from store.writers import WriterTurns, lock_file_of

DEFAULT_URL = "sqlite:///var/licflow.db"
SQLITE_BUSY_TIMEOUT_MS = 30_000
READ_ONLY = "licflow_read_only"  # execution option: begin without taking SQLite's write lock
READING = "licflow_reading"  # session.info: a transaction that only reads (Store.reading)
# a pooled PostgreSQL connection idle this long is pinged before use (a server restart closes it);
# one used just before is not: a ping per transaction would cost each command a round trip more
IDLE_BEFORE_PING_SECONDS = 2.0


def make_engine(url: str = DEFAULT_URL, **options) -> Engine:
    """Create an engine for `url`; SQLite gets WAL, a busy timeout, foreign keys and BEGIN IMMEDIATE."""
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **options)
        event.listen(engine, "connect", _sqlite_connected)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url, **options)
    event.listen(engine, "checkin", _idle_from_now)
    event.listen(engine, "checkout", _ping_if_idle)
    return engine


def _idle_from_now(_dbapi_connection, record) -> None:
    if record is not None:
        record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    """Ping a connection that sat in the pool a while; a dead one is replaced (the pool tries again)."""
    idle_since = record.info.get("idle_since")
    if idle_since is not None and time.monotonic() - idle_since >= IDLE_BEFORE_PING_SECONDS:
        _ping(dbapi_connection)


def _ping(dbapi_connection) -> None:
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.rollback()  # the ping's own transaction: the caller begins its own
    except Exception as error:
        raise exc.DisconnectionError(f"a pooled connection is gone: {error}") from error


def _ensure_sqlite_folder(url: str) -> None:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:" and not path.startswith("file:"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_connected(dbapi_connection, _record) -> None:
    # the driver must not begin transactions on its own: _sqlite_begin does, with the lock wanted
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection) -> None:
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


class Store:
    """The database of one licflow installation."""

    def __init__(self, url: str = DEFAULT_URL, **engine_options) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_options)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._reading_sessions = sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}),
            class_=ReadingSession,
            expire_on_commit=False,
            info={READING: True},
        )
        self._writers = (
            WriterTurns(lock_file_of(self.engine.url.database or ""), SQLITE_BUSY_TIMEOUT_MS / 1000)
            if self.engine.dialect.name == "sqlite"
            else None
        )

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """Open a session that commits once at the end, or rolls back on an error.

        On SQLite the writer first waits for its turn (store/writers.py).
        """
        turn = self._writers.turn() if self._writers is not None else nullcontext()
        with turn, self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """Open a session for reads only: it never waits for SQLite's write lock, nor holds it.

        A change made in it is refused when it would be flushed (ReadOnlyTransaction).
        """
        with self._reading_sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


class ReadOnlyTransaction(RuntimeError):
    """Something tried to write in a transaction opened only to read: a defect of the caller."""


class ReadingSession(Session):
    """The session of `Store.reading()`: it flushes no change."""


@event.listens_for(ReadingSession, "before_flush")
def _refuse_changes(session: Session, _context, _instances) -> None:
    changed = [*session.new, *(o for o in session.dirty if session.is_modified(o)), *session.deleted]
    if changed:
        raise ReadOnlyTransaction(
            f"a transaction opened to read tried to write {type(changed[0]).__name__}: "
            "a command must run in a unit of work"
        )


def is_reading(session: Session) -> bool:
    """Tell whether `session` was opened only to read (no row lock is wanted there)."""
    return session.info.get(READING, False)


_UPSERTS: dict[tuple, object] = {}


def upsert(session: Session, model, values: dict, key: tuple[str, ...]) -> None:
    """Insert a row of `model`, or replace the row with the same `key` columns, in one statement."""
    dialect = session.get_bind().dialect.name
    shape = (dialect, model, tuple(values), key)
    statement = _UPSERTS.get(shape)
    if statement is None:
        statement = _UPSERTS[shape] = _upsert_statement(dialect, model.__table__, tuple(values), key)
    direct.execute(session, statement, values)


def _upsert_statement(dialect: str, table, names: tuple[str, ...], key: tuple[str, ...]):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table)
    replaced = {name: statement.excluded[name] for name in names if name not in key}
    return statement.on_conflict_do_update(index_elements=list(key), set_=replaced)
