"""The SMTP sink: real messages over loopback, each Message-ID kept once."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from standins.mail import MailSink


@pytest.fixture
def sink(tmp_path):
    sink = MailSink(directory=tmp_path / "mail")
    sink.start()
    yield sink
    sink.stop()


def hearing_notice(message_id: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "noreply@licensing.example"
    message["To"] = "office@dala.example"
    message["Subject"] = "Preliminary refusal: hearing on 2 December 2026"
    message["Message-ID"] = message_id
    message.set_content("You may be heard before the decision (para 13 of the Rules).")
    return message


def send(sink: MailSink, message: EmailMessage) -> None:
    with smtplib.SMTP(sink.host, sink.port, timeout=10) as smtp:
        smtp.send_message(message)


def test_the_sink_binds_a_free_loopback_port(sink):
    assert sink.host == "127.0.0.1"
    assert sink.port > 0


def test_a_message_sent_over_smtp_is_kept_and_parsed(sink):
    message_id = make_msgid(domain="licensing.example")

    send(sink, hearing_notice(message_id))

    [received] = sink.messages()
    assert isinstance(received, EmailMessage)
    assert received["Message-ID"] == message_id
    assert received["To"] == "office@dala.example"
    assert "para 13" in received.get_content()


def test_a_retried_send_is_accepted_but_kept_once(sink):
    message_id = make_msgid(domain="licensing.example")

    send(sink, hearing_notice(message_id))
    send(sink, hearing_notice(message_id))

    assert [m["Message-ID"] for m in sink.messages()] == [message_id]


def test_messages_with_different_ids_are_all_kept(sink):
    first, second = make_msgid(domain="a.example"), make_msgid(domain="b.example")

    send(sink, hearing_notice(first))
    send(sink, hearing_notice(second))

    assert [m["Message-ID"] for m in sink.messages()] == [first, second]


def test_each_kept_message_is_written_as_an_eml_file(sink):
    send(sink, hearing_notice(make_msgid(domain="licensing.example")))
    send(sink, hearing_notice(make_msgid(domain="licensing.example")))

    files = sorted(sink.directory.glob("*.eml"))

    assert len(files) == 2
    assert files[0].name.startswith("0001-")
    assert b"Preliminary refusal" in files[0].read_bytes()


def test_messages_stay_readable_after_the_sink_stops(tmp_path):
    sink = MailSink()
    sink.start()
    send(sink, hearing_notice(make_msgid(domain="licensing.example")))
    sink.stop()

    assert len(sink.messages()) == 1


def test_messages_without_a_message_id_are_each_kept(sink):
    message = hearing_notice("")
    del message["Message-ID"]

    send(sink, message)
    send(sink, message)

    assert len(sink.messages()) == 2
