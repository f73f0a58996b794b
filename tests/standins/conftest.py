"""Fixtures for the stand-ins: a clock the test moves, a fake licflow, the app and its client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from standins.app import create_app
from standins.courier import RetryPolicy

TOKEN = "engine-token-for-tests"
RETRY = RetryPolicy(first_delay_seconds=1, max_delay_seconds=8, max_attempts=4, not_waiting_attempts=3)


class Clock:
    """A clock that stands still until the test moves it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class FakeEngine:
    """licflow's message API as an httpx transport: answers the statuses it is told to, then 200."""

    def __init__(self) -> None:
        self.messages: list[dict] = []
        self.authorizations: list[str | None] = []
        self.answers: list[int | str] = []  # a status, or "down" for a refused connection

    def __call__(self, request: httpx.Request) -> httpx.Response:
        answer = self.answers.pop(0) if self.answers else 200
        if answer == "down":
            raise httpx.ConnectError("connection refused", request=request)
        self.authorizations.append(request.headers.get("Authorization"))
        self.messages.append(httpx.Response(200, content=request.content).json())
        if answer == 404:
            return httpx.Response(404, json={"type": "NotFound", "message": "no case waits for it"})
        return httpx.Response(answer, json={"caseId": "case-1"})

    def fail_next(self, *answers: int | str) -> None:
        self.answers.extend(answers)


@pytest.fixture
def clock() -> Clock:
    """Thursday 26 November 2026, 10:00 in Asia/Almaty."""
    return Clock(datetime(2026, 11, 26, 5, 0, tzinfo=UTC))


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def app(clock, engine):
    """The stand-ins over the shipped seed, answering a fake licflow; nothing runs in the background."""
    app = create_app(
        test_config={
            "TESTING": True,
            "CLOCK": clock,
            "ENGINE_URL": "http://licflow.test",
            "ENGINE_TOKEN": TOKEN,
            "ENGINE_TRANSPORT": httpx.MockTransport(engine),
            "DELIVERY_RETRY": RETRY,
        }
    )
    yield app
    app.shutdown()


@pytest.fixture
def client(app):
    return app.test_client()
