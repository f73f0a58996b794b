"""Submit a signed application through the portal: check it, store it, start its case (para 8).

Storing the signed document, taking the application number and starting the
`license_issuance` case happen in one transaction: either all of them or none. The
same signed application sent again (a network retry, or the same signed content with
its unsigned parts changed) answers with the application it already started, found by
the identity of its signed content (`signatures.identity_of`). Only the signed content
and its signature are stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.dialect.xmlsafe import parse_xml
from engine.errors import Conflict
from engine.orchestrator import Orchestrator
from engine.runtime import commands, numbers
from procedure.calendar import ALMATY
from procedure.portal.application_form import read_application
from procedure.portal.errors import DocumentTooLarge, SignerMismatch
from procedure.portal.settings import PortalSettings
from procedure.portal.signatures import load_trusted_cas, verify_signed
from store.models import PortalApplication

PROCESS = "license_issuance"


@dataclass(frozen=True)
class Applicant:
    """The signed-in portal user and the BIN/IIN they act for."""

    username: str
    applicant_id: str


@dataclass(frozen=True)
class Submitted:
    """The application a submission started, or found already started (`created` False)."""

    number: str
    case_id: str
    created: bool


def submit(orchestrator: Orchestrator, settings: PortalSettings, applicant: Applicant, document: bytes):
    """Check a signed application and start its case; return the application."""
    if len(document) > settings.max_document_bytes:
        raise DocumentTooLarge(f"the document has more than {settings.max_document_bytes} bytes")
    root = parse_xml(document, "application")
    now = clock.now()
    signed = verify_signed(root, load_trusted_cas(settings.trusted_ca), now)
    digest = signed.identity
    form = read_application(signed.signed)
    if form.applicant_id not in signed.signer_ids:
        raise SignerMismatch(
            f"the application is for {form.applicant_id}, but the certificate names "
            f"{', '.join(sorted(signed.signer_ids)) or 'no BIN/IIN'}"
        )
    if form.applicant_id != applicant.applicant_id:
        raise SignerMismatch(f"you act for {applicant.applicant_id}, not for {form.applicant_id}")
    row = PortalApplication(
        applicant_id=form.applicant_id,
        digest=digest,
        document=signed.record.decode("utf-8"),
        signer_subject=signed.signer_subject[:1000],
        signer_certificate_serial=format(signed.certificate.serial_number, "x")[:80],
        submitted_at=now,
        submitted_by=applicant.username,
    )
    variables = {"submitted_at": now.isoformat(), **form.variables()}
    try:
        with orchestrator.transaction() as session:
            return _find(session, digest) or _start(session, row, variables)
    except Conflict:  # the same document, sent twice at the same moment
        with orchestrator.transaction() as session:
            found = _find(session, digest)
        if found is None:
            raise
        return found


def _find(session: Session, digest: str) -> Submitted | None:
    row = session.scalar(select(PortalApplication).where(PortalApplication.digest == digest))
    return Submitted(row.number, row.case_id, created=False) if row else None


def _start(session: Session, row: PortalApplication, variables: dict) -> Submitted:
    year = row.submitted_at.astimezone(ALMATY).year
    sequence = numbers.allocate(session, f"portal-application:{year}", row.digest)
    row.number = f"APP-{year}-{sequence:06d}"
    row.case_id = commands.start_case(session, PROCESS, row.number, variables, f"portal:{row.submitted_by}")
    session.add(row)
    session.flush()
    return Submitted(row.number, row.case_id, created=True)
