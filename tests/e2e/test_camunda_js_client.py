"""The official Camunda JS external-task client works against licflow's /engine-rest, unchanged.

A licflow HTTP server runs in this process on a free loopback port; `node
tools/camunda-client/sample-worker.mjs` (camunda-external-task-client-js from
package.json) serves topic "sample.check" of tests/diagrams/core_sample.bpmn with it.
The cases then move as the worker's answers say.

Missing node or node_modules skips the test locally, and fails it when CI=true.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time

import pytest
from werkzeug.serving import make_server

from tests.conftest import ROOT, read_diagram
from tests.diagrams.tooling import skip_or_fail
from tests.engine import sample
from web import create_app

pytestmark = pytest.mark.slow

WORKER = ROOT / "tools" / "camunda-client" / "sample-worker.mjs"
CLIENT_PACKAGE = ROOT / "node_modules" / "camunda-external-task-client-js" / "package.json"
TOKEN = "js-client-token-0123456789"


@pytest.fixture
def node() -> str:
    found = shutil.which("node")
    if found is None:
        skip_or_fail("node not found on PATH: install Node.js >= 20")
    if not CLIENT_PACKAGE.is_file():
        skip_or_fail(
            f"camunda-external-task-client-js not installed ({CLIENT_PACKAGE} missing): run `npm ci`"
        )
    return found


@pytest.fixture
def engine_rest(orchestrator):
    """The base URL of a licflow server in this process, with core_sample deployed."""
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    app = create_app(orchestrator, {"API_TOKENS": {"js-worker": TOKEN}})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="licflow-http", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/engine-rest"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def worker_env(base_url: str, tasks: int, auth: str) -> dict[str, str]:
    return {
        **os.environ,
        "LICFLOW_ENGINE_REST": base_url,
        "LICFLOW_API_TOKEN": TOKEN,
        "LICFLOW_AUTH": auth,
        "WORKER_TASKS": str(tasks),
        "WORKER_TIMEOUT_MS": "30000",
        "NO_COLOR": "1",
        "FORCE_COLOR": "0",
    }


def run_worker(node: str, base_url: str, tasks: int, auth: str = "basic") -> list[dict]:
    """Run the JS worker until it has handled `tasks` tasks; return what it says it did."""
    env = worker_env(base_url, tasks, auth)
    result = subprocess.run(
        [node, str(WORKER)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    return handled_lines(result.returncode, result.stdout, result.stderr)


def handled_lines(returncode: int, stdout: str, stderr: str) -> list[dict]:
    assert returncode == 0, f"worker failed ({returncode}):\n{stdout}\n{stderr}"
    return [
        json.loads(line.removeprefix("handled "))
        for line in stdout.splitlines()
        if line.startswith("handled ")
    ]


@pytest.mark.parametrize("auth", ["basic", "bearer"])
def test_the_js_client_completes_and_fails_checks_and_the_cases_move_as_it_said(
    node, engine_rest, orchestrator, auth
):
    passed = sample.start(orchestrator, "JS-1", applicant={"name": "Ann", "bin": "990101300123"})
    failed = sample.start(orchestrator, "FAIL-1")

    handled = run_worker(node, engine_rest, tasks=2, auth=auth)

    assert sorted((h["businessKey"], h["answer"]) for h in handled) == [
        ("FAIL-1", "bpmnError"),
        ("JS-1", "complete"),
    ]
    (js_1,) = [h for h in handled if h["businessKey"] == "JS-1"]
    assert js_1["types"] == {"applicant": "json", "review_due": "string"}

    assert sample.case(orchestrator, passed).status == "completed"
    assert ("element_completed", "end_skipped") in sample.history_kinds(orchestrator, passed)
    (completion,) = sample.rows(
        orchestrator, sample.HistoryEvent, case_id=passed, kind="external_task_completed"
    )
    assert completion.actor == "worker:js-sample-worker"
    assert completion.data["variables"] == {
        "skip_review": True,
        "checked_at": "2025-03-20T11:05:00.250000+00:00",
        "check": {"seen": {"name": "Ann", "bin": "990101300123"}, "passed": ["identity", "registry"]},
    }

    assert sample.case(orchestrator, failed).status == "completed"
    assert ("element_completed", "end_failed") in sample.history_kinds(orchestrator, failed)
    assert sample.rows(orchestrator, sample.Incident) == []
    assert sample.rows(orchestrator, sample.ExternalTask) == []


def test_the_js_client_waiting_in_a_long_poll_takes_a_case_started_after_it(node, engine_rest, orchestrator):
    worker = subprocess.Popen(
        [node, str(WORKER)],
        cwd=ROOT,
        env=worker_env(engine_rest, tasks=1, auth="basic"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert worker.stdout.readline().strip().endswith("subscribed to topic sample.check")
        time.sleep(0.5)  # the worker's first fetch is now waiting in its long poll
        case_id = sample.start(orchestrator, "JS-LATE")
        stdout, stderr = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()

    (handled,) = handled_lines(worker.returncode, stdout, stderr)
    assert handled["businessKey"] == "JS-LATE"
    assert sample.case(orchestrator, case_id).status == "completed"
