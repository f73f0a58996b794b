"""A serving process killed with SIGKILL while its worker completes tasks loses and repeats nothing.

The scenario, on SQLite (a file database) and on PostgreSQL:

1. `licflow init` migrates the database and deploys tests/diagrams/core_sample.bpmn;
   `licflow serve --workers tests.e2e.sample_workers` starts with its in-process worker.
2. The test starts cases (a few through the HTTP API, the rest with an Orchestrator on
   the same database) and watches the database until the server's worker has passed
   some checks, holds the locks of more, and has already made the outside effect of a
   task it has not reported yet. Then the server gets SIGKILL.
3. The database is consistent: every case exists once, each waits either on its check
   task or on one open review with one waiting timer, history has no gap or duplicate.
4. `licflow serve` is started again on the same database and drains every available
   check task, then stops on SIGTERM.
5. Recovery of the tasks the killed process had locked: their locks are only released
   by expiry (5 minutes), and this test does not wait for that. It takes the real path
   every worker takes instead: a WorkerLoop in the test process, loading the same worker
   module, runs under time-machine moved past the lock expiry; its fetch-and-lock
   releases the expired locks (counting a failed attempt, history
   `external_task_failed`) and fetches and completes the tasks (a second drain, an hour
   later, covers any retry backoff of the release). The worker sees the same idempotency key as
   the killed delivery, so an effect made before the kill is not made again: the
   effects file ends with exactly one line per case.
6. Time moves past review_due and `fire_due_timers` (what the serving process's
   scheduler runs at start-up) fires each case's timer exactly once; a second sweep
   fires nothing.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from engine import clock
from engine.external.worker_loop import WorkerLoop
from engine.orchestrator import Orchestrator
from engine.runtime.timers import fire_due_timers
from licflow.workers import load_registry
from store.db import Store
from store.models import Case, ExternalTask, HistoryEvent, Incident, MessageSubscription, Timer, UserTask
from tests.conftest import DIAGRAMS, ROOT, _truncate_all
from tests.engine.sample import DUE, REVIEW_DUE

pytestmark = pytest.mark.slow

LICFLOW = str(Path(sys.executable).with_name("licflow"))
WORKERS = "tests.e2e.sample_workers"
TOKEN_FILE = ROOT / "var" / "api-token"
WORKER_DELAY = "0.03"  # seconds between a worker's outside effect and its report
FIRST_BATCH = 40
HTTP_STARTS = 4
MORE_BATCH = 20
MAX_CASES = 200
READY_TIMEOUT = 30.0
PHASE_TIMEOUT = 30.0
POLL = 0.01


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """An empty database for `licflow init` to set up: a new SQLite file, or a truncated PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'licflow.db'}"
    url = request.getfixturevalue("postgres_url")
    store = Store(url)
    try:
        _truncate_all(store)
    finally:
        store.dispose()
    return url


@pytest.fixture
def store(database_url):
    db = Store(database_url)
    yield db
    db.dispose()


