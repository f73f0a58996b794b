"""Automated checks of the refusal grounds other systems can answer (appendix 1).

Ground 3 (fee) and 4 (qualification) come from the earlier checks, 5 from the
consulted body's answer; 6 (court ban), 7 (bailiff ban) and 8 (the contract or the
other basis document terminated or suspended) are asked here. The officer sees every finding and decides;
nothing here refuses.
"""

from __future__ import annotations

from typing import Any

from engine.worker import WorkerRegistry
from workers.outside import outside, require

registry = WorkerRegistry()


@registry.topic("grounds.check")
def check_refusal_grounds(
    applicant_id, contract_number, basis_document_number, fee_paid, qualification_met, consulted_body,
    consultation_positive,
):  # fmt: skip
    """Return the grounds found (numbers) and what each rests on."""
    findings: dict[str, str] = {}
    if fee_paid is False:
        findings["3"] = "the license fee was not paid"
    if qualification_met is False:
        findings["4"] = "the qualification requirements are not met"
    if consulted_body not in (None, "none") and consultation_positive is False:
        findings["5"] = f"{consulted_body} answered that the applicant does not comply"
    court = _bans("/courts/bans", applicant_id, "court records")
    if court:
        findings["6"] = "court decision(s) in force: " + ", ".join(b.get("case_number", "?") for b in court)
    bailiff = _bans("/bailiffs/bans", applicant_id, "bailiff records")
    if bailiff:
        findings["7"] = "bailiff submission(s): " + ", ".join(
            b.get("proceeding_number", "?") for b in bailiff
        )
    ended = [
        f"the basis document {number} is {status}"
        for number in dict.fromkeys(n for n in (contract_number, basis_document_number) if n)
        if (status := _document_status(number, applicant_id)) in ("terminated", "suspended")
    ]
    if ended:
        findings["8"] = "; ".join(ended)
    return {"automated_grounds": sorted(int(n) for n in findings), "ground_findings": findings}


def _document_status(number: str, applicant_id: str) -> str | None:
    document = outside().get(f"/documents/{number}", applicant_id=applicant_id)
    return document.get("status") if document is not None else None


def _bans(path: str, applicant_id: str, what: str) -> list[dict[str, Any]]:
    answer = require(outside().get(path, applicant_id=applicant_id), "bans", what=what)
    return [ban for ban in answer["bans"] if ban.get("in_force")]
