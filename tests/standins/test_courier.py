"""Delivering answers to licflow: retried with backoff, given up in the end, over real HTTP too."""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager

import pytest
from flask import Flask, jsonify, request
from werkzeug.serving import make_server

from standins.app import create_app
from standins.courier import RetryPolicy
from tests.standins.conftest import TOKEN

NSC_POSITIVE = "190640015155"  # the NSC agrees after 20 s


@pytest.fixture
def due_answer(client, clock):
    """A consultation whose positive answer is due now."""
    client.post(
        "/consultations",
        json={"body": "nsc", "business_key": "APP-1", "applicant_id": NSC_POSITIVE, "request_id": "REQ-1"},
    )
    clock.advance(seconds=20)
    return "REQ-1"


def shown(client, request_id: str) -> dict:
    return client.get(f"/consultations/{request_id}").get_json()


def test_a_case_not_waiting_yet_is_offered_the_answer_again_after_a_second(
    app, client, clock, engine, due_answer
):
    engine.fail_next(404)

    assert app.standins.courier.deliver_due_answers() == []
    clock.advance(seconds=0.9)
    assert app.standins.courier.deliver_due_answers() == []
    clock.advance(seconds=0.1)
    delivered = app.standins.courier.deliver_due_answers()

    assert [c.request_id for c in delivered] == ["REQ-1"]
    assert len(engine.messages) == 2
    assert shown(client, due_answer)["status"] == "answered"


def test_a_case_that_never_waits_is_given_up_after_a_few_tries_and_logged(
    app, client, clock, engine, due_answer, caplog
):
    engine.fail_next(404, 404, 404, 404)

    with caplog.at_level(logging.WARNING, logger="standins.courier"):
        for _ in range(6):
            app.standins.courier.deliver_due_answers()
            clock.advance(seconds=60)

    assert len(engine.messages) == 3  # not_waiting_attempts of the tests' policy
    consultation = shown(client, due_answer)
    assert consultation["status"] == "failed_delivery"
    assert "404" in consultation["last_delivery_error"]
    assert "gave up delivering consultation REQ-1 for APP-1 after 3 attempts" in caplog.text


def test_server_errors_are_retried_with_doubling_waits(app, client, clock, engine, due_answer):
    engine.fail_next(503, 500)
    courier = app.standins.courier

    courier.deliver_due_answers()  # 503; next try in 1 s
    clock.advance(seconds=1)
    courier.deliver_due_answers()  # 500; next try in 2 s
    clock.advance(seconds=1.5)
    assert courier.deliver_due_answers() == []
    clock.advance(seconds=0.5)
    assert [c.request_id for c in courier.deliver_due_answers()] == ["REQ-1"]

    assert len(engine.messages) == 3
    assert shown(client, due_answer)["delivery_attempts"] == 3


def test_a_refused_connection_is_retried(app, client, clock, engine, due_answer):
    engine.fail_next("down")

    app.standins.courier.deliver_due_answers()
    assert "ConnectError" in shown(client, due_answer)["last_delivery_error"]
    clock.advance(seconds=1)
    app.standins.courier.deliver_due_answers()

    assert shown(client, due_answer)["status"] == "answered"


def test_an_engine_that_stays_down_is_given_up(app, client, clock, engine, due_answer):
    engine.fail_next(*["down"] * 10)

    for _ in range(10):
        app.standins.courier.deliver_due_answers()
        clock.advance(seconds=60)

    assert shown(client, due_answer)["status"] == "failed_delivery"
    assert shown(client, due_answer)["delivery_attempts"] == 4  # max_attempts of the tests' policy


def test_a_refused_token_is_not_retried(app, client, clock, engine, due_answer):
    engine.fail_next(401)

    app.standins.courier.deliver_due_answers()
    clock.advance(seconds=60)
    app.standins.courier.deliver_due_answers()

    assert len(engine.messages) == 1
    assert shown(client, due_answer)["status"] == "failed_delivery"


def test_a_failed_delivery_can_be_answered_again_by_a_person(app, client, engine, due_answer):
    engine.fail_next(401)
    app.standins.courier.deliver_due_answers()

    answer = client.post(f"/consultations/{due_answer}/answer", json={"verdict": "positive"})

    assert answer.get_json()["status"] == "answered"
    assert len(engine.messages) == 2


def test_the_backoff_is_capped():
    policy = RetryPolicy(first_delay_seconds=1, max_delay_seconds=60)

    assert [policy.delay_after(n).total_seconds() for n in (1, 2, 3, 6, 7, 20)] == [1, 2, 4, 32, 60, 60]


class FakeLicflow:
    """licflow's message API on a real loopback port."""

    def __init__(self) -> None:
        self.messages: list[dict] = []
        self.received = threading.Event()
        self.app = Flask(__name__)
        self.app.add_url_rule("/api/engine/message", view_func=self.correlate, methods=["POST"])

    def correlate(self):
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return jsonify(type="Unauthorized"), 401
        self.messages.append(request.get_json())
        self.received.set()
        return jsonify(caseId="case-1")


@contextmanager
def serving(app: Flask):
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}"
    finally:
        http.shutdown()
        thread.join()
        http.server_close()


def test_the_background_thread_delivers_an_answer_over_loopback_http():
    licflow = FakeLicflow()
    seed = {
        "applicants": [
            {"id": "190640015155", "kind": "legal_entity", "name": "Qorgau Security LLP", "consultation": {}}
        ],
        "consultation_default": {"verdict": "positive", "after_seconds": 0},
    }
    with serving(licflow.app) as engine_url:
        app = create_app(
            seed,
            {"ENGINE_URL": engine_url, "ENGINE_TOKEN": TOKEN, "DELIVERY_POLL_SECONDS": 0.01},
        )
        try:
            client = app.test_client()
            client.post(
                "/consultations",
                json={
                    "body": "nsc",
                    "business_key": "APP-9",
                    "applicant_id": "190640015155",
                    "request_id": "R",
                },
            )

            assert licflow.received.wait(timeout=10)
        finally:
            app.shutdown()

    assert licflow.messages[0]["businessKey"] == "APP-9"
    assert licflow.messages[0]["processVariables"]["consultation_positive"] is True
    assert client.get("/consultations/R").get_json()["status"] == "answered"
