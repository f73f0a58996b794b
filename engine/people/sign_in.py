"""Sign people in with a throttle per account and per address, and keep every attempt.

After `PER_ACCOUNT` failed attempts for one user name (since its last success) or
`PER_ADDRESS` from one address within `WINDOW`, further attempts are refused without
looking at the password until the oldest of those failures is `WINDOW` old. A user
name counts as typed, whether or not such a user exists, and the refusal reads the same
either way, so the throttle tells nobody which names exist. Every attempt is kept in
`sign_in_attempts` (signed_in, refused, throttled): that is the sign-in history.

An attempt is written (as `pending`) and committed before the password is checked, so
attempts made at the same moment count against each other; the outcome follows in a
second transaction. HTTP Basic (the portal API) signs in on every request: there only
failed and throttled attempts are kept.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from engine import clock
from engine.errors import LicflowError
from engine.people.users import authenticate, roles_of
from store.db import Store
from store.models import SignInAttempt, User

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5
PER_ADDRESS = 20
FAILED = ("refused", "pending")  # a pending attempt whose outcome never came counts as failed


class SignInThrottled(LicflowError):
    """Too many failed sign-ins for this user name or from this address; `retry_after` says how long."""

    def __init__(self, retry_after: timedelta) -> None:
        minutes = max(1, math.ceil(retry_after.total_seconds() / 60))
        super().__init__(
            "Too many failed sign-ins for this user name or from this address. "
            f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
        )
        self.retry_after = retry_after


def sign_in(
    store: Store,
    username: str,
    password: str,
    address: str,
    roles: tuple[str, ...] = (),
    keep_successes: bool = True,
) -> User | None:
    """Return the active user whose password this is (holding one of `roles`, if given), or None.

    Raise SignInThrottled while attempts for the name or from the address are throttled.
    `keep_successes=False` keeps only failed and throttled attempts: for HTTP Basic, which
    signs in on every request.
    """
    username, address = username[:200], (address or "unknown")[:64]
    with store.unit_of_work() as session:
        now = clock.now()
        wait = _throttled_for(session, username, address, now)
        attempt_id = None
        if wait or keep_successes:
            outcome = "throttled" if wait else "pending"
            attempt = SignInAttempt(at=now, username=username, address=address, outcome=outcome)
            session.add(attempt)
            session.flush()
            attempt_id = attempt.id
    if wait:
        raise SignInThrottled(wait)
    with store.unit_of_work() as session:
        user = authenticate(session, username, password)
        if user is not None and roles and not roles_of(user).intersection(roles):
            user = None  # the right password of an account that may not sign in here
        outcome = "signed_in" if user is not None else "refused"
        if attempt_id is not None:
            session.execute(
                update(SignInAttempt).where(SignInAttempt.id == attempt_id).values(outcome=outcome)
            )
        elif user is None:
            session.add(SignInAttempt(at=clock.now(), username=username, address=address, outcome=outcome))
    return user


def _throttled_for(session, username: str, address: str, now: datetime) -> timedelta | None:
    """Return how long attempts for `username` or from `address` must wait, or None."""
    since = now - WINDOW
    last_success = session.scalar(
        select(func.max(SignInAttempt.at)).where(
            SignInAttempt.username == username, SignInAttempt.outcome == "signed_in"
        )
    )
    account_since = max(since, clock.as_utc(last_success)) if last_success is not None else since
    waits = [
        _wait(session, SignInAttempt.username == username, account_since, PER_ACCOUNT, now),
        _wait(session, SignInAttempt.address == address, since, PER_ADDRESS, now),
    ]
    return max((w for w in waits if w is not None), default=None)


def _wait(session, who, since: datetime, limit: int, now: datetime) -> timedelta | None:
    failures = list(
        session.scalars(
            select(SignInAttempt.at)
            .where(who, SignInAttempt.outcome.in_(FAILED), SignInAttempt.at > since)
            .order_by(SignInAttempt.at.desc())
            .limit(limit)
        )
    )
    if len(failures) < limit:
        return None
    return clock.as_utc(failures[-1]) + WINDOW - now
