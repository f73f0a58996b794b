"""Applicants read their own applications: status, registration day, due date and result."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from sqlalchemy import select

from engine.external.worker_loop import WorkerLoop
from engine.worker import WorkerRegistry
from procedure.calendar import ALMATY
from store.models import SignInAttempt, UserTask
from tests.engine import sample
from tests.procedure.helpers import grounds
from tests.procedure.world import World
from tests.web.portal.conftest import submit
from tests.web.signing import basic
from workers import cabinet

MONDAY_10 = datetime(2025, 4, 14, 10, 0, tzinfo=ALMATY)


def _registry(documents_dir) -> WorkerRegistry:
    """The scenario world's workers, with the real cabinet and a license that writes its PDF."""
    registry = World().registry()
    for topic in ("cabinet.accepted", "cabinet.result", "license.issue"):
        del registry.handlers[topic]
    registry.handlers.update(
        {t: cabinet.registry.handlers[t] for t in ("cabinet.accepted", "cabinet.result")}
    )

    @registry.topic("license.issue")
    def issue(list_section):
        document = documents_dir / "APP" / "license.pdf"
        document.parent.mkdir(parents=True, exist_ok=True)
        document.write_bytes(b"%PDF-1.4 license\n")
        return {"license_number": "216KZ25001000001", "valid_from": "2025-04-16", "valid_until": "2026-04-15",
                "license_document": str(document), "decided_on": "2025-04-16"}  # fmt: skip

    return registry


@pytest.fixture
def workers(deployed, portal_settings):
    return WorkerLoop(deployed.store, _registry(portal_settings.documents_dir), "portal-tests")


def _at(moment: datetime, loop: WorkerLoop | None = None, action=None):
    with time_machine.travel(moment, tick=False):
        result = action() if action else None
        if loop:
            while loop.drain():
                pass
    return result


def _decide(deployed, element_id: str, **data):
    with deployed.transaction() as session:
        task = session.scalar(
            select(UserTask).where(UserTask.element_id == element_id, UserTask.status == "open")
        )
    deployed.complete_user_task(task.id, data, "officer.aigerim")


def test_a_registered_application_shows_its_registration_day_and_due_date(
    deployed, client, applicants, authority, keys, workers
):
    # Given an application submitted on Monday 14 April 2025 at 10:00 and the cabinet updated
    number = _at(
        MONDAY_10, workers, lambda: submit(client, authority.signed(keys.dala), applicants.dala)
    ).get_json()["number"]

    shown = client.get(f"/api/portal/applications/{number}", headers=applicants.dala).get_json()

    assert shown["status"] == "under_consideration"
    assert shown["registered_on"] == "2025-04-14"
    assert shown["statutory_due_at"] == "2025-04-21T18:30:00+05:00"
    assert shown["statutory_due_explained"]["working_days"] == 5
    assert shown["submitted_at"] == "2025-04-14T10:00:00+05:00"
    assert (
        "21 сәуір 2025, 18:30 (Asia/Almaty)" in shown["message"]
    )  # the application named no language: Kazakh
    assert shown["result"] is None


def test_an_issued_license_shows_its_number_and_its_document(
    deployed, client, applicants, authority, keys, workers
):
    number = _at(
        MONDAY_10, workers, lambda: submit(client, authority.signed(keys.dala), applicants.dala)
    ).get_json()["number"]
    _at(
        datetime(2025, 4, 16, 11, 0, tzinfo=ALMATY),
        workers,
        lambda: _decide(deployed, "officer_review", decision="issue"),
    )

    shown = client.get(f"/api/portal/applications/{number}", headers=applicants.dala).get_json()
    document = client.get(shown["links"]["document"], headers=applicants.dala)

    assert shown["status"] == "license_issued"
    assert shown["result"]["license_number"] == "216KZ25001000001"
    assert (document.status_code, document.mimetype) == (200, "application/pdf")
    assert document.data.startswith(b"%PDF")
    assert client.get(shown["links"]["document"], headers=applicants.steppe).status_code == 404


