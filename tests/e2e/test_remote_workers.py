"""Out-of-process workers: `licflow worker` processes and the official Camunda JS client, over HTTP.

The seeded applications travel the real diagrams while two `licflow worker` processes
serve every topic but one through `/engine-rest`, and `camunda-external-task-client-js`
serves `cabinet.accepted`. Then a worker is killed (SIGKILL) after its outside effect
(the e-mail reached the SMTP server) but before it reported: the task comes back when
its lock expires, another worker does it again, and the applicant has one e-mail.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from standins.mail import MailSink
from store.models import ExternalTask, HistoryEvent, Incident
from tests.conftest import ROOT
from tests.diagrams.tooling import skip_or_fail
from tests.e2e.stories import (
    STORIES,
    assert_every_story_ended_as_told,
    play_every_story,
    start_every_story,
    variables_of,
)

pytestmark = pytest.mark.slow

LICFLOW = str(Path(sys.executable).with_name("licflow"))
JS_WORKER = ROOT / "tools" / "camunda-client" / "cabinet-worker.mjs"
CLIENT_PACKAGE = ROOT / "node_modules" / "camunda-external-task-client-js" / "package.json"
QUIET_TIMEOUT = 90.0  # seconds for the worker processes to finish what is available


class Processes:
    """Worker processes started by a test, ended by their PIDs at the end."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], environment: dict[str, str]) -> subprocess.Popen:
        log = (self.log_dir / f"{name}.log").open("w")
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **environment}, stdout=log, stderr=subprocess.STDOUT
        )
        self.running[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.log_dir / f"{name}.log").read_text()

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                process.terminate()
        for process in self.running.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def processes(tmp_path):
    started = Processes(tmp_path)
    yield started
    started.stop_all()


@pytest.fixture
def node() -> str:
    found = shutil.which("node")
    if found is None or not CLIENT_PACKAGE.is_file():
        skip_or_fail("node and camunda-external-task-client-js are needed: install Node.js and run `npm ci`")
    return found


def python_worker(name: str, *options: str) -> list[str]:
    return [LICFLOW, "worker", "--id", name, *options]


def wait_until_quiet(orchestrator, processes: Processes) -> Callable[[], None]:
    """Return a settle() that waits until no external task is available or locked."""

    def settle() -> None:
        deadline = time.monotonic() + QUIET_TIMEOUT
        while pending_tasks(orchestrator):
            for name, process in processes.running.items():
                assert process.poll() is None, f"{name} ended early:\n{processes.log(name)}"
            assert time.monotonic() < deadline, f"workers left tasks pending: {pending_tasks(orchestrator)}"
            time.sleep(0.05)  # real processes: poll the store, nothing to drain in this one

    return settle


def pending_tasks(orchestrator) -> list[tuple[str, str]]:
    with orchestrator.store.unit_of_work() as session:
        rows = session.execute(
            select(ExternalTask.topic, ExternalTask.status).where(
                ExternalTask.status.in_(("available", "locked"))
            )
        )
        return [tuple(row) for row in rows]


def completions_by_worker(orchestrator) -> dict[str, Counter]:
    """{topic: Counter(actor)} of every external task completed."""
    found: dict[str, Counter] = {}
    with orchestrator.store.unit_of_work() as session:
        for event in session.scalars(
            select(HistoryEvent).where(HistoryEvent.kind == "external_task_completed")
        ):
            found.setdefault(event.data["topic"], Counter())[event.actor] += 1
    return found


def incidents(orchestrator) -> list[str]:
    with orchestrator.store.unit_of_work() as session:
        return [i.message for i in session.scalars(select(Incident))]


