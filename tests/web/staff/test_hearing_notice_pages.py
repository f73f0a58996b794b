"""Para 13 on the staff pages: the notice deadline counted down, a late refusal shown as a finding."""

from __future__ import annotations

import re

import time_machine

from engine.history.record import case_record
from store.models import UserTask
from tests.procedure.world import almaty


def _open_task(orchestrator, element_id: str) -> UserTask:
    with orchestrator.transaction() as db:
        return db.query(UserTask).filter_by(status="open", element_id=element_id).one()


def _deadline_rows(page: str) -> dict[str, tuple[str, str]]:
    """Return {deadline label: (data-passed, working days left)} of a task page."""
    rows = re.findall(
        r'<tr class="[^"]*" data-passed="(\w+)">\s*<td>([^<]+)</td>\s*<td>[^<]*</td>\s*<td>(-?\d+)', page
    )
    return {label: (passed, left) for passed, label, left in rows}


def test_the_review_shows_the_working_days_left_before_the_latest_hearing_notice(
    browser, submit, orchestrator
):
    # Given an application registered Monday 14 April 2025: latest notice Wednesday 16 April 18:30
    with time_machine.travel(almaty("2025-04-14 10:00"), tick=False):
        submit()
    task = _open_task(orchestrator, "officer_review")

    # On Tuesday morning, today and Wednesday are left, and the line is not red
    with time_machine.travel(almaty("2025-04-15 10:00"), tick=False):
        rows = _deadline_rows(browser("olga").get(f"/tasks/{task.id}").get_data(as_text=True))
    notice = "Latest hearing notice (para 13: 3 working days before the term ends)"
    assert rows[notice] == ("false", "2")
    assert rows["Statutory due time (para 9, para 13)"] == ("false", "5")

    # On Thursday it has passed: red, and the term still runs
    with time_machine.travel(almaty("2025-04-17 10:00"), tick=False):
        page = browser("olga").get(f"/tasks/{task.id}").get_data(as_text=True)
    assert _deadline_rows(page)[notice] == ("true", "-1")
    assert 'class="due-overdue" data-passed="true"' in page


def test_a_late_preliminary_refusal_is_a_finding_on_the_case_page_the_audit_page_and_the_record(
    browser, submit, orchestrator
):
    with time_machine.travel(almaty("2025-04-14 10:00"), tick=False):
        case_id = submit()
    task = _open_task(orchestrator, "officer_review")

    # When the officer refuses preliminarily on Friday 18 April, one working day before the term ends
    with time_machine.travel(almaty("2025-04-18 10:00"), tick=False):
        olga = browser("olga")
        olga.get(f"/tasks/{task.id}")
        answer = olga.post(f"/tasks/{task.id}", {"decision": "preliminary_refusal", "ground_3": "on"})
        submit.drain()
    assert answer.status_code == 302

    # Then the case page names the late notice and the hearing within the term
    page = browser("hana").get(f"/cases/{case_id}").get_data(as_text=True)
    assert '<tr class="due-overdue" data-element-id="hearing_notice_late">' in page
    assert "the preliminary refusal came late" in page
    assert "leaves 1 working day(s) of the term, not the 3 required" in page
    assert "the hearing at 2025-04-21 11:00 is within the term ending 2025-04-21 18:30" in page
    # and so do the auditor's page and the exported record
    audit = browser("aida").get(f"/audit/cases/{case_id}").get_data(as_text=True)
    assert 'data-element-id="hearing_notice_late"' in audit
    with orchestrator.transaction() as db:
        record = case_record(db, case_id)
    (finding,) = record["findings"]
    assert finding["element_id"] == "hearing_notice_late"
    assert any(
        e["seq"] == finding["seq"] and e["element_id"] == "hearing_notice_late" for e in record["events"]
    )


def test_a_timely_case_shows_no_findings(browser, submit):
    case_id = submit()
    page = browser("hana").get(f"/cases/{case_id}").get_data(as_text=True)
    assert "<h2>Findings</h2>" not in page
