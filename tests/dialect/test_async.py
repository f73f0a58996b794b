"""Async continuations (camunda:asyncBefore / asyncAfter) are transaction boundaries, as in Camunda 7.

The command that reaches a boundary commits there; a job of the timer service continues
the case. A failure after the boundary rolls back to it: three tries, then a failedJob
incident at the element, and a retry of the incident continues the case.
"""

from __future__ import annotations

import pytest

from engine.errors import InvalidDiagram
from engine.history.replay import replay_case
from engine.runtime.timers import fire_due_timers
from tests.dialect import drive
from tests.web.camunda.helpers import BEARER, TOKEN
from web import create_app


def _jobs(orchestrator, case_id: str, **where) -> list:
    return drive.rows(orchestrator, drive.Timer, case_id=case_id, kind="job", **where)


def _reviewed(orchestrator, amount: int, rate: int) -> str:
    drive.deploy(orchestrator, "async_fee")
    case_id = orchestrator.start_case("dialect_async_fee")
    drive.complete(orchestrator, case_id, "review", {"amount": amount, "rate": rate})
    return case_id


def _sweep_until_incident(orchestrator, case_id: str) -> None:
    for _ in range(3):  # one try per sweep: Camunda's three
        assert drive.rows(orchestrator, drive.Incident, case_id=case_id) == []
        fire_due_timers(orchestrator.store)


def test_a_command_reaching_an_async_boundary_commits_there_and_a_job_continues_the_case(orchestrator):
    case_id = _reviewed(orchestrator, amount=100, rate=4)

    (job,) = _jobs(orchestrator, case_id, status="waiting")
    assert job.element_id == "compute_fee"
    assert drive.open_elements(orchestrator, case_id) == []
    assert "fee" not in drive.variables(orchestrator, case_id)

    assert fire_due_timers(orchestrator.store) == 1

    assert drive.open_elements(orchestrator, case_id) == ["confirm"]
    assert drive.variables(orchestrator, case_id)["fee"] == 25
    assert [j.status for j in _jobs(orchestrator, case_id)] == ["fired"]


def test_a_failing_script_after_async_before_stays_at_the_boundary_with_an_incident(orchestrator):
    case_id = _reviewed(orchestrator, amount=100, rate=0)

    fire_due_timers(orchestrator.store)
    (job,) = _jobs(orchestrator, case_id)
    assert (job.status, job.retries) == ("waiting", 2)
    assert "compute_fee" in job.error_message
    fire_due_timers(orchestrator.store)
    assert drive.rows(orchestrator, drive.Incident, case_id=case_id) == []
    fire_due_timers(orchestrator.store)

    (incident,) = drive.rows(orchestrator, drive.Incident, case_id=case_id)
    assert (incident.kind, incident.element_id, incident.resolved_at) == ("failedJob", "compute_fee", None)
    (job,) = _jobs(orchestrator, case_id)
    assert (job.status, job.retries) == ("incident", 0)
    # the review's completion was committed before the boundary; nothing after it was
    (review,) = drive.rows(orchestrator, drive.UserTask, case_id=case_id, element_id="review")
    assert review.status == "completed"
    assert drive.completed_elements(orchestrator, case_id)[-1] == "review"
    assert drive.open_elements(orchestrator, case_id) == []
    assert drive.status(orchestrator, case_id) == "running"


def test_retrying_a_failed_job_incident_continues_the_case_from_the_boundary(orchestrator):
    case_id = _reviewed(orchestrator, amount=100, rate=0)
    _sweep_until_incident(orchestrator, case_id)
    (incident,) = drive.rows(orchestrator, drive.Incident, case_id=case_id)

    orchestrator.change_variables(case_id, {"rate": 5}, [], "officer1")
    orchestrator.retry_incident(incident.id, retries=1, actor="officer1")
    fire_due_timers(orchestrator.store)

    assert drive.open_elements(orchestrator, case_id) == ["confirm"]
    assert drive.variables(orchestrator, case_id)["fee"] == 20
    (incident,) = drive.rows(orchestrator, drive.Incident, case_id=case_id)
    assert incident.resolved_by == "officer1"


def test_async_before_a_start_event_commits_the_start_and_its_job_runs_the_path(orchestrator):
    drive.deploy(orchestrator, "async_register")

    case_id = orchestrator.start_case("dialect_async_register")

    assert drive.topics(orchestrator, case_id) == []
    (job,) = _jobs(orchestrator, case_id, status="waiting")
    assert job.element_id == "received"
    fire_due_timers(orchestrator.store)
    assert drive.topics(orchestrator, case_id) == ["dialect.register"]


