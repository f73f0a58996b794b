"""Consultations: requests to the NSC and approving bodies, and the answers the seed plans for them.

para 12: for special technical means and encryption means the decision waits for the
NSC's answer; approving bodies answer for their sections. Each consultation is kept
by its request id, so the same request sent twice is one consultation.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

ALMATY = ZoneInfo("Asia/Almaty")

RECEIVED = "received"
ANSWERED = "answered"
FAILED_DELIVERY = "failed_delivery"


class RequestIdTaken(Exception):
    """The request id was already used for a different consultation."""


class AlreadyAnswered(Exception):
    """The consulted body's answer was already delivered."""


@dataclass
class Consultation:
    """One request to a consulted body, its planned answer and how delivering it went."""

    request_id: str
    body: str
    business_key: str
    applicant_id: str
    list_section: str | None
    received_at: datetime
    verdict: str  # positive, negative or never
    reasons: str
    answer_due_at: datetime | None  # None: the body never answers by itself
    status: str = RECEIVED
    delivery_attempts: int = 0
    next_attempt_at: datetime | None = None
    last_delivery_error: str | None = None

    def is_due(self, now: datetime) -> bool:
        """Say whether the answer is due and waits to be delivered at `now`."""
        if self.status != RECEIVED or self.answer_due_at is None or self.answer_due_at > now:
            return False
        return self.next_attempt_at is None or self.next_attempt_at <= now

    @property
    def answered_on(self) -> str | None:
        """Return the day (in Asia/Almaty) the body answers, or None when it never does."""
        return self.answer_due_at.astimezone(ALMATY).date().isoformat() if self.answer_due_at else None

    def as_json(self) -> dict[str, Any]:
        """Return the consultation as `GET /consultations/{request_id}` shows it."""
        return {
            "request_id": self.request_id,
            "body": self.body,
            "business_key": self.business_key,
            "applicant_id": self.applicant_id,
            "list_section": self.list_section,
            "status": self.status,
            "verdict": self.verdict,
            "reasons": self.reasons,
            "received_at": self.received_at.isoformat(),
            "answer_due_at": self.answer_due_at.isoformat() if self.answer_due_at else None,
            "answered_on": self.answered_on if self.status == ANSWERED else None,
            "delivery_attempts": self.delivery_attempts,
            "next_attempt_at": self.next_attempt_at.isoformat() if self.next_attempt_at else None,
            "last_delivery_error": self.last_delivery_error,
        }


class ConsultationBook:
    """Every consultation received, by request id; safe to use from several threads."""

    def __init__(self) -> None:
        self._consultations: dict[str, Consultation] = {}
        self.lock = threading.RLock()

    def receive(self, request: dict[str, Any], plan: dict[str, Any], now: datetime) -> Consultation:
        """Record a request with the answer `plan` gives it; the same request again is the same one."""
        with self.lock:
            earlier = self._consultations.get(request["request_id"])
            if earlier is not None:
                if (earlier.body, earlier.business_key) != (request["body"], request["business_key"]):
                    raise RequestIdTaken(f"request id {earlier.request_id} was used for another consultation")
                return earlier
            never = plan["verdict"] == "never"
            consultation = Consultation(
                request_id=request["request_id"],
                body=request["body"],
                business_key=request["business_key"],
                applicant_id=request["applicant_id"],
                list_section=request.get("list_section"),
                received_at=now,
                verdict=plan["verdict"],
                reasons=plan.get("reasons", ""),
                answer_due_at=None if never else now + timedelta(seconds=plan["after_seconds"]),
            )
            self._consultations[consultation.request_id] = consultation
            return consultation

    def get(self, request_id: str) -> Consultation | None:
        """Return the consultation with `request_id`, or None."""
        return self._consultations.get(request_id)

    def all(self) -> list[Consultation]:
        """Return every consultation, oldest first."""
        with self.lock:
            return list(self._consultations.values())

    def answer_now(self, request_id: str, verdict: str, reasons: str, now: datetime) -> Consultation:
        """Make the body answer `verdict` at `now`, as a person or a test decides."""
        with self.lock:
            consultation = self._consultations[request_id]
            if consultation.status == ANSWERED:
                raise AlreadyAnswered(f"consultation {request_id} was already answered")
            consultation.verdict, consultation.reasons = verdict, reasons
            consultation.answer_due_at, consultation.status = now, RECEIVED
            consultation.delivery_attempts, consultation.next_attempt_at = 0, None
            return consultation

    def due(self, now: datetime) -> list[Consultation]:
        """Return the consultations whose answer should be delivered at `now`."""
        with self.lock:
            return [c for c in self._consultations.values() if c.is_due(now)]
