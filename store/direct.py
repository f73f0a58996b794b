"""Run the hot prebuilt Core statements straight on the driver's cursor, compiled once per database.

Core's execution path costs a statement 55 µs on SQLite and 130 µs on PostgreSQL on a
2-core machine where the bare driver needs 4 µs and 60 µs, and this module 16 µs and 89 µs
(`python -m bench.statements`): Core looks up its compiled cache and builds its parameter
and result machinery at every execution. A command runs five to nine such statements.
`execute` compiles a statement once for each database, with the SQL types' own conversions
of parameters and results (SQLite keeps datetimes as text, for instance), and then only
converts values and calls the cursor, in the session's transaction. A `before_cursor_execute`
listener of the engine sees each statement (with no execution context). Its errors are
SQLAlchemy's (`IntegrityError`, `OperationalError`, ...), as the callers expect from Core.

Only statements whose parameters are plain values run so: one with an expanding `IN` list
(rendered again at each execution) or a Python-side column default other than a constant
is run by Core, as before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import exc
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the parameters, in the order of the SQL's placeholders (SQLite) or any
    positional: bool
    defaults: dict[str, Any]  # the statement's own values (a literal compared with, a constant set)
    binds: dict[str, Callable | None]  # each parameter's conversion for the driver
    results: tuple[Callable | None, ...] | None  # each returned column's conversion; None: no rows


class Rows:
    """What a statement gave: its rows (converted as Core converts them) and the rows it changed."""

    def __init__(self, rows: list[tuple], rowcount: int) -> None:
        self.rows = rows
        self.rowcount = rowcount

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.rows)

    def all(self) -> list[tuple]:
        return self.rows

    def first(self) -> tuple | None:
        return self.rows[0] if self.rows else None

    def scalar_one(self) -> Any:
        if len(self.rows) != 1:
            raise exc.NoResultFound("no row was found") if not self.rows else exc.MultipleResultsFound()
        return self.rows[0][0]


# statement -> {(database, an INSERT's columns): how it runs}; a statement no longer used goes
_COMPILED: WeakKeyDictionary[Any, dict[tuple[str, tuple], _Compiled | None]] = WeakKeyDictionary()
_LOCK = threading.Lock()
_UNCOMPILED = object()


def prebuilt(*statements) -> None:
    """Say that `statements` are built once: they run directly from their first execution."""
    with _LOCK:
        for statement in statements:
            _COMPILED.setdefault(statement, {})


def execute(session: Session, statement, params: dict | Sequence[dict] | None = None):
    """Run `statement` in the session's transaction; a list of parameter sets runs it for each.

    A statement built once (a module's constant) is compiled at its second execution and
    run directly from then on; one built for a single execution runs through Core (whose
    cache knows it by its shape), so that nothing is compiled for one use.

    Returns `Rows`, or Core's result for a statement that is not run directly.
    """
    connection = session.connection()
    dialect = connection.dialect
    many = isinstance(params, list | tuple)
    if many and not params:
        return Rows([], 0)
    # an INSERT without values() names the columns its parameters give, as Core compiles it
    keys = tuple(params[0] if many else params or ()) if statement.is_insert else ()
    compiled = _compiled(statement, dialect, keys)
    if compiled is None:
        return connection.execute(statement, params or {})
    cursor = connection.connection.dbapi_connection.cursor()
    values = [_values(compiled, p) for p in params] if many else _values(compiled, params or {})
    watching = connection.dispatch.before_cursor_execute  # a listener (statement counts) sees it too
    if watching:
        watching(connection, cursor, compiled.sql, values, None, many)
    try:
        if many:
            cursor.executemany(compiled.sql, values)
        else:
            cursor.execute(compiled.sql, values)
        rows = _rows(compiled, cursor.fetchall()) if compiled.results is not None and not many else []
        return Rows(rows, cursor.rowcount)
    except dialect.loaded_dbapi.Error as error:
        invalidated = dialect.is_disconnect(error, connection.connection.dbapi_connection, cursor)
        if invalidated:
            connection.invalidate(error)
        raise exc.DBAPIError.instance(
            compiled.sql,
            values,
            error,
            dialect.loaded_dbapi.Error,
            connection_invalidated=invalidated,
            dialect=dialect,
        ) from error
    finally:
        cursor.close()


def _compiled(statement, dialect: Dialect, keys: tuple) -> _Compiled | None:
    """How `statement` runs on `dialect`: None through Core (its first execution, or not plain)."""
    forms = _COMPILED.get(statement)  # reads need no lock: only a first sight or a compile writes
    compiled = _UNCOMPILED if forms is None else forms.get((dialect.name, keys), _UNCOMPILED)
    if compiled is not _UNCOMPILED:
        return compiled
    with _LOCK:
        forms = _COMPILED.get(statement)
        if forms is None:  # seen for the first time
            _COMPILED[statement] = {}
            return None
        if (dialect.name, keys) not in forms:
            forms[dialect.name, keys] = _compile(statement, dialect, keys)
        return forms[dialect.name, keys]


def _values(compiled: _Compiled, params: dict):
    """The parameters in the driver's form: a tuple in placeholder order (SQLite) or a dict."""
    converted = [_value(compiled, name, params) for name in compiled.names]
    return tuple(converted) if compiled.positional else dict(zip(compiled.names, converted, strict=True))


def _value(compiled: _Compiled, name: str, params: dict):
    if name in params:
        value = params[name]
    elif name in compiled.defaults:
        value = compiled.defaults[name]
    else:
        raise exc.ArgumentError(f"a value is required for the parameter {name!r} of: {compiled.sql}")
    convert = compiled.binds[name]
    return convert(value) if convert is not None and value is not None else value


def _rows(compiled: _Compiled, fetched: list) -> list[tuple]:
    converters = compiled.results
    if not any(converters):
        return [tuple(row) for row in fetched]
    return [
        tuple(
            value if c is None or value is None else c(value)
            for c, value in zip(converters, row, strict=True)
        )
        for row in fetched
    ]


def _compile(statement, dialect: Dialect, keys: tuple) -> _Compiled | None:
    compiled = statement.compile(dialect=dialect, column_keys=list(keys) if keys else None)
    by_name = {name: bind for bind, name in compiled.bind_names.items()}
    if any(bind.expanding or bind.literal_execute or bind.callable is not None for bind in by_name.values()):
        return None  # rendered again at each execution: Core runs it
    prefetched = [*compiled.insert_prefetch, *compiled.update_prefetch]  # Python-side column defaults
    if compiled.escaped_bind_names or any(c.default is None or not c.default.is_scalar for c in prefetched):
        return None
    defaults = {name: bind.value for name, bind in by_name.items() if not bind.required}
    defaults |= {column.key: column.default.arg for column in prefetched}
    columns = tuple(statement.exported_columns) if statement.is_select or statement.is_dml else ()
    returns = statement.is_select or bool(columns)
    return _Compiled(
        sql=compiled.string,
        names=tuple(compiled.positiontup) if compiled.positional else tuple(by_name),
        positional=compiled.positional,
        defaults=defaults,
        binds={name: _bind_conversion(bind.type, dialect) for name, bind in by_name.items()},
        results=tuple(_result_conversion(c.type, dialect) for c in columns) if returns else None,
    )


def _bind_conversion(sql_type, dialect: Dialect) -> Callable | None:
    return sql_type.dialect_impl(dialect).bind_processor(dialect)


def _result_conversion(sql_type, dialect: Dialect) -> Callable | None:
    return sql_type.dialect_impl(dialect).result_processor(dialect, None)