def test_a_killed_server_loses_and_repeats_nothing(database_url, store, tmp_path, monkeypatch):
    bpmn_dir = tmp_path / "bpmn"
    bpmn_dir.mkdir()
    (bpmn_dir / "core_sample.bpmn").write_bytes((DIAGRAMS / "core_sample.bpmn").read_bytes())
    effects = tmp_path / "effects.txt"
    env = _environment(
        database_url,
        LICFLOW_BPMN_DIR=str(bpmn_dir),
        LICFLOW_STANDINS_PORT="0",
        LICFLOW_MAIL_PORT="0",
        LICFLOW_TEST_EFFECTS=str(effects),
        LICFLOW_TEST_WORKER_DELAY=WORKER_DELAY,
    )

    init = subprocess.run(
        [LICFLOW, "init"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert init.returncode == 0, init.stdout + init.stderr
    assert "core_sample v1 (new version)" in init.stdout

    port = _free_port()
    started: dict[str, str] = {}  # business key -> case id
    orchestrator = Orchestrator(store)

    # -- 1-2: serve, start cases, kill the server in the middle of its work -----------------
    first = Serve(env, port, tmp_path / "serve-1.log")
    try:
        first.wait_ready()
        token = TOKEN_FILE.read_text().strip()
        for number in range(HTTP_STARTS):
            key = f"H-{number}"
            started[key] = _start_over_http(port, token, key)
        for number in range(FIRST_BATCH - HTTP_STARTS):
            key = f"K-{number}"
            started[key] = _start(orchestrator, key)

        deadline = time.monotonic() + PHASE_TIMEOUT
        while True:
            progress = _progress(store, effects)
            if progress.checked >= 3 and len(progress.locked) >= 2 and progress.locked & progress.effects:
                first.kill()
                break
            assert time.monotonic() < deadline, f"the server's worker made no usable progress: {progress}"
            assert first.running, first.log_tail()
            if not progress.pending and len(started) < MAX_CASES:  # the worker is too fast: more work
                for _ in range(MORE_BATCH):
                    key = f"K-{len(started)}"
                    started[key] = _start(orchestrator, key)
            time.sleep(POLL)
    finally:
        first.cleanup()

    # -- 3: consistent after the kill --------------------------------------------------------
    after_kill = _assert_consistent(store, started)
    locked_at_kill = {t.id: t for t in _rows(store, ExternalTask) if t.status == "locked"}
    assert locked_at_kill, "the kill was meant to land while the worker held locks"
    (owner,) = {t.lock_owner for t in locked_at_kill.values()}  # the killed server's worker
    assert owner.startswith("serve-")
    effect_keys = _effect_lines(effects)
    assert len(effect_keys) == len(set(effect_keys))
    assert any(f"{t.case_id}:{t.id}" in effect_keys for t in locked_at_kill.values()), (
        "no task was killed between its outside effect and its report"
    )
    reviewed = {case_id for case_id, where in after_kill.items() if where == "review"}
    waiting = {case_id for case_id, where in after_kill.items() if where == "check"}
    assert reviewed and waiting
    assert {key.split(":")[0] for key in effect_keys} >= reviewed  # an effect precedes its completion

    # -- 4: a restarted server drains what is available --------------------------------------
    second = Serve(env, port, tmp_path / "serve-2.log")
    try:
        second.wait_ready()
        deadline = time.monotonic() + PHASE_TIMEOUT
        while _count_available(store):
            assert time.monotonic() < deadline, "the restarted server did not drain the check tasks"
            assert second.running, second.log_tail()
            time.sleep(POLL)
        assert second.terminate() == 0, second.log_tail()
    finally:
        second.cleanup()

    after_restart = _assert_consistent(store, started)
    still_waiting = {case_id for case_id, where in after_restart.items() if where == "check"}
    assert still_waiting == {t.case_id for t in locked_at_kill.values()}
    assert {t.id for t in _rows(store, ExternalTask)} == set(locked_at_kill)

    # -- 5: the locks of the killed server expire; a worker takes the tasks again ------------
    monkeypatch.setenv("LICFLOW_TEST_EFFECTS", str(effects))
    monkeypatch.delenv("LICFLOW_TEST_WORKER_DELAY", raising=False)
    recovery = WorkerLoop(store, load_registry((WORKERS,)), "recovery", lock_duration=timedelta(minutes=5))
    expiry = max(clock.as_utc(t.lock_expires_at) for t in locked_at_kill.values())
    handled = 0
    with time_machine.travel(expiry + timedelta(seconds=1), tick=False):
        handled += recovery.drain()  # releases the expired locks; the tasks are available again
    with time_machine.travel(expiry + timedelta(hours=1), tick=False):
        handled += recovery.drain()  # past any retry backoff of the release
    assert handled == len(locked_at_kill)

    final = _assert_consistent(store, started)
    assert set(final.values()) == {"review"}
    assert _rows(store, ExternalTask) == []
    history = _history(store)
    lock_expired = Counter(
        e.case_id
        for events in history.values()
        for e in events
        if e.kind == "external_task_failed" and "expired" in e.data["message"]
    )
    assert lock_expired == Counter({t.case_id: 1 for t in locked_at_kill.values()})
    effect_keys = _effect_lines(effects)
    assert len(effect_keys) == len(set(effect_keys)) == len(started), "an outside effect was lost or repeated"
    for case_id, events in history.items():
        (completed,) = [e for e in events if e.kind == "external_task_completed"]
        assert completed.data["variables"]["checked_by"] in effect_keys
        assert completed.data["variables"]["checked_by"].startswith(f"{case_id}:")

    # -- 6: the review timers fire once each -------------------------------------------------
    with time_machine.travel(datetime(2030, 1, 1, 9, 0, 1, tzinfo=UTC), tick=False):
        assert fire_due_timers(store) == len(started)
        assert fire_due_timers(store) == 0

    timers = _rows(store, Timer)
    assert Counter(t.case_id for t in timers) == Counter({case_id: 1 for case_id in started.values()})
    assert {t.status for t in timers} == {"fired"}
    assert {t.element_id for t in timers} == {"review_timeout"}
    cases = _rows(store, Case)
    assert {c.status for c in cases} == {"completed"}
    history = _history(store)
    for case_id, events in history.items():
        kinds = [(e.kind, e.element_id) for e in events]
        assert kinds.count(("timer_fired", "review_timeout")) == 1, case_id
        assert ("element_completed", "end_timed_out") in kinds
        assert kinds[-1] == ("case_completed", None)
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert {u.status for u in _rows(store, UserTask)} == {"cancelled"}
    assert _rows(store, Incident) == []


# -- the serving process -----------------------------------------------------------------------


class Serve:
    """`licflow serve` with the sample workers, as a subprocess of this test."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.port = port
        self.log = log
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                [LICFLOW, "serve", "--port", str(port), "--workers", WORKERS],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self) -> None:
        """Poll /health until it answers, for at most READY_TIMEOUT seconds."""
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            assert self.running, f"licflow serve exited early:\n{self.log_tail()}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            assert time.monotonic() < deadline, f"licflow serve did not get ready:\n{self.log_tail()}"
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind in the server."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self) -> int:
        """SIGTERM, then wait for the server to stop; return its exit code."""
        os.kill(self.process.pid, signal.SIGTERM)
        return self.process.wait(timeout=30)

    def cleanup(self) -> None:
        if self.running:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def _environment(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LICFLOW_")}
    env.update(DATABASE_URL=database_url, PYTHONPATH=str(ROOT), **extra)
    return env


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- starting cases ----------------------------------------------------------------------------

VARIABLES = {"review_due": REVIEW_DUE, "due": DUE}


def _start(orchestrator, business_key: str) -> str:
    return orchestrator.start_case("core_sample", business_key, dict(VARIABLES), actor="tester")


def _start_over_http(port: int, token: str, business_key: str) -> str:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/engine/process/core_sample/start",
        data=json.dumps({"businessKey": business_key, "variables": VARIABLES}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 201
        return json.load(answer)["id"]


# -- reading the database ----------------------------------------------------------------------


class Progress:
    """How far the server's worker got: checks passed, tasks pending, locked, effects made."""

    def __init__(self, checked: int, pending: int, locked: set[str], effects: set[str]) -> None:
        self.checked, self.pending, self.locked, self.effects = checked, pending, locked, effects

    def __repr__(self) -> str:
        return f"checked={self.checked} pending={self.pending} locked={len(self.locked)}"


def _progress(store: Store, effects: Path) -> Progress:
    with store.reading() as session:
        tasks = list(session.execute(select(ExternalTask.case_id, ExternalTask.id, ExternalTask.status)))
        checked = len(list(session.scalars(select(UserTask.id))))
    locked = {f"{case_id}:{task_id}" for case_id, task_id, status in tasks if status == "locked"}
    return Progress(checked, len(tasks), locked, set(_effect_lines(effects)))


def _count_available(store: Store) -> int:
    with store.reading() as session:
        return len(list(session.scalars(select(ExternalTask.id).where(ExternalTask.status == "available"))))


def _rows(store: Store, model) -> list:
    with store.reading() as session:
        return list(session.scalars(select(model)))


def _history(store: Store) -> dict[str, list[HistoryEvent]]:
    events: dict[str, list[HistoryEvent]] = defaultdict(list)
    with store.reading() as session:
        for event in session.scalars(select(HistoryEvent).order_by(HistoryEvent.case_id, HistoryEvent.seq)):
            events[event.case_id].append(event)
    return events


def _effect_lines(effects: Path) -> list[str]:
    return effects.read_text().splitlines() if effects.exists() else []


def _assert_consistent(store: Store, started: dict[str, str]) -> dict[str, str]:
    """Check every invariant of a case waiting on its check or its review; return case id -> which."""
    cases = _rows(store, Case)
    assert Counter(c.business_key for c in cases) == Counter(set(started)), "a case was lost or duplicated"
    assert {c.business_key: c.id for c in cases} == started
    by_case: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for model in (ExternalTask, UserTask, Timer, MessageSubscription, Incident):
        for row in _rows(store, model):
            by_case[row.case_id][model.__name__].append(row)
    history = _history(store)
    assert set(by_case) <= set(started.values()) and set(history) == set(started.values())

    where: dict[str, str] = {}
    for case in cases:
        rows, events = by_case[case.id], history[case.id]
        assert case.status == "running"
        assert [e.seq for e in events] == list(range(1, len(events) + 1)), f"history of {case.id} has a gap"
        kinds = Counter(e.kind for e in events)
        assert kinds["case_started"] == 1
        assert rows["MessageSubscription"] == [] and rows["Incident"] == []
        tasks, reviews, timers = rows["ExternalTask"], rows["UserTask"], rows["Timer"]
        if tasks:
            (task,) = tasks
            assert (task.element_id, task.topic) == ("check", "sample.check")
            assert task.status in ("available", "locked")
            assert reviews == [] and timers == []
            assert kinds["external_task_completed"] == 0
            where[case.id] = "check"
        else:
            (review,) = reviews
            assert (review.element_id, review.status) == ("review", "open")
            (timer,) = timers
            assert (timer.element_id, timer.status) == ("review_timeout", "waiting")
            assert clock.as_utc(timer.due_at) == datetime.fromisoformat(REVIEW_DUE)
            assert kinds["external_task_completed"] == 1
            where[case.id] = "review"
    return where
