"""The crash soak's world: outside systems that note every effect, the processes it kills, its driver.

The soak's own process runs the outside systems: the SMTP sink and the payment gateway
stand-in, each noting every delivery (an e-mail or a payment use sent again is noted
again, though the sink keeps it once and the gateway answers it the same). It starts
`licflow serve --no-workers` and two `licflow worker` processes, kills them with
SIGKILL and starts each again as a new incarnation with a new worker id. Its driver
starts the cases over `/api/engine` and completes their reviews as an officer would.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from standins.app import create_app as create_standins
from standins.mail import MailSink
from standins.server import StandInServer
from store.db import Store
from store.models import Case

ROOT = Path(__file__).resolve().parent.parent
LICFLOW = str(Path(sys.executable).with_name("licflow"))
HEADER = "X-Soak-Worker"
APPLICANT = "990000000001"
READY_TIMEOUT = 60.0


@dataclass(frozen=True)
class Delivery:
    """One outside effect as it arrived: what, under which key, from which worker incarnation, when."""

    kind: str  # e-mail, payment use
    key: str  # the task's idempotency key
    worker: str
    at: float  # time.time()


class Ledger:
    """Every delivery the outside systems received, in order of arrival."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self._lock = threading.Lock()

    def note(self, kind: str, key: str, worker: str) -> None:
        with self._lock:
            self.deliveries.append(Delivery(kind, key, worker, time.time()))


class CountingMailSink(MailSink):
    """The SMTP sink; each message is also noted in the ledger, a message sent again too."""

    def __init__(self, ledger: Ledger) -> None:
        super().__init__()
        self.ledger = ledger

    def keep(self, message, content: bytes) -> bool:
        found = re.fullmatch(r"<(.+)@licflow>", (message.get("Message-ID") or "").strip())
        key = found.group(1).replace(".", ":", 1) if found else "?"  # the idempotency key, "." for ":"
        self.ledger.note("e-mail", key, message.get(HEADER) or "?")
        return super().keep(message, content)


class CountingPayments:
    """WSGI middleware around the payment gateway stand-in noting every payment use asked for."""

    def __init__(self, app, ledger: Ledger) -> None:
        self.app, self.ledger = app, ledger

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"].endswith("/use"):
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            key = json.loads(body or b"{}").get("idempotency_key") or "?"
            self.ledger.note("payment use", key, environ.get("HTTP_X_SOAK_WORKER", "?"))
        return self.app(environ, start_response)


def payment_reference(number: int) -> str:
    return f"SOAK-{number:06d}"


class OutsideWorld:
    """The SMTP sink and the payment gateway stand-in, with one paid fee per case."""

    def __init__(self, cases: int) -> None:
        self.ledger = Ledger()
        self.mail = CountingMailSink(self.ledger)
        payments = [
            {"reference": payment_reference(n), "amount": 43250, "paid_on": "2026-01-05", "used_by": None}
            for n in range(cases)
        ]
        seed = {
            "applicants": [
                {"id": APPLICANT, "kind": "legal_entity", "name": "Soak LLP", "payments": payments}
            ]
        }
        app = create_standins(seed, {"DELIVER_IN_BACKGROUND": False})
        app.wsgi_app = CountingPayments(app.wsgi_app, self.ledger)
        self.gateway = StandInServer(app)

    def start(self) -> dict[str, str]:
        """Start both; return the environment that points licflow's workers at them."""
        self.mail.start()
        self.gateway.start()
        return {
            "LICFLOW_OUTSIDE_URL": self.gateway.url,
            "LICFLOW_SMTP_URL": f"smtp://127.0.0.1:{self.mail.port}",
        }

    def stop(self) -> None:
        self.gateway.stop()
        self.mail.stop()


@dataclass
class Incarnation:
    """One run of a process between its start and its end."""

    worker_id: str
    started_at: float
    killed_at: float | None = None


@dataclass
class Process:
    """`licflow serve` or one `licflow worker`, started again as a new incarnation after each kill."""

    name: str
    command: list[str]
    environment: dict[str, str]
    log: Path
    incarnations: list[Incarnation] = field(default_factory=list)
    popen: subprocess.Popen | None = None

    @property
    def current(self) -> Incarnation:
        return self.incarnations[-1]

    def start(self) -> None:
        incarnation = Incarnation(f"{self.name}-{len(self.incarnations) + 1}", time.time())
        self.incarnations.append(incarnation)
        command = [part.replace("{id}", incarnation.worker_id) for part in self.command]
        environment = {**self.environment, "SOAK_WORKER": incarnation.worker_id}
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                command,
                cwd=ROOT,
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind."""
        os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)
        self.current.killed_at = time.time()

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=30)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, process: Process) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise SystemExit(f"licflow serve ended early; see {process.log}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"licflow serve did not answer in {READY_TIMEOUT} s; see {process.log}")


class Driver:
    """Starts the cases and completes their reviews over /api/engine, retrying while the server is down."""

    def __init__(self, engine_url: str, token: str, store: Store, cases: int, per_second: float) -> None:
        self.engine_url, self.token, self.store = engine_url, token, store
        self.keys = [f"SOAK-{n:06d}" for n in range(cases)]
        self.per_second = per_second
        self.acknowledged: set[str] = set()
        self.stop = threading.Event()

    def start_cases(self) -> None:
        """Start every case once: a start whose answer was lost is looked up before it is sent again."""
        for number, key in enumerate(self.keys):
            body = {
                "businessKey": key,
                "variables": {
                    "applicant_email": f"{key.lower()}@soak.example",
                    "payment_reference": payment_reference(number),
                },
            }
            while not self.stop.is_set():
                status = self._post("/api/engine/process/soak/start", body)
                if status == 201:
                    self.acknowledged.add(key)
                    break
                if status is None and self._exists(key):
                    break
                time.sleep(0.2)
            time.sleep(1 / self.per_second)

    def complete_reviews(self) -> None:
        """Complete every open review as an officer would, until told to stop."""
        while not self.stop.is_set():
            tasks = self._get("/api/engine/tasks?group=officers") or []
            for task in tasks:
                self._post(f"/api/engine/tasks/{task['id']}/complete", {"variables": {"approved": True}})
            self.stop.wait(0.2 if tasks else 0.5)

    def _exists(self, key: str) -> bool:
        with self.store.reading() as session:
            return session.scalar(select(Case.id).where(Case.business_key == key)) is not None

    def _request(self, path: str, body: dict | None):
        request = urllib.request.Request(
            self.engine_url + path,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            method="GET" if body is None else "POST",
        )
        return urllib.request.urlopen(request, timeout=30)

    def _post(self, path: str, body: dict) -> int | None:
        try:
            with self._request(path, body) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code
        except (OSError, http.client.HTTPException):
            return None  # no answer: the server is down, or died while answering

    def _get(self, path: str):
        try:
            with self._request(path, None) as answer:
                return json.load(answer)
        except (OSError, http.client.HTTPException, ValueError):
            return None  # no (whole) answer: the server is down, or died while answering
