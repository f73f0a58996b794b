"""Receive a licensee's signed report on the execution of a license and keep it with the case (para 6).

Para 6 of the Rules: the documents confirming that a license was executed are kept 3
years after the license expires, or after the decision to terminate or suspend it, and
then destroyed with the license's records. A report names the license and the
deliveries made under it; it is signed like an application (`signatures`), by the
licensee, and checked against `execution_report.xsd`. It is attached to the case of the
application that got the license (`engine.runtime.documents`), in one transaction; the
same signed document sent again is the report already attached.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy.orm import Session

from engine import clock
from engine.dialect.xmlsafe import parse_xml
from engine.errors import Conflict
from engine.orchestrator import Orchestrator
from engine.runtime import documents
from procedure.portal.application_form import schema_errors
from procedure.portal.errors import DocumentTooLarge, ReportInvalid, SignerMismatch
from procedure.portal.intake import Applicant
from procedure.portal.settings import PortalSettings
from procedure.portal.signatures import load_trusted_cas, verify_signed
from procedure.portal.views import case_variables, own_application

NAMESPACE = "urn:licflow:execution-report:1"
KIND = "execution_report"
SCHEMA_FILE = Path(__file__).with_name("execution_report.xsd")
_NS = {"r": NAMESPACE}


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(parse_xml(SCHEMA_FILE.read_bytes(), "execution_report.xsd"))


@dataclass(frozen=True)
class ExecutionReport:
    """What the licensee reported: the license, the report's number, its period and deliveries."""

    licensee_id: str
    license_number: str
    number: str
    period_from: str
    period_to: str
    deliveries: int

    def details(self) -> dict[str, Any]:
        """Return what the case keeps of the report beside the document itself."""
        return {
            "licensee_id": self.licensee_id,
            "license_number": self.license_number,
            "period_from": self.period_from,
            "period_to": self.period_to,
            "deliveries": self.deliveries,
        }


@dataclass(frozen=True)
class ReportReceived:
    """The report a submission attached, or found attached already (`created` False)."""

    application: str
    document_id: int
    created: bool


def read_report(root: etree._Element) -> ExecutionReport:
    """Check the signed report against its schema; return what it says."""
    schema = _schema()
    if not schema.validate(root):
        raise ReportInvalid(schema_errors(schema.error_log))
    text = {name: (root.findtext(path, "", _NS) or "").strip() for name, path in _PATHS.items()}
    if date.fromisoformat(text["to"][:10]) < date.fromisoformat(text["from"][:10]):
        raise ReportInvalid({"period/to": "the period cannot end before it starts"})
    return ExecutionReport(
        licensee_id=text["licensee"],
        license_number=text["license"],
        number=text["number"],
        period_from=text["from"][:10],
        period_to=text["to"][:10],
        deliveries=len(root.findall("r:deliveries/r:delivery", _NS)),
    )


_PATHS = {
    "licensee": "r:licensee/r:id",
    "license": "r:licenseNumber",
    "number": "r:number",
    "from": "r:period/r:from",
    "to": "r:period/r:to",
}


def submit_report(
    orchestrator: Orchestrator, settings: PortalSettings, applicant: Applicant, number: str, document: bytes
) -> ReportReceived:
    """Check a signed execution report of application `number` and attach it to its case."""
    if len(document) > settings.max_document_bytes:
        raise DocumentTooLarge(f"the document has more than {settings.max_document_bytes} bytes")
    root = parse_xml(document, "execution report")
    digest = hashlib.sha256(etree.tostring(root, method="c14n", exclusive=True)).hexdigest()
    signed = verify_signed(root, load_trusted_cas(settings.trusted_ca), clock.now())
    report = read_report(signed.signed)
    if report.licensee_id not in signed.signer_ids:
        raise SignerMismatch(f"the report is for {report.licensee_id}, but the certificate does not name it")
    if report.licensee_id != applicant.applicant_id:
        raise SignerMismatch(f"you act for {applicant.applicant_id}, not for {report.licensee_id}")
    received = documents.Received(
        KIND, report.number, "application/xml", document.decode("utf-8", errors="replace"), digest,
        {**report.details(), "signer_subject": signed.signer_subject[:1000]},
    )  # fmt: skip
    try:
        with orchestrator.transaction() as session:
            return _attach(session, applicant, number, report, received)
    except Conflict:
        with orchestrator.transaction() as session:  # the same report, sent twice at the same moment
            again = [d for d in _reports(session, applicant, number) if d.digest == digest]
        if not again:
            raise
        return ReportReceived(number, again[0].id, created=False)


def _attach(session: Session, applicant, number, report: ExecutionReport, received) -> ReportReceived:
    row = own_application(session, applicant.applicant_id, number)
    licensed = case_variables(session, row.case_id).get("license_number")
    if licensed != report.license_number:
        why = f"is license {licensed}" if licensed else "has no license"
        raise ReportInvalid({"licenseNumber": f"application {number} {why}, not {report.license_number}"})
    attached, created = documents.attach(session, row.case_id, received, f"portal:{applicant.username}")
    return ReportReceived(number, attached.id, created)


def reports_of(orchestrator: Orchestrator, applicant: Applicant, number: str) -> list[dict[str, Any]]:
    """Return the execution reports of my application `number`, as the portal shows them."""
    with orchestrator.transaction() as session:
        return [report_view(d) for d in _reports(session, applicant, number)]


def _reports(session: Session, applicant: Applicant, number: str):
    row = own_application(session, applicant.applicant_id, number)
    return [d for d in documents.case_documents(session, row.case_id) if d.kind == KIND]


def report_view(document) -> dict[str, Any]:
    """Return one attached report as JSON-ready data: its number, period, when received, whether kept."""
    details = document.details or {}
    return {
        "id": document.id,
        "number": document.reference,
        "license_number": details.get("license_number"),
        "period_from": details.get("period_from"),
        "period_to": details.get("period_to"),
        "deliveries": details.get("deliveries"),
        "sha256": document.digest,
        "received_at": clock.as_utc(document.received_at).isoformat(),
        "destroyed_at": clock.as_utc(document.destroyed_at).isoformat() if document.destroyed_at else None,
    }
