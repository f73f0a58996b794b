"""A password checked once is not hashed again for the next request, until it or the user changes."""

from __future__ import annotations

import pytest

from engine.people import users
from engine.people.users import add_user, authenticate, set_password


@pytest.fixture
def hashes_checked(monkeypatch) -> list[str]:
    """Record each slow hash check (the real one still runs)."""
    checked: list[str] = []
    real = users.check_password_hash

    def counted(password_hash: str, password: str) -> bool:
        checked.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(users, "check_password_hash", counted)
    users.CHECKED = users.CheckedPasswords()
    return checked


def test_a_matched_password_is_not_hashed_again_on_the_next_request(orchestrator, hashes_checked):
    with orchestrator.transaction() as session:
        add_user(session, "client-user", "a long enough password", ["heads"])

    for _ in range(3):
        with orchestrator.transaction() as session:
            assert authenticate(session, "client-user", "a long enough password") is not None

    assert len(hashes_checked) == 1


def test_a_wrong_password_is_hashed_every_time_and_never_kept(orchestrator, hashes_checked):
    with orchestrator.transaction() as session:
        add_user(session, "client-user", "a long enough password", ["heads"])

    for _ in range(2):
        with orchestrator.transaction() as session:
            assert authenticate(session, "client-user", "not the password") is None

    assert len(hashes_checked) == 2


def test_a_changed_password_or_a_deactivated_user_is_checked_again(orchestrator, hashes_checked):
    with orchestrator.transaction() as session:
        add_user(session, "client-user", "a long enough password", ["heads"])
    with orchestrator.transaction() as session:
        assert authenticate(session, "client-user", "a long enough password") is not None

    with orchestrator.transaction() as session:
        set_password(session, "client-user", "another long password")
    with orchestrator.transaction() as session:
        assert authenticate(session, "client-user", "a long enough password") is None
        assert authenticate(session, "client-user", "another long password") is not None
        users.find_user(session, "client-user").active = False
    with orchestrator.transaction() as session:
        assert authenticate(session, "client-user", "another long password") is None
