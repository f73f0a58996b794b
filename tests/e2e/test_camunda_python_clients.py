"""Python Camunda clients work against licflow's /engine-rest unchanged: pycamunda and the task worker.

A licflow HTTP server runs in this process on a loopback port. `pycamunda` deploys
core_sample, starts a case, lists and completes its task, correlates the message and
reads the history (pycamunda has no history calls: its own request class reads
/history/process-instance); `camunda-external-task-client-python3` completes the
external task in between.
"""

from __future__ import annotations

import threading

import pycamunda.base
import pycamunda.deployment
import pycamunda.message
import pycamunda.processdef
import pycamunda.task
import pytest
import requests
from camunda.external_task.external_task_worker import ExternalTaskWorker
from werkzeug.serving import make_server

from tests.conftest import DIAGRAMS
from tests.engine import sample
from web import create_app

pytestmark = pytest.mark.slow
TOKEN = "python-clients-token-0123456789"


@pytest.fixture
def engine_rest(orchestrator):
    app = create_app(orchestrator, {"API_TOKENS": {"python": TOKEN}})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/engine-rest"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def call(request):
    request.auth = requests.auth.HTTPBasicAuth("python", TOKEN)
    return request()


class HistoricInstances(pycamunda.base.CamundaRequest):
    """GET /history/process-instance, built on pycamunda's own request class."""

    def __init__(self, url: str, business_key: str):
        super().__init__(url=url + "/history/process-instance")
        self.business_key = business_key

    def query_parameters(self, apply=...):
        return {"processInstanceBusinessKey": self.business_key}

    def __call__(self, *args, **kwargs):
        return super().__call__(pycamunda.base.RequestMethod.GET).json()


def complete_checks_with_the_python_worker(url: str, skip_review: bool) -> list[str]:
    done = []

    def handle(task):
        done.append(task.get_task_id())
        return task.complete({"skip_review": skip_review})

    worker = ExternalTaskWorker(
        "python-worker",
        url,
        {
            "auth_basic": {"username": "python", "password": TOKEN},
            "maxTasks": 1,
            "asyncResponseTimeout": 5000,
            "lockDuration": 60000,
        },
    )
    worker.fetch_and_execute("sample.check", handle)
    return done


def test_pycamunda_deploys_starts_lists_completes_correlates_and_reads_history(engine_rest, orchestrator):
    create = pycamunda.deployment.Create(engine_rest, name="core", source="pycamunda")
    with (DIAGRAMS / "core_sample.bpmn").open("rb") as diagram:
        create.add_resource(diagram)
        deployment = call(create)
    (definition,) = deployment.deployed_process_definitions.values()

    start = pycamunda.processdef.StartInstance(engine_rest, key="core_sample", business_key="PY-1")
    start.add_variable("review_due", sample.REVIEW_DUE)
    start.add_variable("due", sample.DUE)
    instance = call(start)
    handled = complete_checks_with_the_python_worker(engine_rest, skip_review=False)
    (task,) = call(pycamunda.task.GetList(engine_rest, process_instance_id=instance.id_))
    complete = pycamunda.task.Complete(engine_rest, id_=task.id_)
    complete.add_variable("approved", True)
    call(complete)
    call(
        pycamunda.message.CorrelateSingle(
            engine_rest, message_name="answer", business_key="PY-1", result_enabled=True
        )
    )
    (historic,) = call(HistoricInstances(engine_rest, "PY-1"))

    assert definition.key == "core_sample" and instance.definition_id == definition.id_
    assert len(handled) == 1 and task.task_definition_key == "review"
    assert historic["state"] == "COMPLETED"
    assert sample.case(orchestrator, instance.id_).status == "completed"


def test_the_python_external_task_worker_completes_a_task_and_the_case_moves(engine_rest, orchestrator):
    orchestrator.deploy({"core_sample.bpmn": (DIAGRAMS / "core_sample.bpmn").read_bytes()})
    case_id = sample.start(orchestrator, "PY-2")

    handled = complete_checks_with_the_python_worker(engine_rest, skip_review=True)

    assert len(handled) == 1
    assert sample.case(orchestrator, case_id).status == "completed"
