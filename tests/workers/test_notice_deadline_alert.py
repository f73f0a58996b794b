"""Para 13: the head is told when a hearing notice can no longer leave 3 working days of the term."""

from __future__ import annotations

import pytest

from engine.worker import TaskContext
from standins.mail import MailSink
from workers.notices import alert_head_of_notice_deadline
from workers.settings import settings


@pytest.fixture
def sink(tmp_path, monkeypatch):
    sink = MailSink(directory=tmp_path / "mail")
    sink.start()
    monkeypatch.setenv("LICFLOW_SMTP_URL", f"smtp://127.0.0.1:{sink.port}")
    settings.cache_clear()
    yield sink
    sink.stop()
    settings.cache_clear()


def test_the_alert_goes_to_the_heads_with_the_missed_moment_and_the_term(sink):
    context = TaskContext("task-7", "case-1", "APP-2026-000007", "deadline.notice_passed", 1, "case-1:task-7")

    alert_head_of_notice_deadline("2026-11-18T18:30:00+05:00", "2026-11-23T18:30:00+05:00", context)
    alert_head_of_notice_deadline(
        "2026-11-18T18:30:00+05:00", "2026-11-23T18:30:00+05:00", context
    )  # retried

    (message,) = sink.messages()  # the same Message-ID: kept once
    assert "heads@industry.gov.kz.example" in message["To"]
    assert message["Subject"] == "Hearing notice deadline passed: application APP-2026-000007"
    body = message.get_content()
    assert (
        "(2026-11-18T18:30:00+05:00) has passed" in body and "the term ends 2026-11-23T18:30:00+05:00" in body
    )
