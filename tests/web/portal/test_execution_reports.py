"""A licensee's signed reports on the execution of the license are kept with its records (para 6)."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from sqlalchemy import select

from engine.external.worker_loop import WorkerLoop
from engine.people.case_view import view_case
from engine.runtime.timers import fire_due_timers
from engine.worker import WorkerRegistry
from licflow.portal_signing import example_execution_report, sign
from procedure.calendar import ALMATY
from store.models import PortalApplication, UserTask
from tests.procedure.world import World
from tests.web.portal.conftest import DALA, STEPPE, submit
from workers import records

LICENSE = "216KZ25001000001"
MONDAY_10 = datetime(2025, 4, 14, 10, 0, tzinfo=ALMATY)


def _registry() -> WorkerRegistry:
    """The scenario world's workers, with a known license number and the real destruction of records."""
    registry = World().registry()
    del registry.handlers["license.issue"], registry.handlers["records.destroy"]
    registry.handlers["records.destroy"] = records.registry.handlers["records.destroy"]

    @registry.topic("license.issue")
    def issue():
        return {"license_number": LICENSE, "valid_from": "2025-04-16", "valid_until": "2026-04-15"}

    return registry


@pytest.fixture
def settle(deployed):
    loop = WorkerLoop(deployed.store, _registry(), "portal-tests")

    def at(moment: datetime, action=None):
        with time_machine.travel(moment, tick=False):
            result = action() if action else None
            while loop.drain() + fire_due_timers(deployed.store):
                pass
        return result

    return at


@pytest.fixture
def application(deployed, client, applicants, authority, keys, settle):
    """Dala's application, submitted on Monday 14 April 2025; returns its number."""
    answer = settle(MONDAY_10, lambda: submit(client, authority.signed(keys.dala), applicants.dala))
    return answer.get_json()["number"]


def _issue(deployed, settle) -> None:
    def decide():
        with deployed.transaction() as session:
            task = session.scalar(select(UserTask).where(UserTask.status == "open"))
        deployed.complete_user_task(task.id, {"decision": "issue"}, "officer.aigerim")

    settle(datetime(2025, 4, 16, 10, 0, tzinfo=ALMATY), decide)


def _report(authority, key, number: str = "R-1", license_number: str = LICENSE, signer: str = DALA) -> bytes:
    certificate = authority.certificate_for(key, iin="850315301235", bin_=signer)
    return sign(example_execution_report(signer, license_number, number), key, certificate)


def _send(client, number: str, document: bytes, headers: dict):
    return client.post(
        f"/api/portal/applications/{number}/execution-reports",
        data=document,
        headers={**headers, "Content-Type": "application/xml"},
    )


def _case_id(deployed, number: str) -> str:
    with deployed.transaction() as session:
        return session.scalar(select(PortalApplication.case_id).where(PortalApplication.number == number))


def test_a_signed_report_is_attached_to_the_licensed_case_once(
    deployed, client, applicants, authority, keys, application, settle
):
    _issue(deployed, settle)
    document = _report(authority, keys.dala)

    first = settle(
        datetime(2026, 1, 12, 10, 0, tzinfo=ALMATY),
        lambda: _send(client, application, document, applicants.dala),
    )
    again = _send(client, application, document, applicants.dala)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json() == again.get_json()
    report = first.get_json()
    assert (report["number"], report["license_number"], report["deliveries"]) == ("R-1", LICENSE, 1)
    assert (report["period_from"], report["period_to"], report["destroyed_at"]) == (
        "2026-12-01",
        "2026-12-31",
        None,
    )
    listed = client.get(f"/api/portal/applications/{application}/execution-reports", headers=applicants.dala)
    assert listed.get_json()["items"] == [report]
    # and the staff's case page lists it among the documents received
    with deployed.transaction() as session:
        (kept,) = view_case(session, _case_id(deployed, application)).documents
    assert (kept.kind, kept.reference, kept.destroyed_at) == ("execution_report", "R-1", None)


def test_a_report_on_another_license_or_before_any_license_is_refused(
    deployed, client, applicants, authority, keys, application, settle
):
    before = _send(client, application, _report(authority, keys.dala), applicants.dala)
    assert before.status_code == 422
    assert before.get_json()["errors"]["licenseNumber"].endswith(f"has no license, not {LICENSE}")

    _issue(deployed, settle)
    other = _send(
        client, application, _report(authority, keys.dala, license_number="216KZ25001000999"), applicants.dala
    )
    assert other.status_code == 422
    assert "is license 216KZ25001000001" in other.get_json()["errors"]["licenseNumber"]
    listed = client.get(f"/api/portal/applications/{application}/execution-reports", headers=applicants.dala)
    assert listed.get_json()["items"] == []


def test_only_the_licensee_sends_reports_on_its_own_application(
    deployed, client, applicants, authority, keys, application, settle
):
    _issue(deployed, settle)
    # another applicant cannot see Dala's application at all
    assert (
        _send(
            client, application, _report(authority, keys.steppe, signer=STEPPE), applicants.steppe
        ).status_code
        == 404
    )
    # a report Dala sends must be Dala's, signed by someone acting for Dala
    assert (
        _send(
            client, application, _report(authority, keys.steppe, signer=STEPPE), applicants.dala
        ).status_code
        == 403
    )
    # and an unsigned one is no report
    unsigned = example_execution_report(DALA, LICENSE)
    assert _send(client, application, unsigned, applicants.dala).status_code == 422


def test_reports_are_destroyed_with_the_license_records_three_years_after_it_expires(
    deployed, client, applicants, authority, keys, application, settle
):
    _issue(deployed, settle)
    settle(
        datetime(2026, 1, 12, 10, 0, tzinfo=ALMATY),
        lambda: _send(client, application, _report(authority, keys.dala), applicants.dala),
    )

    # The license expires after 15 April 2026; the records are kept until 15 April 2029
    settle(datetime(2029, 4, 13, 10, 0, tzinfo=ALMATY))
    (kept,) = client.get(
        f"/api/portal/applications/{application}/execution-reports", headers=applicants.dala
    ).get_json()["items"]
    assert kept["destroyed_at"] is None
    settle(datetime(2029, 4, 16, 9, 1, tzinfo=ALMATY))  # the first working day after, as the office opens

    (destroyed,) = client.get(
        f"/api/portal/applications/{application}/execution-reports", headers=applicants.dala
    ).get_json()["items"]
    assert destroyed["destroyed_at"] == "2029-04-16T04:01:00+00:00"  # 09:01 in Asia/Almaty
    case_id = _case_id(deployed, application)
    with deployed.transaction() as session:
        view = view_case(session, case_id)
    act = view.variables["destruction_act"]
    assert act["kept_since"] == "2026-04-15"
    assert [d["reference"] for d in act["execution_documents"]] == ["R-1"]
    assert view.case.status == "completed"
    assert (view.documents[0].content, view.documents[0].destroyed_at is not None) == (None, True)
    # once the records are gone, nothing more is kept for the license
    late = _send(client, application, _report(authority, keys.dala, number="R-2"), applicants.dala)
    assert late.status_code == 409