def test_a_failure_after_async_after_keeps_the_workers_completion_and_stops_at_the_task(orchestrator):
    drive.deploy(orchestrator, "async_register")
    case_id = orchestrator.start_case("dialect_async_register")
    fire_due_timers(orchestrator.store)

    assert drive.work(orchestrator, "dialect.register", {"prefix": "N-", "number": 7}) == 1
    assert drive.topics(orchestrator, case_id) == []
    (job,) = _jobs(orchestrator, case_id, status="waiting")
    assert job.element_id == "register"
    _sweep_until_incident(orchestrator, case_id)

    (incident,) = drive.rows(orchestrator, drive.Incident, case_id=case_id)
    assert (incident.kind, incident.element_id) == ("failedJob", "register")
    assert drive.completed_elements(orchestrator, case_id)[-1] == "register"

    orchestrator.change_variables(case_id, {"number": "7"}, [], "officer1")
    orchestrator.retry_incident(incident.id)
    fire_due_timers(orchestrator.store)
    assert drive.open_elements(orchestrator, case_id) == ["archive"]
    assert drive.variables(orchestrator, case_id)["stamp"] == "N-7"


def test_a_failed_job_gets_new_retries_through_camunda_rest_and_continues_the_case(orchestrator):
    case_id = _reviewed(orchestrator, amount=100, rate=0)
    _sweep_until_incident(orchestrator, case_id)
    rest = create_app(orchestrator, {"TESTING": True, "API_TOKENS": {"workers": TOKEN}}).test_client()

    (listed,) = rest.get(
        f"/engine-rest/job?processInstanceId={case_id}&noRetriesLeft=true", headers=BEARER
    ).json
    assert (listed["retries"], listed["failedActivityId"]) == (0, "compute_fee")
    assert "compute_fee" in listed["exceptionMessage"]
    orchestrator.change_variables(case_id, {"rate": 10}, [], "officer1")
    answer = rest.put(f"/engine-rest/job/{listed['id']}/retries", json={"retries": 1}, headers=BEARER)
    assert answer.status_code == 204
    assert drive.rows(orchestrator, drive.Incident, case_id=case_id)[0].resolved_by == "client:workers"

    fire_due_timers(orchestrator.store)
    assert drive.open_elements(orchestrator, case_id) == ["confirm"]
    assert drive.variables(orchestrator, case_id)["fee"] == 10
    assert rest.get(f"/engine-rest/job/count?processInstanceId={case_id}", headers=BEARER).json == {
        "count": 0
    }


def test_async_before_a_parallel_join_makes_a_job_for_each_arriving_branch(orchestrator):
    orchestrator.deploy(drive.edited("gateways", "join", attributes={"camunda:asyncBefore": "true"}))
    case_id = orchestrator.start_case("dialect_gateways")
    drive.work(orchestrator, "dialect.tax", {"taxes_owed": False})
    drive.complete(orchestrator, case_id, "check_court", {"court_ban": False})

    assert [j.element_id for j in _jobs(orchestrator, case_id, status="waiting")] == ["join", "join"]
    assert fire_due_timers(orchestrator.store) == 2
    assert drive.open_elements(orchestrator, case_id) == ["decide"]


def test_async_after_an_exclusive_gateway_makes_one_job_for_the_path_it_took(orchestrator):
    orchestrator.deploy(drive.edited("gateways", "which", attributes={"camunda:asyncAfter": "true"}))
    case_id = orchestrator.start_case("dialect_gateways")
    drive.work(orchestrator, "dialect.tax", {"taxes_owed": True})
    drive.complete(orchestrator, case_id, "check_court", {"court_ban": False})

    assert [j.element_id for j in _jobs(orchestrator, case_id, status="waiting")] == ["which"]
    assert drive.topics(orchestrator, case_id) == []
    fire_due_timers(orchestrator.store)
    assert drive.topics(orchestrator, case_id) == ["dialect.collect"]


def test_a_case_that_ran_jobs_replays_from_its_history(orchestrator):
    case_id = _reviewed(orchestrator, amount=100, rate=0)
    _sweep_until_incident(orchestrator, case_id)
    (incident,) = drive.rows(orchestrator, drive.Incident, case_id=case_id)
    orchestrator.change_variables(case_id, {"rate": 5}, [], "officer1")
    orchestrator.retry_incident(incident.id)
    fire_due_timers(orchestrator.store)

    with orchestrator.store.unit_of_work() as session:
        replay = replay_case(session, case_id)

    assert replay.reproduced, replay.divergence
    assert replay.variables["fee"] == 20


def test_the_old_camunda_async_is_async_before(orchestrator):
    documents = drive.variant("async_fee", 'camunda:asyncBefore="true"', 'camunda:async="true"')
    orchestrator.deploy(documents)
    case_id = orchestrator.start_case("dialect_async_fee")
    drive.complete(orchestrator, case_id, "review", {"amount": 90, "rate": 3})

    assert [j.element_id for j in _jobs(orchestrator, case_id, status="waiting")] == ["compute_fee"]
    fire_due_timers(orchestrator.store)
    assert drive.variables(orchestrator, case_id)["fee"] == 30


def test_async_after_an_end_event_is_refused_at_deploy(orchestrator):
    documents = drive.edited("async_fee", "end", attributes={"camunda:asyncAfter": "true"})

    with pytest.raises(InvalidDiagram) as refused:
        orchestrator.deploy(documents)

    assert 'endEvent "end" ("Fee confirmed"): camunda:asyncAfter on an end event' in str(refused.value)
