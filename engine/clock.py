"""The only source of "now" in licflow.

Everything that needs the current time asks this module. Tests move the clock
with `time-machine`, which also moves SpiffWorkflow's own `datetime.now` calls.
"""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Return `moment` in UTC; a naive value read back from SQLite is taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
