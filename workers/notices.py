"""E-mail notices (para 13, appendix 1 item 5) over SMTP, configured by URL.

`smtp://host:port` (plain), `smtp+starttls://user:password@host:port` or
`smtps://user:password@host:port`. Each message's Message-ID is the task's
idempotency key, so a retried task's second send is recognised as the same message.
Every message is written in the application's language (`language`: kk, ru or en,
Kazakh when the application named none), its times in that language's local format with
the zone (Asia/Almaty) named.
"""

from __future__ import annotations

import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import unquote, urlsplit

from engine.worker import TaskContext, WorkerRegistry, checked, moment_text, now, translator
from procedure.grounds import describe as describe_grounds
from workers.settings import settings

registry = WorkerRegistry()
SMTP_TIMEOUT = 20


def message_id(context: TaskContext) -> str:
    """Return the Message-ID of the task's e-mail: the same for every delivery of the task."""
    safe = "".join(ch if ch.isalnum() or ch in "-." else "." for ch in context.idempotency_key)
    return f"<{safe}@licflow>"


def send_mail(context: TaskContext, to: str, subject: str, body: str) -> None:
    """Send one e-mail for the task through the configured SMTP server."""
    config = settings()
    message = EmailMessage()
    message["From"] = config.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now())
    message["Message-ID"] = message_id(context)
    message.set_content(body)
    url = urlsplit(config.smtp_url)
    host, port = url.hostname or "127.0.0.1", url.port
    if url.scheme == "smtps":
        connection = smtplib.SMTP_SSL(host, port or 465, timeout=SMTP_TIMEOUT)
    elif url.scheme in ("smtp", "smtp+starttls"):
        connection = smtplib.SMTP(host, port or 25, timeout=SMTP_TIMEOUT)
    else:
        raise ValueError(
            f"LICFLOW_SMTP_URL must be smtp://, smtp+starttls:// or smtps://, got {url.scheme}://"
        )
    with connection:
        if url.scheme == "smtp+starttls":
            connection.starttls()
        if url.username:
            connection.login(unquote(url.username), unquote(url.password or ""))
        connection.send_message(message)


@registry.topic("notice.hearing")
def send_hearing_notice(
    applicant_email, applicant_name, preliminary_grounds, refusal_reasons, hearing_at, statutory_due_at,
    language, context: TaskContext,
):  # fmt: skip
    """para 13: the preliminary decision, its grounds and the time and method of the hearing."""
    language = checked(language)
    _ = translator(language)
    hearing, due = _moment(hearing_at, language), _moment(statutory_due_at, language)
    grounds = "\n".join(f"  {line}" for line in describe_grounds(preliminary_grounds or [], language))
    paragraphs = [
        _("Dear %(name)s,") % {"name": applicant_name},
        _("The provider has made a preliminary decision to refuse the license on the grounds:")
        + f"\n{grounds}\n"
        + _("Reasons: %(reasons)s") % {"reasons": refusal_reasons or "—"},
        _(
            "You are invited to a hearing at %(hearing)s, by video call or in person at the "
            "provider's office, to give your objections (para 13 of the Rules)."
        )
        % {"hearing": hearing}
        + "\n"
        + _("The result is due by %(due)s.") % {"due": due},
    ]
    send_mail(
        context,
        to=applicant_email,
        subject=_("Preliminary decision to refuse a license (%(application)s): hearing at %(hearing)s")
        % {"application": context.business_key, "hearing": hearing},
        body="\n\n".join(paragraphs) + "\n",
    )
    return {"hearing_notice_sent_at": now().isoformat()}


@registry.topic("notice.result")
def send_result_notice(applicant_email, applicant_name, cabinet_message, language, context: TaskContext):
    """appendix 1 item 5: tell the applicant the result is in the personal cabinet."""
    _ = translator(language)
    send_mail(
        context,
        to=applicant_email,
        subject=_("Result of your license application %(application)s")
        % {"application": context.business_key},
        body=_("Dear %(name)s,") % {"name": applicant_name}
        + f"\n\n{cabinet_message}\n"
        + _("The document is available in your personal cabinet on the portal.")
        + "\n",
    )


def _tell_officers_and_heads(context: TaskContext, subject: str, body: str) -> None:
    config = settings()
    send_mail(context, to=f"{config.officers_email}, {config.heads_email}", subject=subject, body=body)


@registry.topic("deadline.warn")
def warn_of_deadline(statutory_due_at, language, context: TaskContext):
    """para 9, para 13: officers and heads are warned one working day before the term ends."""
    _, key = translator(language), {"application": context.business_key}
    _tell_officers_and_heads(
        context,
        _("Term ends tomorrow: application %(application)s") % key,
        _("The statutory term of application %(application)s ends %(due)s.")
        % {**key, "due": _moment(statutory_due_at, language)},
    )


@registry.topic("deadline.escalate")
def escalate_deadline(statutory_due_at, language, context: TaskContext):
    """para 9, para 13: the head of department is told the term was missed."""
    _, key = translator(language), {"application": context.business_key}
    _tell_officers_and_heads(
        context,
        _("Term missed: application %(application)s") % key,
        _(
            "The statutory term of application %(application)s ended %(due)s without a result. "
            "The case waits for its decision."
        )
        % {**key, "due": _moment(statutory_due_at, language)},
    )


@registry.topic("deadline.notice_passed")
def alert_head_of_notice_deadline(hearing_notice_due_at, statutory_due_at, language, context: TaskContext):
    """para 13: the head is told a hearing notice can no longer leave 3 working days of the term."""
    _, key = translator(language), {"application": context.business_key}
    _tell_officers_and_heads(
        context,
        _("Hearing notice deadline passed: application %(application)s") % key,
        _(
            "The officer has not decided on application %(application)s, and the latest time for a "
            "hearing notice 3 working days before the term ends (%(notice_due)s) has passed. A "
            "preliminary refusal made now is recorded as late; the term ends %(due)s."
        )
        % {
            **key,
            "notice_due": _moment(hearing_notice_due_at, language),
            "due": _moment(statutory_due_at, language),
        },
    )


def _moment(value: str | None, language: str | None) -> str:
    """Return an ISO time as people of `language` read it, the zone named."""
    return moment_text(datetime.fromisoformat(value) if value else None, language)
