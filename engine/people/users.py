"""People who sign in, their roles, and checking their passwords."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from engine import clock
from engine.errors import Conflict, InvalidCommand
from engine.i18n import UnknownLanguage, checked
from store.models import User

ROLES = ("officers", "heads", "auditors", "analysts", "applicants")
MIN_PASSWORD_LENGTH = 8


def add_user(
    session: Session,
    username: str,
    password: str,
    roles: list[str],
    applicant_id: str | None = None,
    full_name: str | None = None,
    language: str | None = None,
) -> User:
    """Create a user with a hashed password; unknown roles or languages, or a taken name, are refused."""
    unknown = sorted(set(roles) - set(ROLES))
    if not username or not roles or unknown:
        raise InvalidCommand(f"a user needs a name and roles among {', '.join(ROLES)}; unknown: {unknown}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidCommand(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if "applicants" in roles and not applicant_id:
        raise InvalidCommand("an applicant user needs the applicant's BIN/IIN")
    if find_user(session, username) is not None:
        raise Conflict(f"user {username!r} exists already")
    language = _language(language) if language is not None else None
    user = User(
        username=username,
        password_hash=generate_password_hash(password),
        roles="," + ",".join(sorted(set(roles))) + ",",
        applicant_id=applicant_id,
        full_name=full_name,
        language=language,
        active=True,
        created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, username: str, password: str) -> User:
    """Give the user called `username` a new password; an unknown name or a short password is refused."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidCommand(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    user = find_user(session, username)
    if user is None:
        raise InvalidCommand(f"there is no user {username!r}")
    user.password_hash = generate_password_hash(password)
    session.flush()
    return user


def set_language(session: Session, username: str, language: str | None) -> User:
    """Make `language` the one `username` reads the pages in (None: follow the browser)."""
    user = find_user(session, username)
    if user is None:
        raise InvalidCommand(f"there is no user {username!r}")
    user.language = _language(language) if language is not None else None
    session.flush()
    return user


def _language(language: str) -> str:
    try:
        return checked(language)
    except UnknownLanguage as error:
        raise InvalidCommand(str(error)) from None


def find_user(session: Session, username: str) -> User | None:
    """Return the user called `username`, or None."""
    return session.scalar(select(User).where(User.username == username))


def authenticate(session: Session, username: str, password: str) -> User | None:
    """Return the active user whose password this is, or None; an unknown name takes as long."""
    user = find_user(session, username)
    if user is None:
        check_password_hash(_unknown_user_hash(), password)  # as slow as a known name: no timing tell
        return None
    if not user.active:
        return None
    if CHECKED.holds(username, password, user.password_hash):
        return user
    if not check_password_hash(user.password_hash, password):
        return None
    CHECKED.remember(username, password, user.password_hash)
    return user


class CheckedPasswords:
    """Passwords this process checked against a stored hash, so a client's next request skips the slow hash.

    An API client sends HTTP Basic with every request; each check of a salted hash costs
    tens of milliseconds. What is kept is a keyed digest of (name, password) under a key
    made when the process starts, never the password, with the stored hash it matched:
    a changed password (a new hash) or a deactivated user is checked again, and only
    passwords that matched are kept.
    """

    def __init__(self, capacity: int = 1024) -> None:
        self.capacity = capacity
        self._key = secrets.token_bytes(32)
        self._matched: OrderedDict[bytes, str] = OrderedDict()
        self._lock = threading.Lock()

    def _digest(self, username: str, password: str) -> bytes:
        message = username.encode("utf-8") + b"\0" + password.encode("utf-8")
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def holds(self, username: str, password: str, password_hash: str) -> bool:
        """Tell whether this password matched `password_hash` when this process checked it."""
        with self._lock:
            matched = self._matched.get(self._digest(username, password))
        return matched is not None and hmac.compare_digest(matched, password_hash)

    def remember(self, username: str, password: str, password_hash: str) -> None:
        """Keep that this password matched `password_hash`."""
        with self._lock:
            self._matched[self._digest(username, password)] = password_hash
            while len(self._matched) > self.capacity:
                self._matched.popitem(last=False)


CHECKED = CheckedPasswords()


@lru_cache(maxsize=1)
def _unknown_user_hash() -> str:
    return generate_password_hash("no user has this password")


def roles_of(user: User) -> set[str]:
    """Return the set of roles of `user`."""
    return {role for role in user.roles.split(",") if role}