def test_a_preliminary_refusal_shows_the_hearing_then_the_grounds_of_the_refusal(
    deployed, client, applicants, authority, keys, workers
):
    number = _at(
        MONDAY_10, workers, lambda: submit(client, authority.signed(keys.dala), applicants.dala)
    ).get_json()["number"]
    url = f"/api/portal/applications/{number}"
    refusal = dict(
        decision="preliminary_refusal", refusal_reasons="the contract copy is unreliable", **grounds(1)
    )
    _at(
        datetime(2025, 4, 15, 10, 0, tzinfo=ALMATY),
        workers,
        lambda: _decide(deployed, "officer_review", **refusal),
    )

    assert client.get(url, headers=applicants.dala).get_json()["status"] == "preliminary_refusal_hearing"

    _at(
        datetime(2025, 4, 17, 12, 0, tzinfo=ALMATY),
        workers,
        lambda: _decide(deployed, "record_hearing_outcome", hearing_outcome="refuse", **grounds(1)),
    )
    shown = client.get(url, headers=applicants.dala).get_json()

    assert shown["status"] == "refused"
    assert shown["result"]["refusal_grounds"] == ["1. the documents or data submitted are unreliable"]


def test_an_applicant_sees_only_their_own_applications(deployed, client, applicants, authority, keys):
    number = submit(client, authority.signed(keys.dala), applicants.dala).get_json()["number"]

    assert client.get("/api/portal/applications", headers=applicants.steppe).get_json()["items"] == []
    assert client.get(f"/api/portal/applications/{number}", headers=applicants.steppe).status_code == 404
    assert (
        client.get(f"/api/portal/applications/{number}/document", headers=applicants.steppe).status_code
        == 404
    )
    assert client.get("/api/portal/applications/APP-2000-000001", headers=applicants.dala).status_code == 404


def test_my_applications_come_newest_first_a_page_at_a_time(deployed, client, applicants, authority, keys):
    for day, contract in ((14, "C-1"), (15, "C-2"), (16, "C-3")):
        document = authority.signed(keys.dala, contractNumber=contract)
        _at(
            datetime(2025, 4, day, 10, 0, tzinfo=ALMATY),
            action=lambda d=document: submit(client, d, applicants.dala),
        )

    first = client.get("/api/portal/applications?per_page=2", headers=applicants.dala).get_json()
    second = client.get("/api/portal/applications?per_page=2&page=2", headers=applicants.dala).get_json()

    assert [a["registered_on"] for a in first["items"]] == ["2025-04-16", "2025-04-15"]
    assert [a["registered_on"] for a in second["items"]] == ["2025-04-14"]
    assert (first["total"], first["page"], first["per_page"]) == (3, 1, 2)


@pytest.mark.parametrize("query", ["page=0", "per_page=51", "page=x", "per_page=-1"])
def test_a_page_out_of_range_answers_400(client, applicants, query):
    answer = client.get(f"/api/portal/applications?{query}", headers=applicants.dala)

    assert answer.status_code == 400
    assert answer.get_json()["type"] == "QueryInvalid"


def test_the_openapi_description_is_served(client):
    answer = client.get("/api/openapi.json")

    assert answer.status_code == 200
    assert "/api/portal/applications" in answer.get_json()["paths"]


def test_repeated_wrong_passwords_throttle_the_portal_too_and_successes_leave_no_rows(
    deployed, client, applicants, orchestrator
):
    assert client.get("/api/portal/applications", headers=applicants.dala).status_code == 200
    wrong = basic("dala", "not the password")

    refused = [client.get("/api/portal/applications", headers=wrong).status_code for _ in range(5)]
    throttled = client.get("/api/portal/applications", headers=applicants.dala)

    assert refused == [401] * 5
    assert throttled.status_code == 429
    assert throttled.get_json()["type"] == "SignInThrottled"
    assert int(throttled.headers["Retry-After"]) > 0
    outcomes = [a.outcome for a in sample.rows(orchestrator, SignInAttempt)]
    assert sorted(outcomes) == ["refused"] * 5 + ["throttled"]
