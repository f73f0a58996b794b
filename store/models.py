"""Tables of the orchestrator: definitions, cases, their projections and history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# BIGINT on PostgreSQL, INTEGER (so it is the rowid alias) on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Declarative base of every licflow table."""

    type_annotation_map = {datetime: DateTime(timezone=True), dict[str, Any]: JSON}


class Deployment(Base):
    """Files deployed together (as Camunda Modeler or `licflow deploy` sent them), kept as sent."""

    __tablename__ = "deployments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(400))
    source: Mapped[str | None] = mapped_column(String(400))
    resources: Mapped[dict[str, Any]]  # file name -> text of every file deployed
    deployed_at: Mapped[datetime]
    deployed_by: Mapped[str] = mapped_column(String(200))
    deleted_at: Mapped[datetime | None]  # its definitions start no more cases; rows stay for history
    deleted_by: Mapped[str | None] = mapped_column(String(200))


class ProcessDefinition(Base):
    """One deployed version of a process; its parsed spec is shared by all its cases."""

    __tablename__ = "process_definitions"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int]
    name: Mapped[str | None] = mapped_column(String(400))
    content_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[dict[str, Any]]  # file name -> XML text of every file deployed together
    spec: Mapped[str] = mapped_column(Text)  # serialized SpiffWorkflow spec, stored once
    deployed_at: Mapped[datetime]
    deployed_by: Mapped[str] = mapped_column(String(200))
    deployment_id: Mapped[str | None] = mapped_column(ForeignKey("deployments.id"), index=True)


class DecisionDefinition(Base):
    """One deployed version of a decision table (a .dmn file's decision)."""

    __tablename__ = "decision_definitions"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int]
    name: Mapped[str | None] = mapped_column(String(400))
    resource_name: Mapped[str] = mapped_column(String(400))
    dmn: Mapped[str] = mapped_column(Text)  # the .dmn file's XML
    content_hash: Mapped[str] = mapped_column(String(64))
    deployed_at: Mapped[datetime]
    deployment_id: Mapped[str] = mapped_column(ForeignKey("deployments.id"), index=True)


class Case(Base):
    """One running or finished process instance."""

    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    business_key: Mapped[str | None] = mapped_column(String(200), index=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # running, completed, deleted
    state: Mapped[str] = mapped_column(Text)  # serialized workflow without its spec
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    revision: Mapped[int] = mapped_column(Integer, nullable=False)  # one more for every command saved

    # optimistic locking: a command sets the next revision itself and writes only over the one it read
    __mapper_args__ = {"version_id_col": revision, "version_id_generator": False}


class ExternalTask(Base):
    """A service task waiting for, or locked by, a worker of its topic."""

    __tablename__ = "external_tasks"
    __table_args__ = (Index("ix_external_tasks_fetch", "topic", "status", "available_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the engine's task id
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    element_id: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))  # available, locked, incident
    available_at: Mapped[datetime]  # not fetched before this (retry backoff)
    lock_owner: Mapped[str | None] = mapped_column(String(200))
    lock_expires_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retries: Mapped[int | None] = mapped_column(Integer)
    error_message: Mapped[str | None] = mapped_column(Text)
    error_details: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")

    # every change is a compare-and-set on the version (claims bump it with a conditional UPDATE)
    __mapper_args__ = {"version_id_col": version}


class ExternalTaskReport(Base):
    """The last outcome a worker reported for a task, so that the same report again gets the same answer."""

    __tablename__ = "external_task_reports"

    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)  # kept after the task ended
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    worker_id: Mapped[str] = mapped_column(String(200))
    lock_number: Mapped[int] = mapped_column(Integer)  # the task's attempts when the lock was taken
    kind: Mapped[str] = mapped_column(String(20))  # complete, failure, bpmn_error
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the report's canonical JSON
    reported_at: Mapped[datetime]


class Timer(Base):
    """A timer event waiting in a case, a timer start event of a definition, or a job, with its due time."""

    __tablename__ = "timers"
    __table_args__ = (
        Index("ix_timers_due", "status", "due_at"),
        Index("ix_timers_claims", "status", "claimed_until"),
    )

    id: Mapped[str] = mapped_column(String(48), primary_key=True)  # task id, ":n" in an event gateway
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), index=True)  # None: a start event
    definition_id: Mapped[int | None] = mapped_column(ForeignKey("process_definitions.id"), index=True)
    cycle: Mapped[dict[str, Any] | None]  # a timer start cycle: {"value": its timeCycle, "fired": n}
    element_id: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20))  # waiting, fired, cancelled, incident
    fired_at: Mapped[datetime | None]
    # "timer", or "job": the due-now row of an async continuation (camunda:asyncBefore/asyncAfter)
    kind: Mapped[str] = mapped_column(String(20), default="timer", server_default="timer")
    retries: Mapped[int | None] = mapped_column(Integer)  # a job's tries left; None: three
    error_message: Mapped[str | None] = mapped_column(Text)  # why a job's last try failed
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    # the timer service that took the due timer to fire it, and until when no other may take it
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None]

    __mapper_args__ = {"version_id_col": version}


