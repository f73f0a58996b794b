"""Crash soak: serve and two workers, SIGKILLs at random moments, then every case and effect counted.

`make soak` (or `python -m bench.soak`) runs, on SQLite and on PostgreSQL, `licflow
serve --no-workers` and two `licflow worker` processes over a fresh database with
bench/soak.bpmn deployed: an e-mail task, a 3 s timer, an officer's review and a
payment task. The driver starts LICFLOW_SOAK_CASES cases (1000) over /api/engine and
completes their reviews; meanwhile LICFLOW_SOAK_KILLS (20) times a randomly chosen
process gets SIGKILL at a random moment and is started again at once. When every case
is done (or LICFLOW_SOAK_TIMEOUT seconds have passed) it prints cases lost, effects
repeated by cause, timers fired twice or never and their lateness, and the chain
verdict, and exits 1 if anything broke what licflow promises.

More settings: LICFLOW_SOAK_DATABASES ("SQLite,PostgreSQL"), LICFLOW_SOAK_SEED (random),
LICFLOW_SOAK_RATE (cases started per second, 20), LICFLOW_SOAK_LOCK (the workers' lock
duration in seconds, 10), LICFLOW_SOAK_EFFECT_DELAY (seconds between an effect and its
report, 0.05). Logs of every process go to a folder printed at the start.
"""

from __future__ import annotations

import logging
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from bench.databases import scratch_database
from bench.soak_report import findings, report
from bench.soak_world import LICFLOW, ROOT, Driver, OutsideWorld, Process, free_port, wait_until_serving
from store.db import Store
from store.models import Case

DIAGRAM = Path(__file__).with_name("soak.bpmn")
TOKEN_FILE = ROOT / "var" / "api-token"
WORKERS = ("w1", "w2")


def setting(name: str, default: str) -> str:
    return os.environ.get(f"LICFLOW_SOAK_{name}", default)


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the stand-ins' request lines
    cases, kills = int(setting("CASES", "1000")), int(setting("KILLS", "20"))
    seed = int(setting("SEED", str(random.randrange(1_000_000))))
    logs = Path(tempfile.mkdtemp(prefix="licflow-soak-"))
    print(f"crash soak: {cases} cases, {kills} SIGKILLs, seed {seed}, logs in {logs}", flush=True)
    healthy = True
    for kind in setting("DATABASES", "SQLite,PostgreSQL").split(","):
        with scratch_database(kind.strip()) as url:
            if url is None:
                continue
            text, ok = soak(kind.strip(), url, cases, kills, random.Random(seed), logs / kind.strip())
            print(text, flush=True)
            healthy &= ok
    return 0 if healthy else 1


def soak(kind: str, url: str, cases: int, kills: int, chance: random.Random, logs: Path) -> tuple[str, bool]:
    """Run one soak on the database at `url`; return its report and whether it kept every promise."""
    world = OutsideWorld(cases)
    environment = _environment(url, world.start(), logs)
    engine_url = f"http://127.0.0.1:{environment['LICFLOW_PORT']}"
    processes: list[Process] = []
    store = Store(url)
    try:
        token = _start_licflow(environment, engine_url, logs, processes)
        driver = Driver(engine_url, token, store, cases, float(setting("RATE", "20")))
        started = time.monotonic()
        killed = _drive(driver, chance, kills, processes, engine_url, store)
        seconds = time.monotonic() - started
    finally:
        for process in reversed(processes):
            process.stop()
        world.stop()
    incarnations = [i for process in processes if process.name in WORKERS for i in process.incarnations]
    found = findings(store, driver.keys, driver.acknowledged, world.ledger.deliveries, incarnations)
    store.dispose()
    return report(kind, found, killed, seconds), found.healthy


def _environment(url: str, outside: dict[str, str], logs: Path) -> dict[str, str]:
    """The environment of every licflow process: the database, the port, the diagram, the outside world."""
    bpmn = logs / "bpmn"
    bpmn.mkdir(parents=True)
    (bpmn / DIAGRAM.name).write_bytes(DIAGRAM.read_bytes())
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("LICFLOW_")},
        **outside,
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
        "LICFLOW_PORT": str(free_port()),
        "LICFLOW_BPMN_DIR": str(bpmn),
        "SOAK_EFFECT_DELAY": setting("EFFECT_DELAY", "0.05"),
    }


def _start_licflow(environment: dict[str, str], engine_url: str, logs: Path, processes: list) -> str:
    """Migrate and deploy, start serve and the workers (added to `processes`); return the API token."""
    init = Process("init", [LICFLOW, "init"], environment, logs / "init.log")
    init.start()
    if init.popen.wait(timeout=300) != 0:
        raise SystemExit(f"licflow init failed; see {init.log}")
    serve_command = [LICFLOW, "serve", "--no-workers", "--workers", "bench.soak_workers"]
    serve = Process("serve", serve_command, environment, logs / "serve.log")
    processes.append(serve)
    serve.start()
    wait_until_serving(engine_url, serve)
    token = TOKEN_FILE.read_text().strip()
    worker_environment = {**environment, "LICFLOW_ENGINE_URL": engine_url, "LICFLOW_API_TOKEN": token}
    for name in WORKERS:
        worker = _worker(name, worker_environment, logs)
        processes.append(worker)
        worker.start()
    return token


def _drive(
    driver: Driver, chance: random.Random, kills: int, processes, engine_url: str, store: Store
) -> Counter:
    """Start the cases and complete their reviews while killing processes; return the kills by process."""
    threads = [threading.Thread(target=driver.start_cases), threading.Thread(target=driver.complete_reviews)]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    try:
        window = len(driver.keys) / driver.per_second + 10
        killed = _kill_at_random(chance, kills, processes, engine_url, window)
        _wait_until_done(store, driver, float(setting("TIMEOUT", str(120 + len(driver.keys)))), started)
    finally:
        driver.stop.set()
        for thread in threads:
            thread.join(timeout=60)
    return killed


def _worker(name: str, environment: dict[str, str], logs: Path) -> Process:
    command = [
        LICFLOW, "worker", "--workers", "bench.soak_workers", "--topic", "soak.notify", "--topic", "soak.pay",
        "--id", "{id}", "--lock-duration", setting("LOCK", "10"),
    ]  # fmt: skip
    return Process(name, command, environment, logs / f"{name}.log")


def _kill_at_random(chance: random.Random, kills: int, processes, engine_url: str, window: float) -> Counter:
    """Kill a random process at random moments spread over `window` seconds; start each again at once."""
    moments = sorted(chance.uniform(1.0, window) for _ in range(kills))
    begun, killed = time.monotonic(), Counter()
    for moment in moments:
        time.sleep(max(0.0, begun + moment - time.monotonic()))
        victim = chance.choice(processes)
        victim.kill()
        killed[victim.name] += 1
        victim.start()
        if victim.name == "serve":
            wait_until_serving(engine_url, victim)
    return killed


def _wait_until_done(store: Store, driver: Driver, timeout: float, started: float) -> None:
    """Wait until every case the driver starts is completed, or the time is up."""
    while time.monotonic() - started < timeout:
        with store.reading() as session:
            done = session.query(Case).filter(Case.status == "completed").count()
        if done >= len(driver.keys):
            return
        time.sleep(0.5)
    print(f"  ... time is up after {timeout:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
