"""Para 13: the head is told when a hearing notice can no longer leave 3 working days of the term."""

from __future__ import annotations

from engine.worker import TaskContext
from workers.notices import alert_head_of_notice_deadline


def _alert(language: str) -> None:
    context = TaskContext("task-7", "case-1", "APP-2026-000007", "deadline.notice_passed", 1, "case-1:task-7")
    alert_head_of_notice_deadline(
        "2026-11-18T18:30:00+05:00", "2026-11-23T18:30:00+05:00", language=language, context=context
    )


def test_the_alert_goes_to_the_heads_with_the_missed_moment_and_the_term(sink):
    _alert("en")
    _alert("en")  # retried

    (message,) = sink.messages()  # the same Message-ID: kept once
    assert "heads@industry.gov.kz.example" in message["To"]
    assert message["Subject"] == "Hearing notice deadline passed: application APP-2026-000007"
    body = message.get_content()
    assert "(18 November 2026, 18:30 (Asia/Almaty)) has passed" in body
    assert "the term ends 23 November 2026, 18:30 (Asia/Almaty)" in body


def test_the_alert_of_a_kazakh_application_is_written_in_kazakh(sink):
    _alert("kk")

    (message,) = sink.messages()
    assert message["Subject"] == "Тыңдау туралы хабарлама жіберу мерзімі өтті: APP-2026-000007 өтініші"
    body = message.get_content()
    assert "3 (үш) жұмыс күні бұрын жіберудің соңғы уақыты (18 қараша 2026, 18:30 (Asia/Almaty)) өтті" in body
