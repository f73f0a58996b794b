"""The crash soak's workers: an e-mail and a payment use, each an outside effect keyed by its task.

Loaded by `licflow worker --workers bench.soak_workers` (and by `licflow serve`, which
checks that every deployed topic has a worker). Each effect names the worker process
that made it (SOAK_WORKER, set by the soak per process it starts) so that the soak can
tell which process's kill explains an effect that happened twice. SOAK_EFFECT_DELAY
(seconds) stands for the outside call still answering after the effect was made: a
worker killed in that window made the effect but never reported it.
"""

from __future__ import annotations

import os
import smtplib
import time
from email.message import EmailMessage
from urllib.parse import urlsplit

import httpx

from engine.worker import TaskContext, WorkerRegistry
from workers.notices import message_id
from workers.settings import settings

registry = WorkerRegistry()
HEADER = "X-Soak-Worker"
TIMEOUT = 10.0


def _worker() -> str:
    return os.environ.get("SOAK_WORKER", "unknown")


def _outside_call_still_answering() -> None:
    delay = float(os.environ.get("SOAK_EFFECT_DELAY", "0") or 0)
    if delay > 0:
        time.sleep(delay)


@registry.topic("soak.notify")
def notify(applicant_email, context: TaskContext) -> dict:
    """Send the applicant one e-mail; its Message-ID is the same for every delivery of the task."""
    message = EmailMessage()
    message["From"] = settings().mail_from
    message["To"] = applicant_email
    message["Subject"] = f"Your application {context.business_key}"
    message["Message-ID"] = message_id(context)
    message[HEADER] = _worker()
    message.set_content("Your application was received.")
    url = urlsplit(settings().smtp_url)
    with smtplib.SMTP(url.hostname or "127.0.0.1", url.port or 25, timeout=TIMEOUT) as connection:
        connection.send_message(message)
    _outside_call_still_answering()
    return {"notified": True}


@registry.topic("soak.pay")
def pay(payment_reference, context: TaskContext) -> dict:
    """Use the case's fee payment at the payment gateway, under the task's idempotency key."""
    answer = httpx.post(
        f"{settings().outside_url}/payments/{payment_reference}/use",
        json={"application": context.business_key, "idempotency_key": context.idempotency_key},
        headers={HEADER: _worker()},
        timeout=TIMEOUT,
    )
    answer.raise_for_status()
    _outside_call_still_answering()
    return {"paid": True}
