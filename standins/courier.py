"""Deliver the consulted bodies' answers to licflow's message API, retrying with backoff.

`deliver_due_answers(now)` does one pass and is what tests call; the background thread
only calls it every `poll_seconds`. A 404 from licflow means the case does not wait for
the answer yet (it may still be finishing the request): that is retried a few times,
then given up and logged. Connection errors and 5xx answers are retried longer.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from standins.consultations import ANSWERED, FAILED_DELIVERY, Consultation, ConsultationBook

log = logging.getLogger(__name__)
MESSAGE_NAME = "consultation_answer"


@dataclass(frozen=True)
class RetryPolicy:
    """How often, and how long apart, an answer is offered to licflow again."""

    first_delay_seconds: float = 1.0
    max_delay_seconds: float = 60.0
    max_attempts: int = 8  # connection errors and 5xx answers
    not_waiting_attempts: int = 5  # 404: the case does not wait for the message yet
    timeout_seconds: float = 5.0

    def delay_after(self, attempts: int) -> timedelta:
        """Return the wait after the `attempts`-th failed attempt: doubling, capped."""
        seconds = self.first_delay_seconds * 2 ** (attempts - 1)
        return timedelta(seconds=min(seconds, self.max_delay_seconds))


def answer_message(consultation: Consultation) -> dict:
    """Return the message licflow correlates to the case waiting for this answer."""
    return {
        "messageName": MESSAGE_NAME,
        "businessKey": consultation.business_key,
        "processVariables": {
            "consultation_positive": consultation.verdict == "positive",
            "consultation_reasons": consultation.reasons,
            "consultation_body": consultation.body,
            "consultation_answered_on": consultation.answered_on,
        },
    }


class Courier:
    """Carries due answers from the consultation book to licflow."""

    def __init__(
        self,
        book: ConsultationBook,
        engine_url: str,
        engine_token: str | None,
        clock: Callable[[], datetime],
        policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.book = book
        self.clock = clock
        self.policy = policy or RetryPolicy()
        headers = {"Authorization": f"Bearer {engine_token}"} if engine_token else {}
        self._http = httpx.Client(
            base_url=engine_url, headers=headers, transport=transport, timeout=self.policy.timeout_seconds
        )
        self._one_pass_at_a_time = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def deliver_due_answers(self, now: datetime | None = None) -> list[Consultation]:
        """Offer every answer due at `now` to licflow once; return the ones it took."""
        now = now or self.clock()
        with self._one_pass_at_a_time:
            return [c for c in self.book.due(now) if self._deliver(c, now)]

    def _deliver(self, consultation: Consultation, now: datetime) -> bool:
        try:
            response = self._http.post("/api/engine/message", json=answer_message(consultation))
        except httpx.TransportError as error:
            error_text = f"{type(error).__name__}: {error}"
            return self._failed(consultation, now, error_text, self.policy.max_attempts)
        if response.is_success:
            with self.book.lock:
                consultation.status, consultation.next_attempt_at = ANSWERED, None
                consultation.delivery_attempts += 1
            return True
        error = f"licflow answered {response.status_code}: {response.text[:200]}"
        if response.status_code == 404:
            return self._failed(consultation, now, error, self.policy.not_waiting_attempts)
        if response.status_code >= 500:
            return self._failed(consultation, now, error, self.policy.max_attempts)
        return self._failed(consultation, now, error, attempts_allowed=1)

    def _failed(self, consultation: Consultation, now: datetime, error: str, attempts_allowed: int) -> bool:
        with self.book.lock:
            consultation.delivery_attempts += 1
            consultation.last_delivery_error = error
            if consultation.delivery_attempts >= attempts_allowed:
                consultation.status, consultation.next_attempt_at = FAILED_DELIVERY, None
                log.warning(
                    "gave up delivering consultation %s for %s after %d attempts: %s",
                    consultation.request_id,
                    consultation.business_key,
                    consultation.delivery_attempts,
                    error,
                )
            else:
                consultation.next_attempt_at = now + self.policy.delay_after(consultation.delivery_attempts)
        return False

    def start(self, poll_seconds: float = 0.5) -> None:
        """Deliver due answers in a background thread every `poll_seconds`."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, args=(poll_seconds,), name="standins-courier")
        self._thread.daemon = True
        self._thread.start()

    def _run(self, poll_seconds: float) -> None:
        while not self._stop.wait(poll_seconds):
            try:
                self.deliver_due_answers()
            except Exception:  # keep delivering the others; the next pass tries again
                log.exception("delivering consultation answers failed")

    def shutdown(self) -> None:
        """Stop the background thread and close the HTTP client."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._http.close()
