"""A deterministic world for the license procedure's scenarios.

Its workers are registered under the procedure's real topics and answer from the
scenario's seed (fee paid or not, bans, documents), recording every outside effect
(cabinet updates, e-mails, warnings) so that a test can read what happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine import clock
from engine.worker import WorkerRegistry
from procedure.calendar import ALMATY
from workers.issuance import validity

REQUIRED_DOCUMENTS = ("application", "contract")


@dataclass
class World:
    """What the outside systems know about one applicant, and what they were told."""

    fee_paid: bool = True
    qualification_met: bool = True
    court_ban: bool = False
    documents_missing: tuple[str, ...] = ()
    effects: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    licenses_issued: int = 0

    def record(self, kind: str, **details) -> dict[str, Any]:
        details["at"] = clock.now().astimezone(ALMATY).isoformat()
        self.effects.append((kind, details))
        return details

    def effects_of(self, kind: str) -> list[dict[str, Any]]:
        return [details for effect, details in self.effects if effect == kind]

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.effects]

    def registry(self) -> WorkerRegistry:
        registry = WorkerRegistry()
        world = self

        @registry.topic("cabinet.accepted")
        def accepted(registered_on, statutory_due_at):
            world.record("cabinet", status="accepted", registered_on=registered_on, due_at=statutory_due_at)

        @registry.topic("documents.completeness")
        def completeness(documents):
            missing = [d for d in REQUIRED_DOCUMENTS if d not in documents or d in world.documents_missing]
            return {"documents_complete": not missing, "missing_documents": missing}

        @registry.topic("fee.verify")
        def fee(payment_reference):
            return {"fee_paid": world.fee_paid, "fee_findings": {"reference": payment_reference}}

        @registry.topic("qualification.check")
        def qualification(applicant_id):
            return {"qualification_met": world.qualification_met, "qualification_findings": []}

        @registry.topic("consultation.request")
        def consult(consulted_body):
            world.record("consultation_request", body=consulted_body)
            return {"consultation_requested_on": clock.now().astimezone(ALMATY).date().isoformat()}

        @registry.topic("consultation.remind")
        def remind(consulted_body):
            world.record("consultation_reminder", body=consulted_body)

        @registry.topic("consultation.escalate")
        def escalate_consultation(consulted_body):
            world.record("consultation_escalation", body=consulted_body)

        @registry.topic("grounds.check")
        def grounds(fee_paid, qualification_met, consulted_body, consultation_positive):
            found = []
            if not fee_paid:
                found.append(3)
            if not qualification_met:
                found.append(4)
            if consulted_body != "none" and consultation_positive is False:
                found.append(5)
            if world.court_ban:
                found.append(6)
            return {"automated_grounds": found}

        @registry.topic("deadline.warn")
        def warn(statutory_due_at):
            world.record("deadline_warning", due_at=statutory_due_at)

        @registry.topic("deadline.escalate")
        def escalate(statutory_due_at):
            world.record("deadline_escalation", due_at=statutory_due_at)

        @registry.topic("deadline.notice_passed")
        def notice_deadline(hearing_notice_due_at):
            world.record("notice_deadline_alert", due_at=hearing_notice_due_at)

        @registry.topic("notice.hearing")
        def hearing_notice(applicant_email, hearing_at, preliminary_grounds):
            world.record(
                "hearing_notice", to=applicant_email, hearing_at=hearing_at, grounds=preliminary_grounds
            )

        @registry.topic("license.issue")
        def issue(kind, list_section, contract_end, government_decision_until, basis_document_end):
            world.licenses_issued += 1
            today = clock.now().astimezone(ALMATY).date()
            # para 5: the real rule of the license's term
            valid_until = validity(kind, today, contract_end, government_decision_until, basis_document_end)
            number = (
                f"{list_section.replace('.', '').ljust(3, '0')}KZ{today:%y}001{world.licenses_issued:06d}"
            )
            return {
                "license_number": number,
                "valid_from": today.isoformat(),
                "valid_until": valid_until.isoformat(),
            }

        @registry.topic("refusal.issue")
        def refuse(refusal_grounds):
            world.record("refusal", grounds=refusal_grounds)
            return {"result": "refused"}

        @registry.topic("refusal.refuse_to_consider")
        def refuse_to_consider(missing_documents):
            world.record("refusal_to_consider", missing=missing_documents)
            return {"result": "not_considered"}

        @registry.topic("cabinet.result")
        def result(license_number):
            world.record("cabinet", status="issued" if license_number else "refused", license=license_number)

        @registry.topic("notice.result")
        def result_notice(applicant_email):
            world.record("result_notice", to=applicant_email)

        @registry.topic("records.destroy")
        def destroy(license_ended_on, license_end_reason):
            world.record("records_destroyed", kept_from=license_ended_on, reason=license_end_reason)
            return {"records_destroyed_on": clock.now().astimezone(ALMATY).date().isoformat()}

        return registry


def almaty(text: str) -> datetime:
    """Read '2025-04-14 10:00' as a moment in Asia/Almaty."""
    return datetime.fromisoformat(text).replace(tzinfo=ALMATY)
