"""Consultation with the NSC or an approving body (para 12, para 13).

The request goes out with the task's idempotency key as its request id, so a retried
task never sends a second request; the answer comes back later as the message
`consultation_answer` on the engine's message API. Reminders and escalations go by
e-mail when the answer is late [assumed: the bodies' addresses are configured].
"""

from __future__ import annotations

from engine.worker import TaskContext, WorkerRegistry, today
from workers.notices import send_mail
from workers.outside import outside, require
from workers.settings import settings

registry = WorkerRegistry()

BODY_NAMES = {
    "nsc": "National Security Committee",
    "ministry_of_health": "Ministry of Health",
    "ministry_of_internal_affairs": "Ministry of Internal Affairs",
    "ministry_of_ecology": "Ministry of Ecology and Natural Resources",
}


def body_name(code: str) -> str:
    """Return the consulted body's name for people."""
    return BODY_NAMES.get(code, code.replace("_", " "))


@registry.topic("consultation.request")
def request_consultation(consulted_body, applicant_id, list_section, context: TaskContext):
    """para 12: send the request; the answer is correlated back by the business key."""
    answer = outside().post(
        "/consultations",
        {
            "body": consulted_body,
            "business_key": context.business_key,
            "applicant_id": applicant_id,
            "list_section": list_section,
            "request_id": context.idempotency_key,
        },
    )
    answer = require(answer, "request_id", what="consultation service")
    return {"consultation_request_id": answer["request_id"], "consultation_requested_on": today().isoformat()}


@registry.topic("consultation.remind")
def remind(consulted_body, consultation_request_id, context: TaskContext):
    """para 12 [assumed]: remind the body that its answer is late."""
    send_mail(
        context,
        to=f"{consulted_body}@consultations.gov.kz.example",
        subject=f"Reminder: answer to consultation request {consultation_request_id}",
        body=f"The {body_name(consulted_body)} has not yet answered request {consultation_request_id} "
        f"for application {context.business_key}.",
    )


@registry.topic("consultation.escalate")
def escalate(consulted_body, consultation_request_id, statutory_due_at, context: TaskContext):
    """para 12 [assumed]: tell the head of department that the answer is overdue."""
    send_mail(
        context,
        to=settings().heads_email,
        subject=f"Overdue consultation answer for {context.business_key}",
        body=f"The {body_name(consulted_body)} has not answered request {consultation_request_id}. "
        f"The statutory term ends {statutory_due_at}; the case waits for the answer (para 12).",
    )
