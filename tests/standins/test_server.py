"""The stand-ins on a real loopback port: in a thread, and as `python -m standins`."""

from __future__ import annotations

import json
import re
import signal
import smtplib
import subprocess
import sys
import threading
import time
from email.message import EmailMessage

import httpx
import pytest

from standins.app import create_app
from standins.server import StandInServer
from tests.conftest import ROOT


@pytest.fixture
def server():
    server = StandInServer(create_app(test_config={"TESTING": True}))
    server.start()
    yield server
    server.stop()


def test_the_server_answers_on_a_loopback_port(server):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
    assert httpx.get(f"{server.url}/health").json() == {"status": "ok"}
    assert httpx.get(f"{server.url}/payments/PAY-2026-1110").json()["amount"] == 43250


def test_a_slow_answer_is_slow_over_http_too(server):
    httpx.post(f"{server.url}/_faults", json={"path_prefix": "/courts", "delay_seconds": 0.2})

    started = time.monotonic()
    answer = httpx.get(f"{server.url}/courts/bans", params={"applicant_id": "210840010108"})

    assert time.monotonic() - started >= 0.2
    assert answer.json()["bans"][0]["in_force"] is True


def test_a_malformed_body_breaks_a_json_client(server):
    httpx.post(f"{server.url}/_faults", json={"path_prefix": "/registry", "malformed_times": 1})

    answer = httpx.get(f"{server.url}/registry/subjects/150440001110")

    with pytest.raises(json.JSONDecodeError):
        answer.json()


def test_a_stopped_server_refuses_connections():
    server = StandInServer(create_app(test_config={"TESTING": True}))
    server.start()
    url = server.url
    server.stop()

    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/health", timeout=2)


@pytest.mark.slow
def test_python_m_standins_serves_http_and_smtp_until_sigterm(tmp_path):
    mail_dir = tmp_path / "mail"
    process = subprocess.Popen(
        [sys.executable, "-m", "standins", "--port", "0", "--smtp-port", "0", "--mail-dir", str(mail_dir)],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(30, process.kill)  # a process that never says where it listens
    watchdog.start()
    try:
        smtp_port, url = None, None
        for line in process.stderr:
            if found := re.search(r"SMTP sink on 127\.0\.0\.1:(\d+)", line):
                smtp_port = int(found[1])
            if found := re.search(r"serving on (http://127\.0\.0\.1:\d+)", line):
                url = found[1]
                break

        assert httpx.get(f"{url}/health").json() == {"status": "ok"}
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@x.example", "b@y.example", "hello"
        message.set_content("hello")
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as smtp:
            smtp.send_message(message)
        assert len(list(mail_dir.glob("*.eml"))) == 1
    finally:
        watchdog.cancel()
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)

    assert process.returncode == 0
