"""The engine's front door: each method is one command in one database transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import Conflict, InvalidCommand
from engine.external import tasks as external_tasks
from engine.runtime import commands, definitions, deployments, documents, messages, numbers
from engine.runtime.events import condition_starts, signals
from engine.runtime.jobs import continuations
from store.db import Store
from store.models import ExternalTask


class Orchestrator:
    """Runs commands against one store; web pages, workers and timers all go through it."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work; a concurrent change to the same case surfaces as Conflict."""
        try:
            with self.store.unit_of_work() as session:
                yield session
        except StaleDataError as error:
            raise Conflict("the case was changed by another command at the same time") from error
        except IntegrityError as error:
            raise Conflict(f"a concurrent command got there first: {error.orig}") from error
        except DataError as error:  # a value the database cannot store: too long, out of range
            raise InvalidCommand(f"a value does not fit the database: {error.orig}") from error

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A transaction that only reads: on SQLite it never waits for, nor holds, the write lock."""
        with self.store.reading() as session:
            yield session

    def ping(self) -> None:
        """Check that the database answers (a read: it never waits behind a writer)."""
        with self.store.reading() as session:
            session.execute(text("SELECT 1"))

    def deploy(self, documents: dict[str, bytes], actor: str = "system"):
        with self.transaction() as session:
            return deployments.create(session, documents, actor, source="licflow").processes

    def create_deployment(
        self,
        documents: dict[str, bytes],
        actor: str,
        name: str | None = None,
        source: str | None = None,
        duplicate_filtering: bool = False,
    ) -> deployments.DeploymentResult:
        with self.transaction() as session:
            return deployments.create(session, documents, actor, name, source, duplicate_filtering)

    def delete_deployment(self, deployment_id: str, cascade: bool, actor: str) -> None:
        with self.transaction() as session:
            deployments.delete(session, deployment_id, cascade, actor)

    def start_case(
        self,
        key: str,
        business_key: str | None = None,
        variables: dict[str, Any] | None = None,
        actor: str = "system",
    ) -> str:
        with self.transaction() as session:
            return commands.start_case(session, key, business_key, variables or {}, actor)

    def start_case_of(
        self, definition_id: int, business_key: str | None, variables: dict[str, Any], actor: str
    ) -> str:
        with self.transaction() as session:
            definition = definitions.require_live(session, definition_id)
            return commands.start_case_of(session, definition, business_key, variables, actor)

    def delete_case(self, case_id: str, reason: str | None, actor: str) -> None:
        with self.transaction() as session:
            commands.delete_case(session, case_id, reason, actor)

    def change_variables(
        self, case_id: str, modifications: dict[str, Any], deletions: list[str], actor: str
    ) -> None:
        with self.transaction() as session:
            commands.change_variables(session, case_id, modifications, deletions, actor)

    def complete_user_task(
        self, task_id: str, data: dict[str, Any], actor: str, username: str | None = None
    ) -> str:
        with self.transaction() as session:
            return commands.complete_user_task(session, task_id, data, actor, username)

    def fetch_and_lock(
        self, worker_id: str, topics: list[str], lock_duration: timedelta, max_tasks: int = 1
    ) -> list[ExternalTask]:
        with self.transaction() as session:
            return external_tasks.fetch_and_lock(session, worker_id, topics, lock_duration, max_tasks)

    def complete_external_task(self, task_id: str, worker_id: str, variables: dict[str, Any]) -> str:
        with self.transaction() as session:
            return external_tasks.complete(session, task_id, worker_id, variables)

    def fail_external_task(
        self,
        task_id: str,
        worker_id: str,
        message: str,
        details: str | None = None,
        retries: int | None = None,
        retry_timeout: timedelta | None = None,
    ) -> None:
        with self.transaction() as session:
            external_tasks.failure(session, task_id, worker_id, message, details, retries, retry_timeout)

    def bpmn_error(
        self,
        task_id: str,
        worker_id: str,
        code: str,
        message: str = "",
        variables: dict[str, Any] | None = None,
    ) -> str:
        with self.transaction() as session:
            return external_tasks.bpmn_error(session, task_id, worker_id, code, message, variables)

    def extend_lock(self, task_id: str, worker_id: str, duration: timedelta) -> None:
        with self.transaction() as session:
            external_tasks.extend_lock(session, task_id, worker_id, duration)

    def unlock(self, task_id: str) -> None:
        with self.transaction() as session:
            external_tasks.unlock(session, task_id)

    def retry_incident(self, incident_id: int, retries: int = 1, actor: str = "system") -> None:
        with self.transaction() as session:
            external_tasks.retry_incident(session, incident_id, retries, actor)

    def correlate_message(
        self,
        name: str,
        variables: dict[str, Any] | None = None,
        business_key: str | None = None,
        case_id: str | None = None,
        correlation_keys: dict[str, Any] | None = None,
        actor: str = "system",
    ) -> str:
        with self.transaction() as session:
            return messages.correlate(
                session, name, variables or {}, actor, business_key, case_id, correlation_keys
            )

    def correlate_message_to_all(
        self,
        name: str,
        variables: dict[str, Any] | None = None,
        business_key: str | None = None,
        case_id: str | None = None,
        correlation_keys: dict[str, Any] | None = None,
        actor: str = "system",
    ) -> list[str]:
        with self.transaction() as session:
            return messages.correlate_all(
                session, name, variables or {}, actor, business_key, case_id, correlation_keys
            )

    def signal(self, name: str, actor: str = "system") -> list[str]:
        """Throw signal `name` to every waiting case and signal start event; return the cases reached."""
        with self.transaction() as session:
            return signals.throw(session, name, actor)

    def evaluate_conditions(
        self,
        variables: dict[str, Any] | None = None,
        business_key: str | None = None,
        definition_id: int | None = None,
        actor: str = "system",
    ) -> list[str]:
        """Start a case at each conditional start event whose condition holds; return the case ids."""
        with self.transaction() as session:
            return condition_starts.evaluate(session, variables or {}, business_key, actor, definition_id)

    def set_job_retries(self, job_id: str, retries: int, actor: str) -> None:
        """Set the tries left of an async continuation's job; more than 0 resolves its incident."""
        with self.transaction() as session:
            continuations.set_job_retries(session, job_id, retries, actor)

    def set_external_task_retries(self, task_id: str, retries: int, actor: str) -> None:
        with self.transaction() as session:
            external_tasks.set_retries(session, task_id, retries, actor)

    def allocate_number(self, series: str, idempotency_key: str) -> int:
        with self.transaction() as session:
            return numbers.allocate(session, series, idempotency_key)

    def attach_document(self, case_id: str, document: documents.Received, actor: str):
        """Attach a document to a running case; return (its id, whether it is new)."""
        with self.transaction() as session:
            attached, created = documents.attach(session, case_id, document, actor)
            return attached.id, created

    def destroy_case_documents(self, case_id: str, idempotency_key: str, actor: str) -> list[dict[str, Any]]:
        with self.transaction() as session:
            return documents.destroy(session, case_id, idempotency_key, actor)
