"""Outside systems that fail: 5xx answers, timeouts and malformed bodies are retried, then an
incident; a case is never decided on a broken answer, and a retried incident carries on.

The stand-ins inject the faults over real HTTP (`POST /_faults`); the bundled workers run
in-process; the engine's clock is moved past each retry's backoff.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
import time_machine
from sqlalchemy import select

from engine.external.tasks import DEFAULT_RETRIES
from engine.external.worker_loop import WorkerLoop
from licflow.workers import load_registry
from store.models import ExternalTask, Incident
from tests.e2e.stories import STORIES, open_task, variables_of
from workers import outside
from workers.settings import settings as worker_settings

pytestmark = pytest.mark.slow

APPLICANT = "150440001110"  # Dala Trade LLP: paid, registered, no bans: issued when all answers come
START = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)  # Tuesday 10:00 in Almaty


@pytest.fixture
def clock_at_start():
    with time_machine.travel(START, tick=True) as traveller:
        yield traveller


@pytest.fixture
def worker_loop(world):
    return WorkerLoop(world.orchestrator.store, load_registry(()), "faults-e2e")


def inject(world, **fault) -> None:
    answer = httpx.post(f"{world.standins.url}/_faults", json=fault)
    assert answer.status_code == 201, answer.text


def run_through_every_retry(worker_loop, traveller) -> None:
    """Let the workers try, moving the clock past every backoff, until nothing is left to try."""
    for _ in range(DEFAULT_RETRIES + 1):
        worker_loop.drain()
        traveller.shift(timedelta(minutes=15))  # past the longest backoff of three attempts
    worker_loop.drain()


def start(world) -> str:
    application = {**STORIES[APPLICANT]["application"], "submitted_at": START.isoformat()}
    return world.orchestrator.start_case("license_issuance", f"APP-{APPLICANT}", application)


def fee_task(world) -> ExternalTask:
    with world.orchestrator.store.unit_of_work() as session:
        return session.scalars(select(ExternalTask).where(ExternalTask.topic == "fee.verify")).one()


def open_incidents(world) -> list[Incident]:
    with world.orchestrator.store.unit_of_work() as session:
        return list(session.scalars(select(Incident).where(Incident.resolved_at.is_(None))))


@pytest.mark.parametrize(
    ("fault", "named_in_the_incident"),
    [
        ({"fail_times": 100, "status": 503}, "answered 503"),
        ({"malformed_times": 100}, "not JSON"),
        ({"delay_seconds": 1.0}, "no answer in time"),
    ],
    ids=["5xx", "malformed", "timeout"],
)
def test_a_payment_gateway_that_keeps_failing_ends_in_an_incident_and_decides_nothing(
    world, worker_loop, clock_at_start, monkeypatch, fault, named_in_the_incident
):
    # Given the payment gateway fails every request (the worker waits 0.3 s for an answer)
    monkeypatch.setenv("LICFLOW_OUTSIDE_TIMEOUT", "0.3")
    worker_settings.cache_clear()
    outside.use(None)
    inject(world, path_prefix="/payments", **fault)
    case_id = start(world)

    # When the fee check is tried until its retries run out
    run_through_every_retry(worker_loop, clock_at_start)

    # Then there is one incident on the fee check, naming the failure, and nothing was decided
    (incident,) = open_incidents(world)
    assert incident.element_id == "verify_fee"
    assert named_in_the_incident in incident.message
    task = fee_task(world)
    assert (task.status, task.attempts) == ("incident", DEFAULT_RETRIES)
    variables = variables_of(world.orchestrator, case_id)
    assert "fee_paid" not in variables
    assert variables.get("automated_grounds") is None
    assert open_task(world.orchestrator, f"APP-{APPLICANT}") is None
    assert variables["cabinet_status"] == "accepted"


def test_a_retried_incident_carries_on_to_the_right_decision_once_the_gateway_answers(
    world, worker_loop, clock_at_start
):
    # Given the fee check ended in an incident while the gateway answered 503
    inject(world, path_prefix="/payments", fail_times=100, status=503)
    case_id = start(world)
    run_through_every_retry(worker_loop, clock_at_start)
    (incident,) = open_incidents(world)

    # When the gateway recovers and a person retries the incident
    assert httpx.delete(f"{world.standins.url}/_faults").status_code == 204
    world.orchestrator.retry_incident(incident.id, retries=1, actor="officer")
    worker_loop.drain()

    # Then the fee is found paid and the officer gets the case with no ground found
    variables = variables_of(world.orchestrator, case_id)
    assert variables["fee_paid"] is True
    assert variables["automated_grounds"] == []
    assert open_task(world.orchestrator, f"APP-{APPLICANT}").element_id == "officer_review"
    assert open_incidents(world) == []


def test_one_malformed_answer_costs_one_retry_and_no_incident(world, worker_loop, clock_at_start):
    inject(world, path_prefix="/registry", malformed_times=1)
    case_id = start(world)

    run_through_every_retry(worker_loop, clock_at_start)

    assert open_incidents(world) == []
    assert variables_of(world.orchestrator, case_id)["automated_grounds"] == []
    assert open_task(world.orchestrator, f"APP-{APPLICANT}").element_id == "officer_review"
