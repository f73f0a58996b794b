"""Run registered workers in a separate process, over the Camunda 7 external-task REST API.

`licflow worker` fetches and locks tasks of its topics from `/engine-rest` (long
polling), calls the worker function, and reports the outcome as Camunda clients do:
`complete`, `bpmnError`, or `failure` with the retries left and when to retry. Numbers
for outside effects (license numbers) are allocated through `/api/engine/numbers`
under the task's idempotency key, so a re-delivered task gets the same number; a
case's documents are destroyed through `/api/engine/cases/{id}/documents/destroy` the
same way.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

import httpx

from engine.external.tasks import DEFAULT_RETRIES, retry_delay
from engine.worker import Outcome, TaskContext, WorkerRegistry, idempotency_key, run_handler
from web.camunda.variables import from_typed, to_typed

log = logging.getLogger(__name__)

LOCK_DURATION_MS = 5 * 60 * 1000
LONG_POLL_MS = 10_000  # how long a fetch waits on the engine for work
MAX_TASKS = 5
REPORT_ATTEMPTS = 3  # a report refused with 409 (the case moved at the same moment) is sent again
UNREACHABLE_WAIT_MAX = 10.0  # seconds between tries while the engine does not answer


class EngineUnavailable(Exception):
    """The engine did not answer, or answered with a server error."""


@dataclass(frozen=True)
class RemoteTask:
    """A task as fetchAndLock hands it out."""

    id: str
    case_id: str
    business_key: str | None
    topic: str
    retries: int | None
    variables: dict[str, Any]

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> RemoteTask:
        return cls(
            id=body["id"],
            case_id=body["processInstanceId"],
            business_key=body.get("businessKey"),
            topic=body["topicName"],
            retries=body.get("retries"),
            variables=from_typed(body.get("variables")),
        )

    @property
    def attempt(self) -> int:
        """The number of this delivery, counted from the retries the engine has left."""
        return 1 if self.retries is None else max(DEFAULT_RETRIES - self.retries + 1, 1)


class RemoteWorker:
    """Serves the registry's topics against a licflow (or Camunda 7) engine over HTTP."""

    def __init__(
        self,
        engine_url: str,
        token: str,
        registry: WorkerRegistry,
        worker_id: str,
        lock_duration_ms: int = LOCK_DURATION_MS,
        long_poll_ms: int = LONG_POLL_MS,
        topics: tuple[str, ...] | None = None,
    ) -> None:
        self.registry = registry
        self.worker_id = worker_id
        self.lock_duration_ms = lock_duration_ms
        self.long_poll_ms = long_poll_ms
        self.topics = tuple(sorted(topics if topics is not None else registry.handlers))
        self.http = httpx.Client(
            base_url=engine_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=httpx.Timeout(30.0, read=long_poll_ms / 1000 + 30),
        )
        self._stop = threading.Event()

    def run_once(self, long_poll_ms: int | None = None) -> int:
        """Fetch up to a few tasks (waiting up to the long poll for some), run each; return how many."""
        body = {
            "workerId": self.worker_id,
            "maxTasks": MAX_TASKS,
            "asyncResponseTimeout": self.long_poll_ms if long_poll_ms is None else long_poll_ms,
            "topics": [
                {
                    "topicName": topic,
                    "lockDuration": self.lock_duration_ms,
                    "variables": list(self.registry.handlers[topic].reads),
                }
                for topic in self.topics
            ],
        }
        fetched = self._post("/engine-rest/external-task/fetchAndLock", body)
        tasks = [RemoteTask.from_json(item) for item in fetched.json()]
        for task in tasks:
            self._handle(task)
        return len(tasks)

    def drain(self) -> int:
        """Run until no task of these topics is available now; return how many ran."""
        total = 0
        while handled := self.run_once(long_poll_ms=0):
            total += handled
        return total

    def run_forever(self) -> None:
        """Serve until `stop()`; while the engine is unreachable, try again with growing waits."""
        wait = 0.5
        while not self._stop.is_set():
            try:
                self.run_once()
                wait = 0.5
            except EngineUnavailable as error:
                log.warning("engine unavailable (%s); trying again in %.1f s", error, wait)
                self._stop.wait(wait)
                wait = min(wait * 2, UNREACHABLE_WAIT_MAX)

    def stop(self) -> None:
        """Ask `run_forever` to end after the current fetch."""
        self._stop.set()

    def close(self) -> None:
        self.http.close()

    def _handle(self, task: RemoteTask) -> None:
        key = idempotency_key(task.case_id, task.id)
        context = TaskContext(
            task_id=task.id,
            case_id=task.case_id,
            business_key=task.business_key,
            topic=task.topic,
            attempt=task.attempt,
            idempotency_key=key,
            numbers=lambda series: self._allocate_number(series, key),
            documents=lambda: self._destroy_documents(task.case_id, key),
        )
        outcome = run_handler(self.registry.handlers[task.topic], task.variables, context)
        path, body = self._report_of(task, outcome)
        self._report(task, path, body)

    def _report_of(self, task: RemoteTask, outcome: Outcome) -> tuple[str, dict[str, Any]]:
        base = f"/engine-rest/external-task/{task.id}"
        if outcome.kind == "success":
            return f"{base}/complete", {"workerId": self.worker_id, "variables": to_typed(outcome.variables)}
        if outcome.kind == "bpmn_error":
            return f"{base}/bpmnError", {
                "workerId": self.worker_id,
                "errorCode": outcome.error_code,
                "errorMessage": outcome.message,
                "variables": to_typed(outcome.variables),
            }
        left = (task.retries if task.retries is not None else DEFAULT_RETRIES) - 1
        return f"{base}/failure", {
            "workerId": self.worker_id,
            "errorMessage": outcome.message,
            "errorDetails": outcome.details,
            "retries": max(left, 0),
            "retryTimeout": int(retry_delay(task.attempt).total_seconds() * 1000),
        }

    def _report(self, task: RemoteTask, path: str, body: dict[str, Any]) -> None:
        for _ in range(REPORT_ATTEMPTS):
            answer = self._post(path, body, accept=(204, 400, 404, 409))
            if answer.status_code == 204:
                return
            if answer.status_code != 409:
                # lock lost or task gone: the engine hands it out again; effects are idempotent
                log.info("task %s: %s refused: %s", task.id, path.rsplit("/", 1)[-1], answer.text)
                return
        log.info("task %s: its case kept changing; the lock's expiry will hand it out again", task.id)

    def _allocate_number(self, series: str, key: str) -> int:
        for _ in range(REPORT_ATTEMPTS):
            answer = self._post(f"/api/engine/numbers/{series}", {"idempotencyKey": key}, accept=(200, 409))
            if answer.status_code == 200:
                return int(answer.json()["value"])
        raise EngineUnavailable(f"no number of series {series!r} could be allocated")

    def _destroy_documents(self, case_id: str, key: str) -> list[dict[str, Any]]:
        path = f"/api/engine/cases/{case_id}/documents/destroy"
        for _ in range(REPORT_ATTEMPTS):
            answer = self._post(path, {"idempotencyKey": key}, accept=(200, 409))
            if answer.status_code == 200:
                return list(answer.json()["documents"])
        raise EngineUnavailable(f"the documents of case {case_id} could not be destroyed")

    def _post(self, path: str, body: dict[str, Any], accept: tuple[int, ...] = (200,)) -> httpx.Response:
        try:
            answer = self.http.post(path, json=body)
        except httpx.HTTPError as error:
            raise EngineUnavailable(f"{path}: {error}") from error
        if answer.status_code in accept:
            return answer
        if answer.status_code == 401:
            raise SystemExit("the engine refused this worker's API token (401)")
        raise EngineUnavailable(f"{path} answered {answer.status_code}: {answer.text[:300]}")
