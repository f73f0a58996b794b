"""In Chromium, the auditor's player redraws the diagram's state at each step of the history."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from tests.diagrams.test_diagrams_open_in_bpmn_js import BPMN_JS
from tests.diagrams.tooling import CHROMIUM, CHROMIUM_ARGS, skip_or_fail
from tests.web.staff.conftest import PASSWORD

RENDER_TIMEOUT_MS = 30_000


@pytest.fixture
def served(app):
    """The app on a loopback port of its own, for the length of one test."""
    if not BPMN_JS.is_file() or not CHROMIUM.exists():
        skip_or_fail("bpmn-js (npm ci) or Chromium is not installed")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_the_player_marks_where_the_case_waited_and_the_paths_it_took_at_each_step(served, submit):
    sync_api = pytest.importorskip("playwright.sync_api")
    case_id = submit()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{served}/signin")
            page.fill("input[name=username]", "aida")
            page.fill("input[name=password]", PASSWORD)
            page.click("section.signin button[type=submit]")
            page.goto(f"{served}/audit/cases/{case_id}")
            page.wait_for_function(
                "window.auditPlayer && window.auditPlayer.rendered", timeout=RENDER_TIMEOUT_MS
            )
            first = page.evaluate("window.auditPlayer.marked")
            page.click("#step-last")
            last = page.evaluate("window.auditPlayer.marked")
            page.click("#step-back")
            before_last = page.evaluate("window.auditPlayer.step")
        finally:
            browser.close()

    assert first["active"] == ["announce_acceptance"]
    assert "register_application" in first["finished"]
    assert "flow_submitted_route" in first["taken"]
    assert "consideration" in last["active"]
    assert "announce_acceptance" in last["finished"]
    assert before_last >= 1
