"""The task list, claiming, and the officer's review and hearing forms."""

from __future__ import annotations

from sqlalchemy import select

from engine.people import queries
from store.models import HistoryEvent, UserTask


def _task_ids(page: str) -> list[str]:
    return [part.split('"', 1)[0] for part in page.split('data-task-id="')[1:]]


def _open_task(orchestrator, element_id: str) -> UserTask | None:
    with orchestrator.transaction() as db:
        return db.scalars(
            select(UserTask).where(UserTask.status == "open", UserTask.element_id == element_id)
        ).first()


def test_the_task_list_shows_my_groups_tasks_with_working_days_left_and_urgency(browser, submit):
    submit("APP-1")
    page = browser("olga").get("/tasks").get_data(as_text=True)
    assert "Review the application" in page
    assert "APP-1" in page and "one_time" in page and "Dala Trade LLP" in page
    assert 'data-urgency="overdue"' in page  # submitted in 2025: long past its due time


def test_filters_narrow_the_list_by_kind_business_key_and_status(browser, submit):
    submit("APP-1")
    submit("APP-2", kind="general")
    olga = browser("olga")
    assert len(_task_ids(olga.get("/tasks").get_data(as_text=True))) == 2
    assert len(_task_ids(olga.get("/tasks?kind=general").get_data(as_text=True))) == 1
    assert len(_task_ids(olga.get("/tasks?business_key=APP-2").get_data(as_text=True))) == 1
    assert _task_ids(olga.get("/tasks?status=mine").get_data(as_text=True)) == []
    (first, _) = _task_ids(olga.get("/tasks").get_data(as_text=True))
    olga.post(f"/tasks/{first}/claim")
    assert _task_ids(olga.get("/tasks?status=mine").get_data(as_text=True)) == [first]
    assert first not in _task_ids(olga.get("/tasks?status=unclaimed").get_data(as_text=True))


def test_pages_of_the_list_follow_each_other_without_gaps_or_repeats(app, orchestrator, submit):
    for number in range(5):
        submit(f"APP-{number}")
    wanted = queries.TaskFilter("olga", ("officers",))
    seen, after = [], None
    with orchestrator.transaction() as db:
        while True:
            page = queries.task_page(db, wanted, after, size=2)
            seen += [row.task.id for row in page.rows]
            if page.next_after is None:
                break
            after = page.next_after
        everything = [row.task.id for row in queries.task_page(db, wanted, None, size=50).rows]
    assert seen == everything and len(seen) == 5


def test_claiming_a_task_someone_else_claimed_is_a_conflict(browser, submit, orchestrator):
    submit()
    task = _open_task(orchestrator, "officer_review")
    assert browser("olga").post(f"/tasks/{task.id}/claim").status_code == 302
    oleg = browser("oleg")
    assert oleg.post(f"/tasks/{task.id}/claim").status_code == 409
    assert oleg.post(f"/tasks/{task.id}", {"decision": "issue"}).status_code == 409
    assert _open_task(orchestrator, "officer_review").assignee == "olga"


def test_a_head_may_take_back_a_claim_but_not_complete_an_officers_task(browser, submit, orchestrator):
    submit()
    task = _open_task(orchestrator, "officer_review")
    browser("olga").post(f"/tasks/{task.id}/claim")
    hana = browser("hana")
    assert hana.post(f"/tasks/{task.id}/unclaim").status_code == 302
    assert _open_task(orchestrator, "officer_review").assignee is None
    assert hana.post(f"/tasks/{task.id}", {"decision": "issue"}).status_code == 403


def test_the_review_form_shows_the_application_the_checks_and_the_ten_grounds(browser, submit, orchestrator):
    submit()
    task = _open_task(orchestrator, "officer_review")
    page = browser("olga").get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "PAY-1" in page and "fee_paid" in page and "automated_grounds" in page
    assert page.count('name="ground_') == 10
    assert "the license fee was not paid" in page


def test_a_refusal_without_a_ground_is_shown_again_with_the_message_and_nothing_is_saved(
    browser, submit, orchestrator
):
    submit()
    task = _open_task(orchestrator, "officer_review")
    answer = browser("olga").post(
        f"/tasks/{task.id}", {"decision": "preliminary_refusal", "refusal_reasons": "kept text"}
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "a refusal names at least one of the grounds" in page
    assert "kept text" in page and 'value="preliminary_refusal" checked' in page
    assert _open_task(orchestrator, "officer_review").id == task.id
    with orchestrator.transaction() as db:
        assert not db.scalars(select(HistoryEvent).where(HistoryEvent.kind == "user_task_completed")).all()


def test_an_officer_refuses_preliminarily_and_then_records_the_hearing(browser, submit, orchestrator):
    submit()
    olga = browser("olga")
    review = _open_task(orchestrator, "officer_review")
    answer = olga.post(
        f"/tasks/{review.id}",
        {"decision": "preliminary_refusal", "ground_3": "on", "refusal_reasons": "no payment found"},
    )
    assert answer.status_code == 302 and answer.location.startswith("/cases/")
    submit.drain()  # the hearing notice goes out
    hearing = _open_task(orchestrator, "record_hearing_outcome")
    assert hearing is not None
    answer = olga.post(
        f"/tasks/{hearing.id}", {"hearing_outcome": "refuse", "ground_3": "on", "hearing_minutes": "heard"}
    )
    assert answer.status_code == 302
    assert _open_task(orchestrator, "record_hearing_outcome") is None


def test_the_tasks_json_api_lists_the_same_tasks_for_signed_in_staff(browser, submit):
    submit("APP-7")
    answer = browser("olga").get("/api/tasks").get_json()
    assert [t["businessKey"] for t in answer["tasks"]] == ["APP-7"]
    assert answer["tasks"][0]["urgency"] == "overdue"
