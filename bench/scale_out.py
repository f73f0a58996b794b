"""Scale-out: cases per second over /engine-rest with 1, 2 and 4 web processes on one database.

Each run starts a real `licflow serve --processes N --no-workers` on a loopback port against a
scratch database (PostgreSQL, the database several serving processes share; SQLite too, for
the embedded default), and 4 HTTP clients each drive cases through start, external task
lock and complete, and the history read (`bench.camunda_rest.rest_case`). The ratio is
against one web process in the same run. The machine's cores bound what more processes give.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.camunda_rest import DIAGRAM, rest_case
from bench.databases import scratch_databases

ROOT = Path(__file__).resolve().parent.parent
LICFLOW = str(Path(sys.executable).with_name("licflow"))
TOKEN_FILE = ROOT / "var" / "api-token"
CLIENTS = 4
CASES = int(os.environ.get("LICFLOW_BENCH_SCALE_CASES", "150"))  # per client: fewer, a run is too short
PROCESSES = (1, 2, 4)
TIMEOUT_S = 60  # a loaded machine answers slowly; a slow answer is not a failure
# the sample's topic is known (serve checks every topic has a worker), but served by the clients
NO_WORKERS = ("--workers", "tests.e2e.sample_workers", "--no-workers")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(database_url: str, bpmn_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "LICFLOW_BPMN_DIR": str(bpmn_dir),
        "LICFLOW_STANDINS_PORT": "0",
        "LICFLOW_MAIL_PORT": "0",
        "PYTHONPATH": str(ROOT),
    }


def _serve(
    env: dict[str, str], processes: int, port: int, log: Path, workers: tuple[str, ...] = NO_WORKERS
) -> subprocess.Popen:
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [LICFLOW, "serve", "--processes", str(processes), "--port", str(port), *workers],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"licflow serve did not answer: {log.read_text()[-2000:]}")


def _rate(port: int) -> float:
    from bench.camunda_rest import _rate as rate_of

    token = TOKEN_FILE.read_text().strip()
    base = f"http://127.0.0.1:{port}/engine-rest"
    clients = [
        httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT_S)
        for _ in range(CLIENTS)
    ]
    try:
        return rate_of(CLIENTS, lambda n, key: rest_case(clients[n], f"w{n}", key))
    finally:
        for client in clients:
            client.close()


def measure(database_url: str) -> list[tuple[int, float]]:
    """Return (web processes, cases/s) for each count in PROCESSES, on one fresh database."""
    scratch = Path(tempfile.mkdtemp(prefix="licflow-scale-"))
    bpmn_dir = scratch / "bpmn"
    bpmn_dir.mkdir()
    shutil.copy(DIAGRAM, bpmn_dir / DIAGRAM.name)
    env = _environment(database_url, bpmn_dir)
    subprocess.run([LICFLOW, "init"], cwd=ROOT, env=env, check=True, capture_output=True)
    results = []
    for processes in PROCESSES:
        port = _free_port()
        server = _serve(env, processes, port, scratch / f"serve-{processes}.log")
        try:
            results.append((processes, _rate(port)))
        finally:
            server.terminate()
            server.wait(timeout=60)
    shutil.rmtree(scratch, ignore_errors=True)
    return results


def main() -> None:
    print(f"scale-out over /engine-rest, {CLIENTS} clients x {CASES} cases (cases/s; ratio to 1 process)")
    print(f"{'database':<11} {'processes':>9} {'cases/s':>9} {'ratio':>7}")
    for label, url in scratch_databases():
        print(f"  ... {label}: running", file=sys.stderr, flush=True)
        results = measure(url)
        one = results[0][1]
        for processes, rate in results:
            print(f"{label:<11} {processes:>9} {rate:>9.1f} {rate / one:>7.2f}")


if __name__ == "__main__":
    main()
