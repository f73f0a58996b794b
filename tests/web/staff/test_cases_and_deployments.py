"""The case page and the analysts' deployments page."""

from __future__ import annotations

import io
import json
import re

import pytest

from engine.runtime.documents import Received
from tests.conftest import DIAGRAMS
from web.staff import deployment_pages


def _diagram_data(page: str) -> dict:
    found = re.search(r'<script id="case-diagram-data" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def test_the_case_page_shows_the_diagram_data_deadlines_variables_and_history(browser, submit):
    case_id = submit()
    page = browser("hana").get(f"/cases/{case_id}").get_data(as_text=True)
    diagram = _diagram_data(page)
    assert 'id="license_issuance"' in diagram["xml"]
    assert "register" in " ".join(diagram["finished"])
    assert "consideration" in " ".join(diagram["active"])  # the call activity waits
    assert "officer_review" in page  # listed among the called process's elements
    assert "Statutory due time" in page and "working days from" in page
    assert "case_started" in page and "payment_reference" in page
    assert "/audit/cases/" not in page  # the link is for auditors


def test_auditors_read_the_case_and_find_the_link_to_its_audit_history(browser, submit):
    case_id = submit()
    page = browser("aida").get(f"/cases/{case_id}").get_data(as_text=True)
    assert f"/audit/cases/{case_id}" in page
    assert "Retry</button>" not in page


def test_an_unknown_case_is_a_404_page(browser):
    answer = browser("hana").get("/cases/no-such-case")
    assert answer.status_code == 404 and "Not found" in answer.get_data(as_text=True)


def _upload(analyst, *files: tuple[str, bytes]):
    data = {"diagrams": [(io.BytesIO(content), name) for name, content in files]}
    return analyst.post("/deployments", data, content_type="multipart/form-data")


def test_analysts_see_versions_with_the_cases_running_on_them(browser, submit):
    submit()
    page = browser("nurs").get("/deployments").get_data(as_text=True)
    assert re.search(r"<td>license_issuance</td><td>1</td>.*?<td>1</td><td>0</td>", page, re.S)


def test_an_upload_bpmnlint_rejects_shows_the_problems_and_deploys_nothing(browser):
    broken = (
        (DIAGRAMS / "core_sample.bpmn").read_bytes().replace(b'targetRef="review"', b'targetRef="nowhere"', 1)
    )
    answer = _upload(browser("nurs"), ("core_sample.bpmn", broken))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "nowhere" in page or "Lint did not run" in page
    assert "<td>core_sample</td>" not in page


def test_an_upload_the_engine_refuses_shows_its_validation_error(browser):
    answer = _upload(browser("nurs"), ("notes.bpmn", b"<not-bpmn/>"))
    assert answer.status_code == 400
    assert "deploy-error" in answer.get_data(as_text=True)


def test_a_clean_upload_is_deployed_as_a_new_version(browser):
    answer = _upload(browser("nurs"), ("core_sample.bpmn", (DIAGRAMS / "core_sample.bpmn").read_bytes()))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 201
    assert "core_sample v1 (new version)" in page
    assert "<td>core_sample</td>" in page


def test_a_head_retries_an_incident_from_the_case_page_and_an_auditor_may_not(orchestrator, app, browser):
    from datetime import timedelta

    from tests.procedure.harness import application

    case_id = orchestrator.start_case("license_issuance", "APP-9", application(), "portal")
    (task,) = orchestrator.fetch_and_lock("w", ["cabinet.accepted"], timedelta(minutes=5))
    orchestrator.fail_external_task(task.id, "w", "the cabinet is down", retries=0)
    hana = browser("hana")
    page = hana.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "the cabinet is down" in page and "Retry</button>" in page
    incident_id = re.search(r"/incidents/(\d+)/retry", page).group(1)
    assert browser("aida").post(f"/cases/{case_id}/incidents/{incident_id}/retry").status_code == 403
    assert hana.post(f"/cases/{case_id}/incidents/{incident_id}/retry").status_code == 302
    assert "No open incidents." in hana.get(f"/cases/{case_id}").get_data(as_text=True)


def test_the_case_page_lists_the_documents_received_and_whether_they_are_kept(browser, submit, orchestrator):
    case_id = submit()
    orchestrator.attach_document(
        case_id,
        Received("execution_report", "R-7", "application/xml", "<report/>", "ab" * 32, {}),
        "portal:dala",
    )

    page = browser("hana").get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'data-kept="true"' in page and "R-7" in page and "execution report" in page

    orchestrator.destroy_case_documents(case_id, f"{case_id}:task", "worker:w1")
    page = browser("hana").get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'data-kept="false"' in page and "(para 6)" in page


@pytest.mark.parametrize(
    "content, refused",
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>',
            "UnsafeXml",
        ),
        (b"<definitions><process></definitions>", "InvalidXml"),
    ],
    ids=["entity", "not well-formed"],
)
def test_an_upload_the_hardened_parser_refuses_never_reaches_bpmnlint(browser, monkeypatch, content, refused):
    linted = []
    monkeypatch.setattr(deployment_pages, "lint_diagrams", lambda documents: linted.append(documents))

    answer = _upload(browser("nurs"), ("hostile.bpmn", content))

    assert answer.status_code == 400
    assert f"{refused}: hostile.bpmn" in answer.get_data(as_text=True)
    assert linted == []
