"""Officers and heads in a real browser: Debian's Chromium, driven by Playwright, against a
licflow app on a loopback port with the real diagrams and in-process fake workers.

An officer refuses preliminarily on the ground the checks found, records the hearing's
outcome, and the head reads the case page with its diagram drawn by bpmn-js; then the
task list, a task form and a case page are read in Kazakh and in Russian. With
LICFLOW_SCREENSHOTS=1 (or a folder: LICFLOW_SCREENSHOTS=docs/screenshots) the pages are
saved there for the documentation; without it they go to a temporary folder.
"""

from __future__ import annotations

import functools
import os
import threading
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

import engine.people.queries  # noqa: F401  (labels cases from the first one on)
import engine.people.users
from engine import clock
from engine.external.worker_loop import WorkerLoop
from engine.people.users import add_user
from engine.runtime.definitions import read_documents
from procedure.calendar import ALMATY
from tests.diagrams.test_diagrams_open_in_bpmn_js import BPMN_JS
from tests.diagrams.tooling import chromium_browser, skip_or_fail
from tests.procedure.harness import application
from tests.procedure.world import World
from web import create_app

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
TIMEOUT_MS = 30_000
pytestmark = pytest.mark.slow


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: docs/screenshots/ (or the folder named) when asked for, else a temporary one."""
    asked = os.environ.get("LICFLOW_SCREENSHOTS", "")
    if asked == "1":
        return ROOT / "docs" / "screenshots"
    return ROOT / asked if asked else tmp_path


@pytest.fixture
def site(orchestrator, monkeypatch):
    """The licflow app on a loopback port, the license procedure deployed, staff of each role."""
    if not BPMN_JS.is_file():
        skip_or_fail(f"bpmn-js not installed ({BPMN_JS} missing): run `npm ci`")
    orchestrator.deploy(read_documents(sorted((ROOT / "bpmn").glob("*.*"))))
    quick = functools.partial(generate_password_hash, method="pbkdf2:sha256:1")
    monkeypatch.setattr(engine.people.users, "generate_password_hash", quick)  # scrypt costs seconds here
    with orchestrator.transaction() as db:
        add_user(db, "olga", PASSWORD, ["officers"], full_name="Olga Officer", language="en")
        add_user(db, "hana", PASSWORD, ["heads"], full_name="Hana Head", language="en")
        add_user(db, "nurs", PASSWORD, ["analysts"], full_name="Nurs Analyst", language="en")
        add_user(db, "aigerim", PASSWORD, ["officers"], full_name="Әйгерім Қасымқызы", language="kk")
        add_user(db, "ruslan", PASSWORD, ["officers"], full_name="Руслан Ахметов")  # follows his browser
    app = create_app(orchestrator, {"SECRET_KEY": "browser-test", "API_TOKENS": {}})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def chromium():
    """Debian's Chromium, headless."""
    with chromium_browser() as browser:
        yield browser


def sign_in(page, site: str, username: str) -> None:
    page.goto(f"{site}/signin")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("section.signin button[type=submit]")


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_an_officer_refuses_after_a_hearing_and_the_head_reads_the_case(orchestrator, site, chromium, shots):
    # Given an application whose fee was not paid, submitted now
    world = World(fee_paid=False)
    loop = WorkerLoop(orchestrator.store, world.registry(), "browser-test")
    submitted_at = clock.now().astimezone(ALMATY).isoformat()
    case_id = orchestrator.start_case(
        "license_issuance", "APP-2026-000101", application(submitted_at=submitted_at), "portal"
    )
    loop.drain()
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # When the officer signs in and opens the review from the task list
    page.goto(f"{site}/signin")
    page.screenshot(path=shots / "signin.png")
    sign_in(page, site, "olga")
    page.wait_for_selector("tr[data-task-id]")
    assert "APP-2026-000101" in page.inner_text("table.tasks")
    page.screenshot(path=shots / "task-list.png", full_page=True)
    page.click("text=Review the application")
    page.wait_for_selector("form.task")

    # and refuses preliminarily without a ground first: the form comes back with the message
    page.check("input[name=decision][value=preliminary_refusal]")
    page.fill("textarea[name=refusal_reasons]", "No payment under PAY-1")
    page.click("text=Complete the task")
    assert "a refusal names at least one of the grounds" in page.inner_text("fieldset.grounds")
    assert page.input_value("textarea[name=refusal_reasons]") == "No payment under PAY-1"
    page.check("input[name=ground_3]")
    page.screenshot(path=shots / "task-form.png", full_page=True)
    page.click("text=Complete the task")
    page.wait_for_url(f"{site}/cases/{case_id}")
    loop.drain()  # the hearing notice goes out

    # and records the hearing's outcome
    page.goto(f"{site}/tasks")
    page.click("text=Record the hearing's outcome")
    page.check("input[name=hearing_outcome][value=refuse]")
    page.check("input[name=ground_3]")
    page.fill("textarea[name=hearing_minutes]", "The applicant did not show a payment.")
    page.click("text=Complete the task")
    page.wait_for_url(f"{site}/cases/{case_id}")
    loop.drain()
    page.click("text=Sign out")

    # Then the head sees the case with its diagram drawn and marked, and its deadlines
    sign_in(page, site, "hana")
    page.goto(f"{site}/cases/{case_id}")
    page.wait_for_function("window.caseDiagram && window.caseDiagram.rendered === true")
    assert page.locator("#diagram svg .djs-element").count() > 10
    assert page.locator("#diagram .djs-element.lf-done").count() > 3
    finished = page.evaluate("window.caseDiagram.marked.finished")
    assert "consideration" in finished or page.locator(".djs-element.lf-active").count() > 0
    assert "Record the hearing's outcome" in page.inner_text("table.subprocess-elements")
    deadlines = page.inner_text("table.deadlines")
    assert "Statutory due time" in deadlines and "working days from" in deadlines
    page.screenshot(path=shots / "case.png", full_page=True)
    page.click("text=Sign out")

    # and the analyst sees the deployed versions
    sign_in(page, site, "nurs")
    page.wait_for_selector("table.versions")
    assert "license_issuance" in page.inner_text("table.versions")
    page.screenshot(path=shots / "deployments.png", full_page=True)
    assert errors == []