class UserTask(Base):
    """A user task projected for fast task lists."""

    __tablename__ = "user_tasks"
    __table_args__ = (Index("ix_user_tasks_list", "status", "due_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the engine's task id
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(400))
    status: Mapped[str] = mapped_column(String(20))  # open, completed, cancelled
    candidate_groups: Mapped[str | None] = mapped_column(String(400))  # ",a,b," for LIKE
    candidate_users: Mapped[str | None] = mapped_column(String(400))
    assignee: Mapped[str | None] = mapped_column(String(200), index=True)
    form_key: Mapped[str | None] = mapped_column(String(200))
    due_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(String(200))


class MessageSubscription(Base):
    """A message or signal catch event a case is waiting on."""

    __tablename__ = "message_subscriptions"
    __table_args__ = (Index("ix_message_subscriptions_name", "message_name"),)

    id: Mapped[str] = mapped_column(String(48), primary_key=True)  # task id, ":n" in an event gateway
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    element_id: Mapped[str] = mapped_column(String(200))
    message_name: Mapped[str] = mapped_column(String(200))  # the message's or the signal's name
    kind: Mapped[str] = mapped_column(String(20), default="message", server_default="message")


class StartSubscription(Base):
    """A message or signal start event of the newest version of a process."""

    __tablename__ = "start_subscriptions"
    __table_args__ = (Index("ix_start_subscriptions_name", "kind", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"))
    process_key: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # message, signal, conditional
    name: Mapped[str] = mapped_column(String(200))
    element_id: Mapped[str] = mapped_column(String(200))


class Incident(Base):
    """A failure that needs a person: an external task out of retries, a broken step."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    external_task_id: Mapped[str | None] = mapped_column(String(36), index=True)
    element_id: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(200))


class HistoryEvent(Base):
    """One append-only entry of a case's history: who did what, when, with which data."""

    __tablename__ = "history_events"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    seq: Mapped[int]
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(60))
    element_id: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]]
    prev_hash: Mapped[str | None] = mapped_column(String(64))  # hash of the event before it
    hash: Mapped[str | None] = mapped_column(String(64))  # over canonical JSON and prev_hash


class NumberSeries(Base):
    """A counter that hands out numbers without gaps or duplicates (license numbers)."""

    __tablename__ = "number_series"

    series: Mapped[str] = mapped_column(String(100), primary_key=True)
    last_value: Mapped[int]


class NumberAllocation(Base):
    """The number an outside effect got, so that a retried task gets the same one."""

    __tablename__ = "number_allocations"
    __table_args__ = (UniqueConstraint("series", "value"),)

    idempotency_key: Mapped[str] = mapped_column(String(120), primary_key=True)
    series: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[int]
    allocated_at: Mapped[datetime]


class User(Base):
    """A person who signs in: officers, heads, auditors, analysts, or an applicant."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str] = mapped_column(String(400))
    roles: Mapped[str] = mapped_column(String(400))  # ",officers,heads," for LIKE
    applicant_id: Mapped[str | None] = mapped_column(String(12), index=True)  # BIN/IIN of an applicant
    full_name: Mapped[str | None] = mapped_column(String(400))
    language: Mapped[str | None] = mapped_column(String(8))  # kk, ru or en; None: the browser's
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class SignInAttempt(Base):
    """One try to sign in: the name typed, the address it came from, and how it ended."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        Index("ix_sign_in_attempts_username", "username", "at"),
        Index("ix_sign_in_attempts_address", "address", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime]
    username: Mapped[str] = mapped_column(String(200))  # as typed; it need not exist
    address: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20))  # signed_in, refused, throttled


class CaseLabel(Base):
    """What a case is about, copied from its start variables, to filter task lists fast."""

    __tablename__ = "case_labels"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    kind: Mapped[str | None] = mapped_column(String(40), index=True)  # one_time, general, exclusive
    direction: Mapped[str | None] = mapped_column(String(20))  # import, export
    list_section: Mapped[str | None] = mapped_column(String(20))
    applicant_name: Mapped[str | None] = mapped_column(String(400))


class PortalApplication(Base):
    """An application an applicant submitted through the portal, as signed, and the case it started."""

    __tablename__ = "portal_applications"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)  # the case's business key
    applicant_id: Mapped[str] = mapped_column(String(12), index=True)  # BIN/IIN
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the signed content
    document: Mapped[str] = mapped_column(Text)  # the signed content and its signature, nothing unsigned
    signer_subject: Mapped[str] = mapped_column(String(1000))
    signer_certificate_serial: Mapped[str] = mapped_column(String(80))
    submitted_at: Mapped[datetime]
    submitted_by: Mapped[str] = mapped_column(String(200))  # the portal user name


class CaseDocument(Base):
    """A document attached to a running case (what proves a license was executed), kept with its records.

    Destroying it drops its content and keeps the row, with when and by which task, as the record.
    """

    __tablename__ = "case_documents"
    __table_args__ = (UniqueConstraint("case_id", "digest"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(60))  # e.g. execution_report
    reference: Mapped[str] = mapped_column(String(120))  # the sender's number of the document
    media_type: Mapped[str] = mapped_column(String(100))
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the document as received
    size: Mapped[int]
    content: Mapped[str | None] = mapped_column(Text)  # None once destroyed
    details: Mapped[dict[str, Any]]  # what the procedure read from it
    received_at: Mapped[datetime]
    received_by: Mapped[str] = mapped_column(String(200))
    destroyed_at: Mapped[datetime | None]
    destroyed_by: Mapped[str | None] = mapped_column(String(120))  # idempotency key of the destroying task
