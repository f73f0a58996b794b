"""E-mail notices (para 13, appendix 1 item 5) over SMTP, configured by URL.

`smtp://host:port` (plain), `smtp+starttls://user:password@host:port` or
`smtps://user:password@host:port`. Each message's Message-ID is the task's
idempotency key, so a retried task's second send is recognised as the same message.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import unquote, urlsplit

from engine.worker import TaskContext, WorkerRegistry, now
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
    context: TaskContext,
):  # fmt: skip
    """para 13: the preliminary decision, its grounds and the time and method of the hearing."""
    grounds = "\n".join(f"  {line}" for line in describe_grounds(preliminary_grounds or []))
    send_mail(
        context,
        to=applicant_email,
        subject=f"Preliminary decision to refuse a license ({context.business_key}): hearing at {hearing_at}",
        body=f"Dear {applicant_name},\n\n"
        f"The provider has made a preliminary decision to refuse the license on the grounds:\n{grounds}\n"
        f"Reasons: {refusal_reasons or '-'}\n\n"
        f"You are invited to a hearing at {hearing_at} (Asia/Almaty), by video call or in person "
        f"at the provider's office, to give your objections (para 13 of the Rules).\n"
        f"The result is due by {statutory_due_at}.\n",
    )
    return {"hearing_notice_sent_at": now().isoformat()}


@registry.topic("notice.result")
def send_result_notice(applicant_email, applicant_name, cabinet_message, context: TaskContext):
    """appendix 1 item 5: tell the applicant the result is in the personal cabinet."""
    send_mail(
        context,
        to=applicant_email,
        subject=f"Result of your license application {context.business_key}",
        body=f"Dear {applicant_name},\n\n{cabinet_message}\n"
        "The document is available in your personal cabinet on the portal.\n",
    )


def _tell_officers_and_heads(context: TaskContext, subject: str, body: str) -> None:
    config = settings()
    send_mail(context, to=f"{config.officers_email}, {config.heads_email}", subject=subject, body=body)


@registry.topic("deadline.warn")
def warn_of_deadline(statutory_due_at, context: TaskContext):
    """para 9, para 13: officers and heads are warned one working day before the term ends."""
    _tell_officers_and_heads(
        context,
        f"Term ends tomorrow: application {context.business_key}",
        f"The statutory term of application {context.business_key} ends {statutory_due_at}.",
    )


@registry.topic("deadline.escalate")
def escalate_deadline(statutory_due_at, context: TaskContext):
    """para 9, para 13: the head of department is told the term was missed."""
    _tell_officers_and_heads(
        context,
        f"Term missed: application {context.business_key}",
        f"The statutory term of application {context.business_key} ended {statutory_due_at} "
        "without a result. The case waits for its decision.",
    )


@registry.topic("deadline.notice_passed")
def alert_head_of_notice_deadline(hearing_notice_due_at, statutory_due_at, context: TaskContext):
    """para 13: the head is told a hearing notice can no longer leave 3 working days of the term."""
    _tell_officers_and_heads(
        context,
        f"Hearing notice deadline passed: application {context.business_key}",
        f"The officer has not decided on application {context.business_key}, and the latest time "
        f"for a hearing notice 3 working days before the term ends ({hearing_notice_due_at}) has "
        f"passed. A preliminary refusal made now is recorded as late; the term ends {statutory_due_at}.",
    )
