"""A prebuilt statement run on the driver gives what Core gives: the same rows, values, counts and errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import bindparam, event, insert, select, update
from sqlalchemy.exc import IntegrityError

from store import direct
from store.models import HistoryEvent, Timer, User

_TIMERS = Timer.__table__
_ADD_TIMERS = insert(_TIMERS)
_DUE_BY_ID = select(_TIMERS.c.id, _TIMERS.c.due_at, _TIMERS.c.version, _TIMERS.c.kind).where(
    _TIMERS.c.id == bindparam("timer_id")
)
_CLAIM = (
    update(_TIMERS)
    .where(_TIMERS.c.id == bindparam("timer_id"), _TIMERS.c.status == "waiting")
    .values(claimed_by=bindparam("claim"), version=_TIMERS.c.version + 1)
    .returning(_TIMERS.c.id, _TIMERS.c.claimed_by, _TIMERS.c.version)
)
_CANCEL = update(_TIMERS).where(_TIMERS.c.status == "waiting").values(status="cancelled")
_EVENTS = HistoryEvent.__table__
_ADD_EVENT = insert(_EVENTS)
_EVENT_DATA = select(_EVENTS.c.data, _EVENTS.c.at).where(_EVENTS.c.case_id == bindparam("case_id"))
_ACTIVE = select(User.__table__.c.active).where(User.__table__.c.username == bindparam("name"))
_IN_LIST = select(_TIMERS.c.id).where(_TIMERS.c.id.in_(bindparam("ids", expanding=True)))
DUE = datetime(2031, 3, 2, 9, 0, tzinfo=UTC)
direct.prebuilt(_ADD_TIMERS, _DUE_BY_ID, _CLAIM, _CANCEL, _ADD_EVENT, _EVENT_DATA, _ACTIVE, _IN_LIST)


def _timer(number: int) -> dict:
    return {
        "id": f"t{number}",
        "case_id": None,
        "element_id": "due",
        "due_at": DUE + timedelta(minutes=number),
        "status": "waiting",
    }


def test_rows_inserted_together_read_back_as_core_reads_them_defaults_included(store):
    with store.unit_of_work() as session:
        direct.execute(session, _ADD_TIMERS, [_timer(1), _timer(2)])
    with store.reading() as session:
        found = direct.execute(session, _DUE_BY_ID, {"timer_id": "t2"}).all()
        by_core = session.connection().execute(_DUE_BY_ID, {"timer_id": "t2"}).all()
    assert found == [tuple(row) for row in by_core]
    (timer_id, due_at, version, kind) = found[0]
    assert (timer_id, version, kind) == ("t2", 0, "timer")  # the columns' defaults, as Core gives them
    assert due_at.replace(tzinfo=UTC) == DUE + timedelta(minutes=2)


def test_an_update_returning_gives_its_rows_and_a_plain_update_its_count(store):
    with store.unit_of_work() as session:
        direct.execute(session, _ADD_TIMERS, [_timer(1), _timer(2), _timer(3)])
        claimed = direct.execute(session, _CLAIM, {"timer_id": "t1", "claim": "sweep-1"}).first()
        cancelled = direct.execute(session, _CANCEL)
        nothing = direct.execute(session, _CLAIM, {"timer_id": "t2", "claim": "sweep-1"}).first()
    assert claimed == ("t1", "sweep-1", 1)
    assert cancelled.rowcount == 3
    assert nothing is None


def test_json_and_booleans_go_in_and_come_out_as_python_values(store):
    data = {"amount": 12, "names": ["Aigerim", "Бекзат"], "nested": {"ok": True}}
    at = datetime(2031, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)
    with store.unit_of_work() as session:
        direct.execute(
            session,
            _ADD_EVENT,
            [
                {
                    "case_id": "c1",
                    "seq": 1,
                    "at": at,
                    "actor": "officer",
                    "kind": "k",
                    "element_id": None,
                    "data": data,
                }
            ],
        )
        session.add(User(username="olga", password_hash="x", roles=",officers,", active=False, created_at=at))
        session.flush()
        (found,) = direct.execute(session, _EVENT_DATA, {"case_id": "c1"}).all()
        active = direct.execute(session, _ACTIVE, {"name": "olga"}).scalar_one()
    assert found[0] == data
    assert found[1].replace(tzinfo=UTC) == at
    assert active is False


def test_a_duplicate_key_raises_the_integrity_error_core_raises_and_the_transaction_rolls_back(store):
    with pytest.raises(IntegrityError), store.unit_of_work() as session:
        direct.execute(session, _ADD_TIMERS, [_timer(1)])
        direct.execute(session, _ADD_TIMERS, [_timer(1)])
    with store.reading() as session:
        assert direct.execute(session, _DUE_BY_ID, {"timer_id": "t1"}).first() is None


def test_a_missing_parameter_is_named_and_an_in_list_runs_through_core(store):
    with store.unit_of_work() as session:
        direct.execute(session, _ADD_TIMERS, [_timer(1), _timer(2)])
        with pytest.raises(Exception, match="'timer_id'"):
            direct.execute(session, _DUE_BY_ID, {})
    with store.reading() as session:
        ids = sorted(row[0] for row in direct.execute(session, _IN_LIST, {"ids": ["t1", "t2", "t9"]}))
    assert ids == ["t1", "t2"]


def test_a_prebuilt_statement_runs_directly_and_one_built_for_one_execution_through_core(store):
    contexts = []

    def seen(_connection, _cursor, statement, _parameters, context, _many):
        if statement.startswith("SELECT"):
            contexts.append(context)

    event.listen(store.engine, "before_cursor_execute", seen)
    built_once = select(_TIMERS.c.id).where(_TIMERS.c.id == bindparam("timer_id"))
    with store.reading() as session:
        direct.execute(session, _DUE_BY_ID, {"timer_id": "t1"})
        direct.execute(session, built_once, {"timer_id": "t1"})
    # the driver's execution context is Core's; a direct execution has none
    assert [context is None for context in contexts] == [True, False]
