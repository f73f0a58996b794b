"""The only source of "now" in licflow.

Everything that needs the current time asks this module. Tests move the clock
with `time-machine`, which also moves SpiffWorkflow's own `datetime.now` calls.
Replay holds the clock at each recorded reading with `reading(...)`; that hold is
context-local, so a replay never moves the clock of other threads.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

_held: ContextVar[datetime | None] = ContextVar("licflow_clock_held", default=None)


def now() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    held = _held.get()
    if held is not None:
        return held
    return datetime.now(UTC)


@contextmanager
def reading(moment: datetime) -> Iterator[None]:
    """Hold "now" at `moment` in this context while the block runs (replay of a recorded reading)."""
    token = _held.set(as_utc(moment))
    try:
        yield
    finally:
        _held.reset(token)


def as_utc(moment: datetime) -> datetime:
    """Return `moment` in UTC; a naive value read back from SQLite is taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def zone() -> ZoneInfo:
    """Return the engine's local time zone, as the installed procedure sets it (UTC by default)."""
    from engine import extensions  # late: extensions must not depend on the clock's import order

    return extensions.current().zone


def local(moment: datetime) -> datetime:
    """Return `moment` in the engine's local time zone."""
    return as_utc(moment).astimezone(zone())
