"""A remote worker delivers its result: it re-sends what the engine did not acknowledge, within the lock.

The engine runs in a thread of the test behind a real HTTP server, which the test can
kill in the middle of a report (after the report was applied, before its answer left)
and bring back on the same port. The worker waits through an injected `pause`, so the
test decides what happens while it waits; nothing sleeps.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections import Counter

import pytest
from sqlalchemy import update
from werkzeug.serving import make_server

from engine import clock
from engine.worker import TaskContext, WorkerRegistry
from licflow.remote_worker import RemoteWorker
from store.models import ExternalTask
from tests.conftest import read_diagram
from tests.engine import sample
from web import create_app

TOKEN = "remote-worker-token"
LOCK_MS = 60_000


class Engine:
    """licflow's web app on a loopback port that can die in the middle of a request and come back."""

    def __init__(self, orchestrator) -> None:
        self.app = create_app(orchestrator, {"TESTING": True, "API_TOKENS": {"w": TOKEN}})
        self.requests: Counter = Counter()
        self.die_after: str | None = None  # the next request to this action is applied, then the engine dies
        self.answers: list[int] = []  # statuses to answer before the app, for the next requests
        self.port = 0
        self._server = None
        self.revive()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __call__(self, environ, start_response):
        action = environ["PATH_INFO"].rsplit("/", 1)[-1]
        self.requests[action] += 1
        if self.answers and action != "fetchAndLock":
            start_response(f"{self.answers.pop(0)} Service Unavailable", [("Content-Type", "text/plain")])
            return [b"the engine is restarting"]
        if action != self.die_after:
            return self.app(environ, start_response)
        self.die_after = None
        body = b"".join(self.app(environ, lambda *_: None))  # applied and committed
        assert body == b""
        self.kill()  # no new connection is accepted from now on
        connection: socket.socket = environ["werkzeug.socket"]
        connection.shutdown(socket.SHUT_RDWR)  # and the answer never leaves
        start_response("500 Gone", [])
        return []

    def revive(self) -> None:
        self._server = make_server("127.0.0.1", self.port, self, threaded=True)
        self.port = self._server.server_port
        threading.Thread(target=self._server.serve_forever, args=(0.01,), daemon=True).start()

    def kill(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@pytest.fixture
def engine(orchestrator):
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    running = Engine(orchestrator)
    yield running
    running.kill()


@pytest.fixture
def effects() -> Counter:
    return Counter()


@pytest.fixture
def registry(effects) -> WorkerRegistry:
    registry = WorkerRegistry()

    @registry.topic("sample.check")
    def check(context: TaskContext) -> dict:
        effects[context.idempotency_key] += 1  # the outside effect, e.g. an e-mail sent
        return {"skip_review": True}

    return registry


def worker(engine: Engine, registry, pause, lock_ms: int = LOCK_MS, worker_id: str = "w1") -> RemoteWorker:
    return RemoteWorker(engine.url, TOKEN, registry, worker_id, lock_duration_ms=lock_ms, pause=pause)


def test_a_server_that_dies_mid_report_gets_the_report_again_and_the_effect_happens_once(
    orchestrator, engine, registry, effects
):
    case_id = sample.start(orchestrator, "D-1")
    engine.die_after = "complete"
    waits = []

    def pause(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:  # refused once more while it is down, then it is back
            engine.revive()

    remote = worker(engine, registry, pause)
    try:
        assert remote.run_once(long_poll_ms=0) == 1
    finally:
        remote.close()

    assert engine.requests["complete"] == 2  # its answer lost; (refused while down;) accepted again
    assert len(waits) == 2
    assert list(effects.values()) == [1]
    assert sample.case(orchestrator, case_id).status == "completed"
    kinds = sample.history_kinds(orchestrator, case_id)
    assert kinds.count(("external_task_completed", "check")) == 1
    assert waits[0] < waits[1]


def test_server_errors_are_sent_again_until_the_engine_answers(orchestrator, engine, registry, effects):
    case_id = sample.start(orchestrator, "D-2")
    engine.answers = [503, 502, 500]
    remote = worker(engine, registry, pause=lambda seconds: None)
    try:
        remote.run_once(long_poll_ms=0)
    finally:
        remote.close()

    assert engine.requests["complete"] == 4
    assert sum(effects.values()) == 1
    assert sample.case(orchestrator, case_id).status == "completed"


def test_an_answer_that_the_lock_is_lost_drops_the_result_and_says_so(
    orchestrator, engine, registry, effects, caplog
):
    case_id = sample.start(orchestrator, "D-3")

    def handled_by_another_meanwhile(context: TaskContext) -> dict:
        effects[context.idempotency_key] += 1
        with orchestrator.store.unit_of_work() as session:  # the lock ran out while the effect was made
            session.execute(update(ExternalTask).values(lock_expires_at=clock.now()))
        (again,) = orchestrator.fetch_and_lock("w2", ["sample.check"], sample.LOCK)
        assert again.id == context.task_id
        return {"skip_review": True}

    registry.handlers.clear()
    registry.topic("sample.check")(handled_by_another_meanwhile)
    remote = worker(engine, registry, pause=lambda seconds: pytest.fail("a lost lock is not sent again"))
    with caplog.at_level(logging.WARNING, logger="licflow.remote_worker"):
        try:
            remote.run_once(long_poll_ms=0)
        finally:
            remote.close()

    assert engine.requests["complete"] == 1
    assert "dropped: the lock is lost" in caplog.text
    assert sample.external_tasks(orchestrator, case_id)[0].lock_owner == "w2"


def test_a_result_the_engine_never_acknowledged_within_the_lock_is_dropped_and_logged(
    orchestrator, engine, registry, caplog
):
    case_id = sample.start(orchestrator, "D-4")
    engine.die_after = "complete"
    elapsed = [0.0]

    def pause(seconds: float) -> None:
        elapsed[0] += seconds  # the engine stays down while the lock runs out

    remote = RemoteWorker(
        engine.url, TOKEN, registry, "w1", lock_duration_ms=LOCK_MS, pause=pause, monotonic=lambda: elapsed[0]
    )
    with caplog.at_level(logging.WARNING, logger="licflow.remote_worker"):
        try:
            remote.run_once(long_poll_ms=0)
        finally:
            remote.close()

    assert "the lock ran out before the engine answered" in caplog.text
    assert elapsed[0] == pytest.approx(LOCK_MS / 1000)
    assert "Connection refused" in caplog.text
    # the first report was applied before the engine died: it is complete all the same
    assert sample.history_kinds(orchestrator, case_id).count(("external_task_completed", "check")) == 1


def test_a_refused_result_that_is_not_about_the_lock_becomes_a_failure(orchestrator, engine):
    case_id = sample.start(orchestrator, "D-5")
    registry = WorkerRegistry()

    @registry.topic("sample.check")
    def out_of_range() -> dict:
        return {"skip_review": 2**70}  # sent as a Long, which the engine refuses (400)

    remote = worker(engine, registry, pause=lambda seconds: None)
    try:
        remote.run_once(long_poll_ms=0)
    finally:
        remote.close()

    (task,) = sample.external_tasks(orchestrator, case_id)
    assert task.status == "incident"
    assert "the engine refused complete" in task.error_message
    assert engine.requests["failure"] == 1
