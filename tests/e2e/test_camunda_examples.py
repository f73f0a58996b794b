"""The example diagrams of Camunda's external-task clients, and a diagram mixing what runs, go start to end.

A licflow server runs in this process on a loopback port. Each diagram (tests/dialect/diagrams,
re-drawn as Camunda Modeler saves them) is deployed as the Modeler deploys it, through
POST /engine-rest/deployment/create; cases start through the REST API; the official
camunda-external-task-client-python3 serves every topic; user tasks, messages and signals
go through the REST API as a Camunda client sends them.

The examples as published rely on Camunda Spin (`${creditScores.elements()}`,
`${score.numberValue() > 5}`) and on a script input parameter; licflow's expressions read
lists and numbers as they are, so the re-drawn diagrams say `${creditScores}` and
`${score > 5}`, and the worker brings the default score itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import requests
import time_machine
from camunda.external_task.external_task_worker import ExternalTaskWorker
from werkzeug.serving import make_server

from engine.runtime.timers import fire_due_timers
from tests.conftest import ROOT
from tests.diagrams.tooling import skip_or_fail
from tests.dialect.drive import DIAGRAMS
from web import create_app

pytestmark = pytest.mark.slow
TOKEN = "examples-token-0123456789"
AUTH = ("examples", TOKEN)


class Refused(Exception):
    """The engine refused a deployment (400), with its message."""


class EngineRest:
    """licflow's /engine-rest, spoken to as Camunda Modeler, Cockpit-like clients and workers do."""

    def __init__(self, url: str):
        self.url = url

    def call(self, method: str, path: str, **kwargs):
        response = requests.request(method, self.url + path, auth=AUTH, timeout=30, **kwargs)
        assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    def deploy(self, *names: str) -> dict:
        """Deploy diagrams as the Modeler's deploy button does: one multipart form."""
        form = {
            "deployment-name": names[0],
            "deployment-source": "Camunda Modeler",
            "deploy-changed-only": "false",
        }
        files = {}
        for name in names:
            suffix = ".dmn" if (DIAGRAMS / f"{name}.dmn").is_file() else ".bpmn"
            files[f"{name}{suffix}"] = (f"{name}{suffix}", (DIAGRAMS / f"{name}{suffix}").read_bytes())
        response = requests.post(
            self.url + "/deployment/create", auth=AUTH, data=form, files=files, timeout=30
        )
        if response.status_code == 400:
            raise Refused(response.json()["message"])
        assert response.status_code == 200, response.text
        return response.json()

    def start(self, key: str, business_key: str, variables: dict | None = None) -> str:
        body = {"businessKey": business_key, "variables": typed(variables or {})}
        return self.call("POST", f"/process-definition/key/{key}/start", json=body)["id"]

    def state(self, instance_id: str) -> str:
        return self.call("GET", f"/history/process-instance/{instance_id}")["state"]

    def activities(self, instance_id: str) -> list[str]:
        """The ids of the activities the case went through, in the order they started."""
        found = self.call(
            "GET",
            "/history/activity-instance",
            params={"processInstanceId": instance_id, "sortBy": "startTime", "sortOrder": "asc"},
        )
        return [a["activityId"] for a in found]

    def variables(self, instance_id: str) -> dict:
        found = self.call("GET", "/history/variable-instance", params={"processInstanceId": instance_id})
        return {v["name"]: v["value"] for v in found}

    def tasks(self, instance_id: str) -> list[dict]:
        return self.call("GET", "/task", params={"processInstanceId": instance_id})

    def complete_task(self, instance_id: str, key: str, variables: dict | None = None) -> None:
        (task,) = [t for t in self.tasks(instance_id) if t["taskDefinitionKey"] == key]
        self.call("POST", f"/task/{task['id']}/complete", json={"variables": typed(variables or {})})

    def correlate(self, message: str, business_key: str, variables: dict | None = None) -> None:
        body = {
            "messageName": message,
            "businessKey": business_key,
            "processVariables": typed(variables or {}),
        }
        self.call("POST", "/message", json=body)

    def signal(self, name: str) -> None:
        self.call("POST", "/signal", json={"name": name})


def typed(variables: dict) -> dict:
    """Variables as a Camunda REST client sends them: {name: {value, type}}, lists and maps as Json."""
    kinds = {bool: "Boolean", int: "Long", float: "Double", str: "String"}
    return {
        name: {"value": value, "type": kinds[type(value)]}
        if type(value) in kinds
        else {"value": json.dumps(value), "type": "Json"}
        for name, value in variables.items()
    }


@pytest.fixture
def rest(orchestrator):
    app = create_app(orchestrator, {"API_TOKENS": {"examples": TOKEN}})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield EngineRest(f"http://127.0.0.1:{server.server_port}/engine-rest")
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def serve(rest: EngineRest, topic: str, handler: Callable) -> int:
    """Let the Python client fetch the tasks of `topic` once and handle each; return how many it handled."""
    handled = []

    def action(task):
        handled.append(task.get_task_id())
        return handler(task)

    worker = ExternalTaskWorker(
        "examples-worker",
        rest.url,
        {
            "auth_basic": {"username": AUTH[0], "password": TOKEN},
            "maxTasks": 10,
            "asyncResponseTimeout": 200,
            "lockDuration": 60000,
            "sleepSeconds": 0,
        },
    )
    worker.fetch_and_execute(topic, action)
    return len(handled)


