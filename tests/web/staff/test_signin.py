"""Signing in and out, session cookies, and CSRF on every form."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from engine import clock
from engine.people import sign_in
from store.models import SignInAttempt
from tests.engine import sample
from tests.web.staff.conftest import PASSWORD, Browser


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


def _guess(visitor: Browser, username: str, address: str = "127.0.0.1", password: str = "a wrong guess"):
    visitor.get("/signin")
    return visitor.post(
        "/signin", {"username": username, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_repeated_wrong_passwords_throttle_the_account_with_a_clear_message_until_the_window_passes(app):
    visitor = Browser(app.test_client())
    start = clock.now()
    with time_machine.travel(start, tick=False):
        refused = [_guess(visitor, "olga").status_code for _ in range(sign_in.PER_ACCOUNT)]
        throttled = _guess(visitor, "olga", password=PASSWORD)  # even the right password waits

    assert refused == [401] * sign_in.PER_ACCOUNT
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == str(int(sign_in.WINDOW.total_seconds()))
    assert "Too many failed sign-ins for this user name or from this address" in throttled.get_data(
        as_text=True
    )
    assert "Try again in 15 minutes." in throttled.get_data(as_text=True)
    with time_machine.travel(start + sign_in.WINDOW + timedelta(seconds=1), tick=False):
        assert _guess(visitor, "olga", password=PASSWORD).status_code == 302


def test_a_name_nobody_has_is_throttled_the_same_way_so_the_answer_tells_no_names(app):
    answers = {}
    for name in ("olga", "nobody-by-this-name"):
        visitor = Browser(app.test_client())
        pages = [
            _guess(visitor, name, address=f"10.0.0.{len(answers)}") for _ in range(sign_in.PER_ACCOUNT + 1)
        ]
        answers[name] = [(page.status_code, _error(page)) for page in pages]

    assert answers["olga"] == answers["nobody-by-this-name"]
    assert answers["olga"][-1][0] == 429


def test_many_failures_from_one_address_throttle_it_for_every_name_but_not_other_addresses(app):
    visitor = Browser(app.test_client())
    for number in range(sign_in.PER_ADDRESS):
        assert _guess(visitor, f"guess-{number}", address="192.0.2.7").status_code == 401

    assert _guess(visitor, "olga", address="192.0.2.7", password=PASSWORD).status_code == 429
    assert _guess(visitor, "olga", address="198.51.100.1", password=PASSWORD).status_code == 302


def test_a_successful_sign_in_starts_the_accounts_count_afresh(app):
    visitor = Browser(app.test_client())
    for _ in range(sign_in.PER_ACCOUNT - 1):
        _guess(visitor, "oleg")
    assert _guess(visitor, "oleg", password=PASSWORD).status_code == 302

    assert _guess(Browser(app.test_client()), "oleg").status_code == 401


def test_every_attempt_is_kept_in_the_sign_in_history(app, orchestrator):
    visitor = Browser(app.test_client())
    for _ in range(sign_in.PER_ACCOUNT + 1):
        _guess(visitor, "hana", address="203.0.113.5")
    _guess(Browser(app.test_client()), "aida", password=PASSWORD)

    attempts = sample.rows(orchestrator, SignInAttempt)
    outcomes = [(a.username, a.address, a.outcome) for a in sorted(attempts, key=lambda a: a.id)]
    assert outcomes == [("hana", "203.0.113.5", "refused")] * sign_in.PER_ACCOUNT + [
        ("hana", "203.0.113.5", "throttled"),
        ("aida", "127.0.0.1", "signed_in"),
    ]


def _error(page) -> str:
    text = page.get_data(as_text=True)
    return text.split('role="alert">', 1)[1].split("<", 1)[0] if 'role="alert">' in text else ""
