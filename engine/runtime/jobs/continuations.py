"""Run an async continuation's job; count its failures down to an incident; revive it on a retry.

Camunda 7 gives a job three tries by default and then raises a `failedJob` incident at the
element; licflow does the same (`camunda:failedJobRetryTimeCycle` stays refused at deploy).
A failed try leaves the case exactly where the commit before the boundary left it: the
job's work runs in a savepoint that the failure rolls back, and only the job row (its
retries and error) and the history's `job_failed` outlive it. The next try is the next
sweep of the timer service.
"""

from __future__ import annotations

from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.errors import InvalidCommand, NotFound, ProcessError
from engine.runtime import cases
from engine.runtime.events import signals
from engine.runtime.history import HistoryWriter
from store.models import Incident, Timer

RETRIES = 3  # Camunda 7's default tries of a job
FAILED_JOB = "failedJob"  # Camunda's incident type


def run_job(session: Session, case: cases.OpenCase, task, timer: Timer, actor: str) -> None:
    """Run the held step `task` of an open case and the rest of its path; a failure is the job's."""
    spec = task.task_spec
    try:
        with session.begin_nested():
            case.history.append(
                "job_executed",
                actor,
                spec.continues,
                job_id=timer.id,
                continuation=spec.bpmn_id,
                clock=case.now.isoformat(),
            )
            _continue(case, task)
            cases.finish(session, case, actor)
            signals.broadcast(session, case, actor)
    except ProcessError as error:
        _failed(session, timer, spec.continues, str(error), actor)


def _continue(case: cases.OpenCase, task) -> None:
    try:
        task.run()
    except SpiffWorkflowException as error:
        element = task.task_spec.continues
        raise ProcessError(
            f"the diagram failed after the async boundary of {element}: {error}", element
        ) from error
    cases.advance(case)


def _failed(session: Session, timer: Timer, element_id: str, message: str, actor: str) -> None:
    """Count a failed try: due again at once while tries are left, else an incident at the element."""
    now = clock.now()
    left = (timer.retries if timer.retries is not None else RETRIES) - 1
    timer.retries, timer.error_message = max(left, 0), message
    HistoryWriter(session, timer.case_id, now).append(
        "job_failed", actor, element_id, job_id=timer.id, message=message, retries_left=timer.retries
    )
    if left > 0:
        timer.due_at = now  # the next sweep tries again
        return
    timer.status = "incident"
    session.add(
        Incident(
            case_id=timer.case_id, element_id=element_id, kind=FAILED_JOB, message=message, created_at=now
        )
    )


def revive(session: Session, incident: Incident, retries: int) -> None:
    """Give the job behind a failedJob incident `retries` more tries, due at once."""
    if incident.kind != FAILED_JOB:
        return
    jobs = session.scalars(
        select(Timer).where(
            Timer.case_id == incident.case_id,
            Timer.element_id == incident.element_id,
            Timer.kind == "job",
            Timer.status == "incident",
        )
    )
    for job in jobs:
        job.status, job.retries, job.due_at = "waiting", max(retries, 1), clock.now()


def set_job_retries(session: Session, job_id: str, retries: int, actor: str) -> None:
    """Set a job's tries left (REST `PUT /job/{id}/retries`): more than 0 resolves its incident."""
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise InvalidCommand("retries must be a whole number of at least 0")
    job = session.get(Timer, job_id)
    if job is None or job.kind != "job" or job.status not in ("waiting", "incident"):
        raise NotFound(f"no job with id {job_id!r}")
    now = clock.now()
    HistoryWriter(session, job.case_id, now).append(
        "job_retries_set", actor, job.element_id, job_id=job.id, retries=retries
    )
    job.retries = retries
    if retries > 0 and job.status == "incident":
        job.status, job.due_at = "waiting", now
        for incident in open_incidents(session, job):
            incident.resolved_at, incident.resolved_by = now, actor
    elif retries == 0 and job.status == "waiting":
        job.status = "incident"
        message = job.error_message or f"{actor} set the retries to 0"
        session.add(
            Incident(
                case_id=job.case_id,
                element_id=job.element_id,
                kind=FAILED_JOB,
                message=message,
                created_at=now,
            )
        )


def open_incidents(session: Session, job: Timer) -> list[Incident]:
    """Return the unresolved failedJob incidents at a job's element of its case."""
    return list(
        session.scalars(
            select(Incident).where(
                Incident.case_id == job.case_id,
                Incident.element_id == job.element_id,
                Incident.kind == FAILED_JOB,
                Incident.resolved_at.is_(None),
            )
        )
    )