LOAN_WORKER = ROOT / "tools" / "camunda-client" / "loan-worker.mjs"
JS_CLIENT = ROOT / "node_modules" / "camunda-external-task-client-js" / "package.json"


def test_the_js_client_grants_and_rejects_the_loans_of_the_loan_granting_example(rest):
    node = shutil.which("node")
    if node is None or not JS_CLIENT.is_file():
        skip_or_fail(
            "node and camunda-external-task-client-js are needed: install Node.js >= 20, run `npm ci`"
        )
    rest.deploy("camunda_loan_granting")
    instance = rest.start("loan_granting", "LOAN-JS")

    env = {**os.environ, "LICFLOW_ENGINE_REST": rest.url, "LICFLOW_API_TOKEN": TOKEN, "WORKER_TASKS": "6"}
    run = subprocess.run(
        [node, str(LOAN_WORKER)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert run.returncode == 0, f"worker failed ({run.returncode}):\n{run.stdout}\n{run.stderr}"
    handled = [
        json.loads(line.removeprefix("handled "))
        for line in run.stdout.splitlines()
        if line.startswith("handled ")
    ]
    assert sorted((h["topic"], h.get("score")) for h in handled) == [
        ("creditScoreChecker", None),
        ("loanGranter", 9),
        ("loanGranter", 10),
        ("requestRejecter", 1),
        ("requestRejecter", 4),
        ("requestRejecter", 5),
    ]
    assert rest.state(instance) == "COMPLETED"


def test_the_loan_granting_example_grants_good_scores_and_rejects_bad_ones(rest):
    rest.deploy("camunda_loan_granting")
    instance = rest.start("loan_granting", "LOAN-1")

    checked = serve(
        rest,
        "creditScoreChecker",
        lambda task: task.complete({"creditScores": [task.get_variable("defaultScore") or 5, 9, 1, 4, 10]}),
    )
    granted = serve(rest, "loanGranter", lambda task: task.complete({}))
    rejected = serve(rest, "requestRejecter", lambda task: task.complete({}))

    assert (checked, granted, rejected) == (1, 2, 3)
    assert rest.state(instance) == "COMPLETED"
    ends = rest.activities(instance)
    assert (ends.count("loan_granted"), ends.count("loan_rejected")) == (2, 3)


def test_the_order_example_stores_the_invoice_once_the_order_has_a_date(rest):
    rest.deploy("camunda_order")
    instance = rest.start("order_handling", "ORDER-1")

    created = serve(
        rest,
        "invoiceCreator",
        lambda task: task.complete(
            {"invoice": "Invoice 2030-0001: 3 crates", "date": "2030-03-04T09:00:00Z"}
        ),
    )

    assert created == 1
    assert rest.state(instance) == "COMPLETED"
    assert "invoice_stored" in rest.activities(instance)


def _complete(variables: dict) -> Callable:
    return lambda task: task.complete(variables)


def test_a_diagram_of_thirty_elements_runs_start_to_end_with_workers_on_the_rest_api(rest, orchestrator):
    rest.deploy("camunda_showcase_payment")
    rest.deploy("camunda_showcase", "showcase_fee")
    instance = rest.start("camunda_showcase", "SHOW-1")

    registered = {"quantity": 12, "approvers": ["ann", "bob"], "needsLab": True}
    assert serve(rest, "showcase.register", _complete(registered)) == 1
    assert serve(rest, "showcase.charge", _complete({"paid": True})) == 1  # fee 50 from the decision
    approvals = [t for t in rest.tasks(instance) if t["taskDefinitionKey"] == "approve"]
    assert len(approvals) == 2
    rest.correlate("showcase_question", "SHOW-1", {"question": "When?"})
    for approval in approvals:
        rest.call("POST", f"/task/{approval['id']}/complete", json={"variables": typed({"approved": True})})
    assert serve(rest, "showcase.inspect", _complete({"goodsInOrder": True})) == 1
    assert serve(rest, "showcase.lab", _complete({"labPassed": True})) == 1
    rest.complete_task(instance, "answer_question", {"answer": "Soon"})
    rest.correlate("showcase_documents", "SHOW-1", {"documents": 3})
    rest.signal("showcase_embargo_lifted")
    with time_machine.travel(datetime.now(UTC) + timedelta(days=2)):  # the day to object has passed
        assert fire_due_timers(orchestrator.store) == 1
        assert serve(rest, "showcase.notify", _complete({"notified": True})) == 1

    assert rest.state(instance) == "COMPLETED"
    variables = rest.variables(instance)
    assert (variables["fee"], variables["licence_number"], variables["answer"]) == (50, "KZ-12-50", "Soon")
    went = rest.activities(instance)
    for element in ("from_checks", "number_licence", "print_licence", "embargo_lifted", "cooling_off"):
        assert element in went, element
    assert "visit_site" not in went and "rejected" not in went


def test_a_worker_error_at_registration_ends_the_showcase_at_its_error_boundary(rest):
    rest.deploy("camunda_showcase_payment")
    rest.deploy("camunda_showcase", "showcase_fee")
    instance = rest.start("camunda_showcase", "SHOW-2")

    serve(rest, "showcase.register", lambda task: task.bpmn_error("NOT_REGISTRABLE", "banned goods"))

    assert rest.state(instance) == "COMPLETED"
    variables = rest.variables(instance)
    assert (variables["rejection"], variables["reason"]) == ("NOT_REGISTRABLE", "banned goods")
    assert "rejected" in rest.activities(instance)
