"""A row a Core claim returned is the session's object: changed later, it is saved against its version."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, update
from sqlalchemy.orm.exc import StaleDataError

from store.models import Timer
from store.returned import claimed, every_column

DUE = datetime(2031, 3, 2, 9, 0, tzinfo=UTC)
TIMERS = Timer.__table__
CLAIM = (
    update(TIMERS)
    .where(TIMERS.c.id == bindparam("timer_id"), TIMERS.c.status == "waiting")
    .values(claimed_by="sweep", version=TIMERS.c.version + 1)
    .returning(*every_column(Timer))
)


@pytest.fixture
def waiting_timer(store) -> str:
    with store.unit_of_work() as session:
        session.add(Timer(id="t-1", element_id="hearing_due", due_at=DUE, status="waiting"))
    return "t-1"


def test_a_claimed_row_changed_afterwards_is_saved_with_the_claimed_version(store, waiting_timer):
    with store.unit_of_work() as session:
        (timer,) = claimed(session, Timer, CLAIM, {"timer_id": waiting_timer})
        assert (timer.claimed_by, timer.version) == ("sweep", 2)
        assert timer.due_at.replace(tzinfo=UTC) == DUE  # the column types read as the ORM reads them
        timer.status = "fired"

    with store.reading() as session:
        saved = session.get(Timer, waiting_timer)
        assert (saved.status, saved.claimed_by, saved.version) == ("fired", "sweep", 3)


def test_a_row_loaded_before_in_the_transaction_is_refreshed_not_duplicated(store, waiting_timer):
    with store.unit_of_work() as session:
        loaded = session.get(Timer, waiting_timer)
        (timer,) = claimed(session, Timer, CLAIM, {"timer_id": waiting_timer})
        assert timer is loaded
        assert (loaded.claimed_by, loaded.version) == ("sweep", 2)


def test_the_claim_sees_changes_made_before_it_in_the_transaction(store, waiting_timer):
    with store.unit_of_work() as session:
        session.get(Timer, waiting_timer).status = "cancelled"  # not flushed yet
        assert claimed(session, Timer, CLAIM, {"timer_id": waiting_timer}) == []


def test_a_claimed_row_another_transaction_changed_meanwhile_is_not_overwritten(store, waiting_timer):
    with pytest.raises(StaleDataError), store.unit_of_work() as session:
        (timer,) = claimed(session, Timer, CLAIM, {"timer_id": waiting_timer})
        session.connection().execute(update(TIMERS).values(version=TIMERS.c.version + 1))
        timer.status = "fired"
