"""`licflow demo` against a real `licflow serve`: every stage within a minute, nothing new the second time."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.orchestrator import Orchestrator
from procedure.portal.views import application_of
from store.db import Store
from store.models import PortalApplication
from tests.conftest import ROOT
from tests.e2e.stories import STORIES

pytestmark = pytest.mark.slow

LICFLOW = str(Path(sys.executable).with_name("licflow"))
TOKEN_FILE = ROOT / "var" / "api-token"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """`licflow serve` with its defaults but a database, a port and a trusted CA file of this test."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LICFLOW_")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'licflow.db'}",
        LICFLOW_PORT=str(port),
        LICFLOW_STANDINS_PORT="0",
        LICFLOW_MAIL_PORT="0",
        LICFLOW_TRUSTED_CA=str(tmp_path / "trusted-ca.pem"),  # missing until the demo makes its CA
        PYTHONPATH=str(ROOT),
    )
    subprocess.run([LICFLOW, "init"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen([LICFLOW, "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, (tmp_path / "serve.log").read_text()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                break
        except OSError:
            assert time.monotonic() < deadline, "licflow serve did not get ready"
            time.sleep(0.1)
    yield env, port, tmp_path
    process.terminate()
    process.wait(timeout=30)
    log.close()


def _demo(env: dict, tmp_path: Path) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    result = subprocess.run(
        [LICFLOW, "demo", "--ca-key", str(tmp_path / "test-ca.key"), "--state-dir", str(tmp_path / "demo")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    return result, time.monotonic() - started


def _statuses(env: dict) -> Counter:
    orchestrator = Orchestrator(Store(env["DATABASE_URL"]))
    with orchestrator.transaction() as session:
        rows = list(session.scalars(select(PortalApplication)))
    found = Counter(application_of(orchestrator, row.applicant_id, row.number).status for row in rows)
    orchestrator.store.dispose()
    return found


def _open_tasks(port: int) -> Counter:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/engine/tasks",
        headers={"Authorization": f"Bearer {TOKEN_FILE.read_text().strip()}"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return Counter(task["elementId"] for task in json.load(answer))


def test_the_demo_shows_every_stage_within_a_minute_and_submits_nothing_new_twice(server):
    env, port, tmp_path = server

    first, took = _demo(env, tmp_path)

    assert first.returncode == 0, first.stdout + first.stderr
    assert took < 60, f"the demo took {took:.0f} s"
    assert f"{len(STORIES)} new application(s), 0 sent before" in first.stdout
    assert "made the demo CA" in first.stdout
    # cases at every stage: decided, heard, waiting for the NSC, and waiting for an officer
    assert _statuses(env) == {
        "license_issued": 8,
        "refused": 10,
        "not_considered": 2,
        "waiting_for_consulted_body": 1,
        "preliminary_refusal_hearing": 2,
        "under_consideration": 5,
    }
    assert _open_tasks(port) == {"officer_review": 5, "record_hearing_outcome": 2}

    again, _ = _demo(env, tmp_path)

    assert again.returncode == 0, again.stdout + again.stderr
    assert f"0 new application(s), {len(STORIES)} sent before" in again.stdout
    assert "officer:" not in again.stdout
    assert sum(_statuses(env).values()) == len(STORIES)
    assert _open_tasks(port) == {"officer_review": 5, "record_hearing_outcome": 2}
