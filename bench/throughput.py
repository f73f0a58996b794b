"""Durable throughput against SpiffWorkflow itself, on one diagram, in the same run.

The diagram (`bench/diagrams/throughput.bpmn`, written as Camunda Modeler saves it) has five
script tasks, two external tasks, a user task and an exclusive split. "raw" runs it with
SpiffWorkflow in memory, with licflow's parser and script engine, completing the external and
user tasks by hand; the engine's Python API runs the same instances durably (one transaction a
command, state, projections and history together); "HTTP" runs them through /engine-rest of a
real `licflow serve` (gunicorn, one web process per core) with 4 client threads, each instance
being start, lock and complete the check, complete the review, lock and complete the notice.
Ratios are instances/s against raw, measured in the same run.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from bench.clients import rate_of
from bench.databases import scratch_databases
from bench.scale_out import TOKEN_FILE, _environment, _free_port, _serve
from engine.dialect.expressions import shared_script_engine
from engine.dialect.parser import ExternalServiceTask, parse_documents
from engine.orchestrator import Orchestrator
from engine.people.queries import open_user_tasks
from store.db import Store
from store.migrate import upgrade

DIAGRAM = Path(__file__).parent / "diagrams" / "throughput.bpmn"
INSTANCES = int(os.environ.get("LICFLOW_BENCH_INSTANCES", "600"))
LOCK = timedelta(minutes=5)
HTTP_CLIENTS = 4
WORKERS = ("--workers", "bench.throughput_workers", "--no-workers")  # the clients do the tasks


def raw_instances_per_second(instances: int) -> float:
    """Run the diagram with SpiffWorkflow in memory; return instances/s."""
    parser = parse_documents({DIAGRAM.name: DIAGRAM.read_bytes()})
    spec, subprocess_specs = parser.get_spec("throughput"), parser.get_subprocess_specs("throughput")
    started = time.perf_counter()
    for number in range(instances):
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=shared_script_engine())
        workflow.get_tasks(state=TaskState.READY)[0].data.update({"amount": number})
        workflow.do_engine_steps()
        while not workflow.completed:
            _advance_by_hand(workflow)
    return instances / (time.perf_counter() - started)


def steady_raw_rate(instances: int, runs: int = 3) -> float:
    """Return raw's best rate of `runs` runs: one run of raw is a fraction of a second, and noisy."""
    return max(raw_instances_per_second(instances) for _ in range(runs))


def _advance_by_hand(workflow: BpmnWorkflow) -> None:
    for task in workflow.get_tasks(state=TaskState.STARTED):
        if isinstance(task.task_spec, ExternalServiceTask):
            task.complete()
    for task in workflow.get_tasks(state=TaskState.READY, manual=True):
        task.data.update({"approved": True})
        task.run()
    workflow.do_engine_steps()


def durable_instances_per_second(orchestrator: Orchestrator, instances: int) -> float:
    """Run the diagram through the engine's Python API; return instances/s."""
    orchestrator.deploy({DIAGRAM.name: DIAGRAM.read_bytes()})
    started = time.perf_counter()
    for number in range(instances):
        case_id = orchestrator.start_case("throughput", f"T-{number}", {"amount": number}, actor="bench")
        _complete_external(orchestrator, "bench.check")
        with orchestrator.transaction() as session:
            review = next(t for t in open_user_tasks(session, "officers", limit=10) if t.case_id == case_id)
        orchestrator.complete_user_task(review.id, {"approved": True}, "bench")
        _complete_external(orchestrator, "bench.notify")
    return instances / (time.perf_counter() - started)


def _complete_external(orchestrator: Orchestrator, topic: str) -> None:
    (task,) = orchestrator.fetch_and_lock("bench", [topic], LOCK)
    orchestrator.complete_external_task(task.id, "bench", {})


def http_instance(http: httpx.Client, worker: str, number: int) -> None:
    """Run one instance through /engine-rest, as a Camunda client would."""
    body = {
        "businessKey": f"H-{worker}-{number}",
        "variables": {"amount": {"value": number, "type": "Integer"}},
    }
    case_id = http.post("/process-definition/key/throughput/start", json=body).raise_for_status().json()["id"]
    _complete_over_http(http, worker, case_id, "bench.check")
    (task,) = http.get("/task", params={"processInstanceId": case_id}).raise_for_status().json()
    approved = {"variables": {"approved": {"value": True, "type": "Boolean"}}}
    http.post(f"/task/{task['id']}/complete", json=approved).raise_for_status()
    _complete_over_http(http, worker, case_id, "bench.notify")


def _complete_over_http(http: httpx.Client, worker: str, case_id: str, topic: str) -> None:
    query = {"processInstanceId": case_id, "topicName": topic}
    (task,) = http.get("/external-task", params=query).raise_for_status().json()
    lock = {"workerId": worker, "lockDuration": 60000}
    http.post(f"/external-task/{task['id']}/lock", json=lock).raise_for_status()
    http.post(f"/external-task/{task['id']}/complete", json={"workerId": worker}).raise_for_status()


def http_instances_per_second(url: str, instances: int) -> float:
    """Serve the database with `licflow serve` and run the instances from HTTP_CLIENTS threads."""
    scratch = Path(tempfile.mkdtemp(prefix="licflow-throughput-"))
    (scratch / "bpmn").mkdir()
    shutil.copy(DIAGRAM, scratch / "bpmn" / DIAGRAM.name)
    env = _environment(url, scratch / "bpmn")
    port = _free_port()
    server = _serve(env, os.cpu_count() or 1, port, scratch / "serve.log", WORKERS)
    try:
        token = TOKEN_FILE.read_text().strip()
        base = f"http://127.0.0.1:{port}/engine-rest"
        clients = [
            httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60)
            for _ in range(HTTP_CLIENTS)
        ]
        per_client = max(instances // HTTP_CLIENTS, 1)
        try:
            rate = rate_of(HTTP_CLIENTS, per_client, lambda n, i: http_instance(clients[n], f"w{n}", i))
        finally:
            for client in clients:
                client.close()
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(scratch, ignore_errors=True)
    return rate


def main() -> None:
    print(f"durable throughput, {INSTANCES} instances of a 12-element diagram (instances/s)")
    print("raw = SpiffWorkflow in memory, its best of 3 runs just before each run (the machine is shared)")
    print(f"{'run':<30} {'raw/s':>8} {'instances/s':>12} {'ratio':>7}")
    for label, url in scratch_databases():
        upgrade(url)
        store = Store(url)
        print(f"  ... {label}: running", file=sys.stderr, flush=True)
        raw = steady_raw_rate(INSTANCES)
        durable = durable_instances_per_second(Orchestrator(store), INSTANCES)
        store.dispose()
        print(f"{'engine API, ' + label:<30} {raw:8.1f} {durable:12.1f} {durable / raw:7.2f}")
        raw = steady_raw_rate(INSTANCES)
        over_http = http_instances_per_second(url, INSTANCES)
        run = f"HTTP, {HTTP_CLIENTS} clients, {label}"
        print(f"{run:<30} {raw:8.1f} {over_http:12.1f} {over_http / raw:7.2f}")


if __name__ == "__main__":
    from licflow.wiring import install_procedure

    install_procedure()
    main()
