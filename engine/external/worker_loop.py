"""Run registered workers: fetch and lock their topics, call them, report the outcome."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy.orm.exc import StaleDataError

from engine.errors import Conflict, LicflowError
from engine.external import tasks as external_tasks
from engine.runtime import documents, numbers
from engine.worker import TaskContext, WorkerRegistry, idempotency_key, run_handler
from store.db import Store
from store.models import Case

log = logging.getLogger(__name__)
LOCK_DURATION = timedelta(minutes=5)
IDLE_WAIT = 1.0


class WorkerLoop:
    """Fetches tasks of the registry's topics from the store and runs them."""

    def __init__(
        self, store: Store, registry: WorkerRegistry, worker_id: str, lock_duration: timedelta = LOCK_DURATION
    ) -> None:
        self.store = store
        self.registry = registry
        self.worker_id = worker_id
        self.lock_duration = lock_duration
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self, max_tasks: int = 10) -> int:
        """Fetch up to `max_tasks` tasks, run each; return how many were handled."""
        with self.store.unit_of_work() as session:
            locked = external_tasks.fetch_and_lock(
                session, self.worker_id, sorted(self.registry.handlers), self.lock_duration, max_tasks
            )
            work = [
                (
                    task.id,
                    task.topic,
                    self._context(session, task),
                    external_tasks.task_variables(session, task),
                )
                for task in locked
            ]
        for task_id, topic, context, variables in work:
            self._handle(task_id, topic, context, variables)
        return len(work)

    def drain(self, limit: int = 10_000) -> int:
        """Run until no task of these topics is available now; return how many ran."""
        total = 0
        while total < limit:
            handled = self.run_once()
            if handled == 0:
                break
            total += handled
        return total

    def _handle(self, task_id, topic, context, variables) -> None:
        outcome = run_handler(self.registry.handlers[topic], variables, context)
        if outcome.kind == "success":
            self._report(external_tasks.complete, task_id, self.worker_id, outcome.variables)
        elif outcome.kind == "bpmn_error":
            self._report(
                external_tasks.bpmn_error,
                task_id,
                self.worker_id,
                outcome.error_code,
                outcome.message,
                outcome.variables,
            )
        else:
            self._report(external_tasks.failure, task_id, self.worker_id, outcome.message, outcome.details)

    def _report(self, command, *arguments) -> None:
        try:
            with self.store.unit_of_work() as session:
                command(session, *arguments)
        except (Conflict, StaleDataError) as error:
            log.info("task %s changed before its outcome was reported: %s", arguments[0], error)
        except LicflowError as error:
            log.error("reporting task %s failed: %s", arguments[0], error)
            with self.store.unit_of_work() as session:
                external_tasks.failure(session, arguments[0], self.worker_id, str(error))

    def _context(self, session, task) -> TaskContext:
        case = session.get(Case, task.case_id)
        key = idempotency_key(task.case_id, task.id)
        return TaskContext(
            task_id=task.id,
            case_id=task.case_id,
            business_key=case.business_key if case else None,
            topic=task.topic,
            attempt=task.attempts,
            idempotency_key=key,
            numbers=numbers.allocator(self.store, key),
            documents=documents.destroyer(self.store, task.case_id, key, f"worker:{self.worker_id}"),
        )

    def start(self) -> None:
        """Run in a background thread until `stop()`."""
        self._thread = threading.Thread(target=self._run, name=f"worker-{self.worker_id}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                handled = self.run_once()
            except Exception:  # keep serving; the store may be briefly unavailable
                log.exception("worker loop iteration failed")
                handled = 0
            if handled == 0:
                self._stop.wait(IDLE_WAIT)

    def wait(self) -> None:
        """Block until the loop's thread ends."""
        if self._thread is not None:
            self._thread.join()

    def stop(self) -> None:
        """Ask the loop to stop and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