# What each language must show on the three pages, and the English words its page chrome
# (navigation, headings, table heads, buttons, filters) must no longer carry.
WORDS = {
    "kk": {
        "tasks": ["Ашық тапсырмалар", "Қалған жұмыс күндері", "Орындаушы", "Алу", "Шығу"],
        "form": [
            "Нысан сақталмады",
            "негіздердің кемінде біреуі",
            "Бас тарту негіздері",
            "Тапсырманы орындау",
        ],
        "case": ["Мерзімдер", "жұмыс күні", "Тарих", "Айнымалылар", "(Asia/Almaty)"],
    },
    "ru": {
        "tasks": ["Открытые задачи", "Осталось рабочих дней", "Исполнитель", "Взять", "Выйти"],
        "form": [
            "Форма не сохранена",
            "хотя бы одно из оснований",
            "Основания для отказа",
            "Завершить задачу",
        ],
        "case": ["Сроки", "рабочих дн.", "История", "Переменные", "(Asia/Almaty)"],
    },
}
ENGLISH_CHROME = [
    "Tasks", "Cases", "Sign out", "Open tasks", "Due", "Working days left", "Assignee", "Claim",
    "Filter", "License kind", "Deadline", "History", "Variables", "Incidents", "Complete the task",
    "Refusal grounds", "The application", "Automated checks", "working days from", "Documents received",
]  # fmt: skip
CHROME = """() => Array.from(document.querySelectorAll(
    'nav, h2, thead, button, form.filters label, fieldset.grounds > legend, p.error, .field-error,'
    + ' table.deadlines'
  )).filter(e => !e.closest('form.languages')).map(e => e.innerText).join('\\n')"""


def _english_left(page) -> list[str]:
    chrome = page.evaluate(CHROME)
    return [word for word in ENGLISH_CHROME if word in chrome]


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("language", "officer", "browser_locale"),
    [("kk", "aigerim", "en-US"), ("ru", "ruslan", "ru-RU")],  # her setting beats the browser; his browser
)
def test_the_task_list_a_task_form_and_a_case_page_read_in_kazakh_and_russian(
    orchestrator, site, chromium, shots, language, officer, browser_locale
):
    world = World(fee_paid=False)
    loop = WorkerLoop(orchestrator.store, world.registry(), "browser-test")
    submitted_at = clock.now().astimezone(ALMATY).isoformat()
    case_id = orchestrator.start_case(
        "license_issuance", "APP-2026-000202", application(submitted_at=submitted_at), "portal"
    )
    loop.drain()
    page = chromium.new_context(locale=browser_locale, viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    words = WORDS[language]

    # The task list
    sign_in(page, site, officer)
    page.wait_for_selector("tr[data-task-id]")
    assert page.get_attribute("html", "lang") == language
    text = page.inner_text("body")
    assert [word for word in words["tasks"] if word not in text] == []
    assert _english_left(page) == []
    page.screenshot(path=shots / f"tasks-{language}.png", full_page=True)

    # A task form sent back with the rule's message: no ground named for a refusal
    page.click("table.tasks tbody a[href^='/tasks/']")
    page.wait_for_selector("form.task")
    page.check("input[name=decision][value=preliminary_refusal]")
    page.fill("textarea[name=refusal_reasons]", "PAY-1")
    page.click("form.task button[type=submit]")
    page.wait_for_selector("p.error")
    text = page.inner_text("body")
    assert [word for word in words["form"] if word not in text] == []
    assert _english_left(page) == []
    page.screenshot(path=shots / f"task-form-{language}.png", full_page=True)

    # The case page, its deadlines explained in working days
    page.goto(f"{site}/cases/{case_id}")
    page.wait_for_function("window.caseDiagram && window.caseDiagram.rendered === true")
    text = page.inner_text("body")
    assert [word for word in words["case"] if word not in text] == []
    assert _english_left(page) == []
    page.screenshot(path=shots / f"case-{language}.png", full_page=True)
    assert errors == []
