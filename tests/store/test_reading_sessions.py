"""A transaction opened to read refuses to write, and a unit of work beside it is not affected."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.people.users import add_user, find_user
from store.db import ReadOnlyTransaction, is_reading
from store.models import User


def test_a_read_transaction_says_so_and_a_unit_of_work_does_not(store):
    with store.reading() as session:
        assert is_reading(session)
    with store.unit_of_work() as session:
        assert not is_reading(session)


def test_a_row_added_in_a_read_transaction_is_refused_and_nothing_is_written(store):
    with pytest.raises(ReadOnlyTransaction, match="tried to write User"), store.reading() as session:
        session.add(User(username="olga", password_hash="x", roles="officers", active=True))
    with store.reading() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0


def test_a_row_changed_in_a_read_transaction_is_refused_and_keeps_its_value(store):
    with store.unit_of_work() as session:
        add_user(session, "olga", "password-123", ["officers"])
    with pytest.raises(ReadOnlyTransaction), store.reading() as session:
        find_user(session, "olga").active = False
    with store.reading() as session:
        assert find_user(session, "olga").active is True
