"""The auditor steps through a case's history with the diagram's state at each step."""

from __future__ import annotations

import json
import re


def _player(page: str) -> dict:
    found = re.search(r'<script id="audit-player-data" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def test_an_auditor_sees_every_step_with_who_when_what_and_where_the_case_waited(browser, submit):
    case_id = submit()

    page = browser("aida").get(f"/audit/cases/{case_id}").get_data(as_text=True)

    player = _player(page)
    assert 'id="license_issuance"' in player["xml"]
    first = player["steps"][0]
    assert (first["kind"], first["actor"]) == ("case_started", "portal")
    assert first["data"]["variables"]["payment_reference"]
    assert "register_application" in first["finished"]
    assert "consideration" in player["steps"][-1]["active"]
    assert "intact" in page and "outcome reproduced" in page
    assert "statutory_due_at" in page and "working days from" in page


def test_only_auditors_open_the_audit_page(browser, submit):
    case_id = submit()

    assert browser("olga").get(f"/audit/cases/{case_id}").status_code == 403
    assert browser().get(f"/audit/cases/{case_id}").status_code == 302


def test_an_unknown_case_has_no_audit_page(browser):
    assert browser("aida").get("/audit/cases/no-such-case").status_code == 404
