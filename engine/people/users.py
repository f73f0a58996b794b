"""People who sign in, their roles, and checking their passwords."""

from __future__ import annotations

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
    if not user.active or not check_password_hash(user.password_hash, password):
        return None
    return user


@lru_cache(maxsize=1)
def _unknown_user_hash() -> str:
    return generate_password_hash("no user has this password")


def roles_of(user: User) -> set[str]:
    """Return the set of roles of `user`."""
    return {role for role in user.roles.split(",") if role}