def test_two_worker_processes_and_the_js_client_carry_every_seeded_application_to_its_end(
    world, processes, node
):
    # Given two licflow worker processes and the JS client serving cabinet.accepted
    environment = world.worker_environment()
    for name in ("py-worker-1", "py-worker-2"):
        processes.start(name, python_worker(name, "--except-topic", "cabinet.accepted"), environment)
    processes.start(
        "js-cabinet-worker",
        [node, str(JS_WORKER)],
        {
            "LICFLOW_ENGINE_REST": f"{world.engine_url}/engine-rest",
            "LICFLOW_API_TOKEN": environment["LICFLOW_API_TOKEN"],
        },
    )
    orchestrator = world.orchestrator

    # When every seeded applicant applies and the officer acts as the story says
    cases = start_every_story(orchestrator)
    outcomes = play_every_story(
        orchestrator, world.standins, cases, wait_until_quiet(orchestrator, processes)
    )

    # Then each case ends as its story says, with no incident
    assert_every_story_ended_as_told(orchestrator, outcomes)
    assert incidents(orchestrator) == []
    done = completions_by_worker(orchestrator)
    assert done["cabinet.accepted"] == Counter({"worker:js-cabinet-worker": len(STORIES)})
    python_actors = Counter()
    for topic, actors in done.items():
        if topic != "cabinet.accepted":
            python_actors.update(actors)
    assert set(python_actors) == {"worker:py-worker-1", "worker:py-worker-2"}, python_actors
    accepted = variables_of(orchestrator, cases["150440001110"])
    assert accepted["cabinet_result_due_at"] == accepted["statutory_due_at"]


class KillingMailSink(MailSink):
    """Keeps a message, then kills the process that sent it to `addressee` before it hears that it arrived.

    Other mail (an officer's deadline alert, sent by another worker) passes: only the
    message to the addressee is the victim's.
    """

    victim: subprocess.Popen | None = None
    addressee: str | None = None
    deliveries: Counter

    def keep(self, message, content: bytes) -> bool:
        self.deliveries = getattr(self, "deliveries", Counter())
        self.deliveries[message["Message-ID"]] += 1
        kept = super().keep(message, content)
        if message["To"] != self.addressee:
            return kept
        victim, self.victim = self.victim, None
        if victim is not None:
            os.kill(victim.pid, signal.SIGKILL)
            victim.wait()
        return kept


@pytest.fixture
def mail_sink(tmp_path):
    return KillingMailSink(directory=tmp_path / "mail")


def test_a_worker_killed_after_sending_an_email_is_replaced_and_the_applicant_gets_it_once(world, processes):
    # Given an application that ends in a refusal to consider (one e-mail, topic notice.result)
    orchestrator = world.orchestrator
    environment = world.worker_environment()
    applicant = "240140020204"  # not considered: contract copy missing
    seeded = STORIES[applicant]
    everything_but_notices = python_worker("py-steady", "--except-topic", "notice.result")
    processes.start("py-steady", everything_but_notices, environment)
    case_id = orchestrator.start_case(
        "license_issuance",
        f"APP-{applicant}",
        {**seeded["application"], "submitted_at": "2026-11-26T10:00:00+05:00"},
    )

    # When a worker with a 6-second lock (room for the notice's PDFs) sends the result e-mail
    # and is killed before it reports
    doomed = processes.start(
        "py-doomed",
        python_worker("py-doomed", "--topic", "notice.result", "--lock-duration", "6"),
        environment,
    )
    world.mail.victim, world.mail.addressee = doomed, seeded["application"]["applicant_email"]
    settle = wait_until_quiet(orchestrator, processes)
    deadline = time.monotonic() + QUIET_TIMEOUT
    while doomed.poll() is None:
        assert time.monotonic() < deadline, "the result e-mail never reached the SMTP server"
        time.sleep(0.05)
    del processes.running["py-doomed"]
    assert locked_notice(orchestrator) == "py-doomed"

    # Then after the lock expires another worker takes the task, and the effect happened once
    processes.start("py-rescuer", python_worker("py-rescuer", "--topic", "notice.result"), environment)
    settle()
    to_applicant = [m for m in world.mail.messages() if m["To"] == seeded["application"]["applicant_email"]]
    assert len(to_applicant) == 1
    assert world.mail.deliveries[to_applicant[0]["Message-ID"]] == 2  # sent again, kept once
    assert completions_by_worker(orchestrator)["notice.result"] == Counter({"worker:py-rescuer": 1})
    assert variables_of(orchestrator, case_id)["cabinet_status"] == "not_considered"
    assert incidents(orchestrator) == []


def locked_notice(orchestrator) -> str | None:
    with orchestrator.store.unit_of_work() as session:
        return session.scalar(
            select(func.max(ExternalTask.lock_owner)).where(ExternalTask.topic == "notice.result")
        )
