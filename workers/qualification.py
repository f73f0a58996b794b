"""Qualification check (para 8, refusal ground 4): the requirements of Order No. 67.

From the state registry by BIN or IIN: the applicant is registered and registered for
tax, and holds the activity permit where the goods need one (for special technical
means and encryption means: the NSC conclusion). The contract or other basis document
must exist for this applicant. A permit no information system holds counts when the
applicant submitted it (appendix 1 item 8(3)).
"""

from __future__ import annotations

from engine.worker import WorkerRegistry
from workers.outside import outside, require

registry = WorkerRegistry()


@registry.topic("qualification.check")
def check_qualification(
    applicant_id, list_section, qualification_documents_required, contract_number, documents
):
    """Compare the registries' data with the requirements; unmet ones are findings."""
    findings: list[str] = []
    evidence: list[str] = []
    subject = outside().get(f"/registry/subjects/{applicant_id}")
    if subject is None:
        findings.append(f"{applicant_id} is not in the state registry of legal entities or individuals")
    else:
        subject = require(subject, "registered", "tax_registered", "activity_permits", what="state registry")
        if not subject["registered"]:
            findings.append("the applicant's state registration is not in force")
        if not subject["tax_registered"]:
            findings.append("the applicant is not registered for tax")
        if qualification_documents_required:
            _permit(list_section, subject["activity_permits"], documents or [], findings, evidence)
    if contract_number and outside().get(f"/documents/{contract_number}", applicant_id=applicant_id) is None:
        findings.append(f"the basis document {contract_number} is not known for this applicant")
    return {
        "qualification_met": not findings,
        "qualification_findings": findings,
        "qualification_evidence": evidence,
    }


def _permit(section: str, held: list[str], submitted: list[str], findings: list[str], evidence: list[str]):
    """The activity permit: from the registry, or (item 8(3)) the one the applicant submitted."""
    if section in held:
        evidence.append(f"permit for section {section}: held by the state registry")
    elif "permit" in submitted:
        # appendix 1 item 8(3): no information system holds it, so the applicant's copy counts;
        # the officer judges the copy (a false one is refusal ground 1)
        evidence.append(f"permit for section {section}: submitted by the applicant (appendix 1 item 8(3))")
    else:
        findings.append(f"no permit for the activity with goods of section {section}")
