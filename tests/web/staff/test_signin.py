"""Signing in and out, session cookies, and CSRF on every form."""

from __future__ import annotations

from tests.web.staff.conftest import Browser


def test_a_wrong_password_is_refused_with_401_and_no_session(browser):
    visitor = browser()
    answer = visitor.sign_in("olga", "not the password")
    assert answer.status_code == 401
    assert visitor.get("/tasks").status_code == 302


def test_an_officer_signs_in_lands_on_the_task_list_and_signs_out(browser):
    olga = browser("olga")
    assert olga.get("/").location == "/tasks"
    assert olga.get("/tasks").status_code == 200
    assert olga.post("/signout").location == "/signin"
    assert olga.get("/tasks").location.startswith("/signin")


def test_sign_in_returns_to_the_page_asked_for_but_never_to_another_site(browser):
    visitor = browser()
    visitor.get("/signin")
    answer = visitor.post(
        "/signin", {"username": "aida", "password": "correct horse battery", "next": "/cases"}
    )
    assert answer.location == "/cases"
    visitor = browser()
    visitor.get("/signin")
    answer = visitor.post(
        "/signin", {"username": "aida", "password": "correct horse battery", "next": "//evil.example/"}
    )
    assert answer.location == "/"


def test_the_session_cookie_is_httponly_and_samesite_lax_and_secure_off_loopback(app):
    for base_url, secure in (
        ("http://127.0.0.1", False),
        ("http://licflow.example", True),
        ("https://127.0.0.1", True),
    ):
        visitor = Browser(app.test_client())
        visitor.client.get("/signin", base_url=base_url)
        cookie = visitor.client.get_cookie("session", domain=base_url.split("//")[1])
        assert cookie is not None, base_url
        header = cookie.http_only, cookie.same_site, cookie.secure
        assert header == (True, "Lax", secure), base_url


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(browser, submit):
    submit()
    olga = browser("olga")
    page = olga.get("/tasks").get_data(as_text=True)
    task_id = page.split('data-task-id="', 1)[1].split('"', 1)[0]
    answer = olga.client.post(f"/tasks/{task_id}/claim", data={})
    assert answer.status_code == 400
    assert "olga" not in olga.get(f"/tasks/{task_id}").get_data(as_text=True).split("Assignee:", 1)[1][:40]


def test_token_apis_need_no_csrf_token(app):
    answer = app.test_client().get("/api/engine/tasks", headers={"Authorization": "Bearer tok"})
    assert answer.status_code == 200
