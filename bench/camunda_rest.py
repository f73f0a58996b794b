"""Cases per second through /engine-rest with 1 and 4 clients, beside the same through the Python API.

One case is: start it (skipping its review), complete its external task, read its
historic process instance. Over REST a client does that with HTTP calls to a licflow
server on a loopback port (token auth); through the Python API it calls the
orchestrator. Both run in the same run against the same scratch database.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import httpx
from werkzeug.serving import make_server

from bench.clients import rate_of
from bench.databases import scratch_databases
from engine.history import logs
from engine.orchestrator import Orchestrator
from store.db import Store
from store.migrate import upgrade
from web import create_app

ROOT = Path(__file__).resolve().parent.parent
DIAGRAM = ROOT / "tests" / "diagrams" / "core_sample.bpmn"
CASES = int(os.environ.get("LICFLOW_BENCH_REST_CASES", "60"))  # per client
TOKEN = "bench-token-0123456789"
VARIABLES = {"review_due": "2030-01-01T09:00:00+00:00", "due": "2029-12-31T13:30:00+00:00"}
TOPIC = "sample.check"


def rest_case(http: httpx.Client, worker: str, key: str) -> None:
    """Start, complete and read back one case over HTTP."""
    body = {
        "businessKey": key,
        "variables": {n: {"value": v, "type": "String"} for n, v in VARIABLES.items()},
    }
    case_id = (
        http.post("/process-definition/key/core_sample/start", json=body).raise_for_status().json()["id"]
    )
    (task,) = http.get("/external-task", params={"processInstanceId": case_id}).raise_for_status().json()
    http.post(
        f"/external-task/{task['id']}/lock", json={"workerId": worker, "lockDuration": 60000}
    ).raise_for_status()
    done = {"workerId": worker, "variables": {"skip_review": {"value": True, "type": "Boolean"}}}
    http.post(f"/external-task/{task['id']}/complete", json=done).raise_for_status()
    (record,) = (
        http.get("/history/process-instance", params={"processInstanceId": case_id}).raise_for_status().json()
    )
    assert record["state"] == "COMPLETED", record


def api_case(orchestrator: Orchestrator, worker: str, key: str) -> None:
    """Start, complete and read back one case through the orchestrator."""
    case_id = orchestrator.start_case("core_sample", key, dict(VARIABLES))
    with orchestrator.transaction() as session:
        from store.models import ExternalTask

        task_id = session.query(ExternalTask.id).filter_by(case_id=case_id).scalar()
    with orchestrator.transaction() as session:
        from engine.external import remote as remote_tasks

        remote_tasks.lock(session, task_id, worker, timedelta(minutes=1))
    orchestrator.complete_external_task(task_id, worker, {"skip_review": True})
    with orchestrator.transaction() as session:
        (record,) = logs.case_records(session, case_id=case_id)
    assert record.case.status == "completed"


def _rate(clients: int, run_one) -> float:
    """Run CASES cases per client on `clients` threads; return cases per second."""
    return rate_of(
        clients, CASES, lambda number, n: run_one(number, f"B-{clients}-{number}-{n}-{time.monotonic_ns()}")
    )


def measure(orchestrator: Orchestrator) -> list[tuple[str, int, float]]:
    """Return (way, clients, cases/s) for REST and the Python API with 1 and 4 clients."""
    orchestrator.deploy({DIAGRAM.name: DIAGRAM.read_bytes()})
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request would drown the table
    app = create_app(orchestrator, {"API_TOKENS": {"bench": TOKEN}})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/engine-rest"
    results = []
    try:
        for clients in (1, 4):
            https = [
                httpx.Client(base_url=base, headers={"Authorization": f"Bearer {TOKEN}"})
                for _ in range(clients)
            ]
            results.append(
                (
                    "REST",
                    clients,
                    _rate(clients, lambda n, key, https=https: rest_case(https[n], f"w{n}", key)),
                )
            )
            for http in https:
                http.close()
            results.append(
                ("Python API", clients, _rate(clients, lambda n, key: api_case(orchestrator, f"w{n}", key)))
            )
    finally:
        server.shutdown()
        server.server_close()
    return results


def main() -> None:
    print(f"start + complete + history read, {CASES} cases per client (cases per second)")
    print(f"{'database':<11} {'way':<11} {'clients':>7} {'cases/s':>9}")
    for label, url in scratch_databases():
        upgrade(url)
        store = Store(url)
        print(f"  ... {label}: running", file=sys.stderr, flush=True)
        for way, clients, rate in measure(Orchestrator(store)):
            print(f"{label:<11} {way:<11} {clients:>7} {rate:>9.1f}")
        store.dispose()


if __name__ == "__main__":
    from licflow.wiring import install_procedure

    install_procedure()
    main()
