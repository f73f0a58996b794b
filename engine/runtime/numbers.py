"""Hand out numbers from a series without gaps or duplicates, once per outside effect.

A worker asks for the next number of a series (e.g. the license numbers of one
authority and year) under its task's idempotency key; asking again under the same key
returns the same number, so a retried or re-delivered task never takes a second one.
The counter row is updated in place, which the database serializes under concurrency,
and the key's allocation row is the claim: of two transactions asking under the same
key at once, the second finds the first's row when it inserts its own, undoes its
increment of the counter and answers the first's number.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import clock
from engine.errors import InvalidCommand
from store.db import Store
from store.models import NumberAllocation, NumberSeries


def allocate(session: Session, series: str, idempotency_key: str) -> int:
    """Return the number of `series` that `idempotency_key` holds, taking the next one if none."""
    if not series or not idempotency_key:
        raise InvalidCommand("a number needs a series and an idempotency key")
    held = session.get(NumberAllocation, (idempotency_key, series))
    if held is not None:
        return held.value
    try:
        with session.begin_nested():
            return _take_next(session, series, idempotency_key)
    except IntegrityError:
        # another transaction allocated under this key at the same moment: its number is the one
        held = session.get(NumberAllocation, (idempotency_key, series), populate_existing=True)
        if held is None:
            raise
        return held.value


def _take_next(session: Session, series: str, idempotency_key: str) -> int:
    value = session.scalar(
        update(NumberSeries)
        .where(NumberSeries.series == series)
        .values(last_value=NumberSeries.last_value + 1)
        .returning(NumberSeries.last_value)
    )
    if value is None:
        _create_series(session, series)
        return _take_next(session, series, idempotency_key)
    session.add(
        NumberAllocation(
            idempotency_key=idempotency_key, series=series, value=value, allocated_at=clock.now()
        )
    )
    session.flush()
    return value


def _create_series(session: Session, series: str) -> None:
    try:
        with session.begin_nested():
            session.add(NumberSeries(series=series, last_value=0))
    except IntegrityError:
        pass  # another transaction created it first


def allocator(store: Store, idempotency_key: str):
    """Return a function that allocates numbers for one task, each in its own transaction."""

    def next_number(series: str) -> int:
        with store.unit_of_work() as session:
            return allocate(session, series, idempotency_key)

    return next_number


def last_allocated(session: Session, series: str) -> int:
    """Return the last number handed out in `series`, 0 if none."""
    return session.scalar(select(NumberSeries.last_value).where(NumberSeries.series == series)) or 0
