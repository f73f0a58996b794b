"""The application form (forms 1 and 2 of EEC Board Decision 199): its schema and its variables.

The portal starts a `license_issuance` case with the variables read here (the public
API of the diagram, see README); the document itself is checked against
`application.xsd` and a few rules XSD 1.0 cannot say. The optional `<language>` (kk, ru
or en; Kazakh, the state language, when absent) is signed with the rest and becomes the
case's `language`: the applicant's notices and documents are written in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from engine.dialect.xmlsafe import parse_xml
from engine.i18n import DEFAULT_LANGUAGE, LANGUAGES
from procedure.portal.errors import ApplicationInvalid

NAMESPACE = "urn:licflow:application:1"
SCHEMA_FILE = Path(__file__).with_name("application.xsd")
_NS = {"a": NAMESPACE}


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(parse_xml(SCHEMA_FILE.read_bytes(), "application.xsd"))


@dataclass(frozen=True)
class ApplicationForm:
    """What the applicant declared, in the names the diagram reads."""

    applicant_id: str
    applicant_name: str
    applicant_address: str
    applicant_email: str
    direction: str
    kind: str
    list_section: str
    contract_number: str
    contract_date: str
    contract_end: str
    government_decision_until: str | None
    basis_document_number: str | None
    basis_document_date: str | None
    basis_document_end: str | None
    payment_reference: str | None
    fee_receipt: str | None
    documents: tuple[str, ...]
    language: str = DEFAULT_LANGUAGE

    def variables(self) -> dict[str, Any]:
        """Return the start variables of a `license_issuance` case, without `submitted_at`."""
        variables: dict[str, Any] = {
            "kind": self.kind,
            "direction": self.direction,
            "list_section": self.list_section,
            "applicant_id": self.applicant_id,
            "applicant_name": self.applicant_name,
            "applicant_email": self.applicant_email,
            "contract_number": self.contract_number,
            "contract_end": self.contract_end,
            "government_decision_until": self.government_decision_until,
            "basis_document_number": self.basis_document_number,
            "basis_document_end": self.basis_document_end,
            "documents": list(self.documents),
            "language": self.language,
        }
        if self.payment_reference:
            variables["payment_reference"] = self.payment_reference
        else:
            variables["payment_reference"] = None
            variables["fee_receipt"] = self.fee_receipt
        return variables


def read_application(root: etree._Element) -> ApplicationForm:
    """Check the signed application against its schema and rules; return what it declares."""
    schema = _schema()
    if not schema.validate(root):
        raise ApplicationInvalid(_language_said_plainly(schema_errors(schema.error_log)))
    form = ApplicationForm(
        applicant_id=_text(root, "a:applicant/a:id"),
        applicant_name=_text(root, "a:applicant/a:name"),
        applicant_address=_text(root, "a:applicant/a:address"),
        applicant_email=_text(root, "a:applicant/a:email"),
        direction=_text(root, "a:direction"),
        kind=_text(root, "a:kind"),
        list_section=_text(root, "a:listSection"),
        contract_number=_text(root, "a:contract/a:number"),
        contract_date=_date(root, "a:contract/a:date"),
        contract_end=_date(root, "a:contract/a:end"),
        government_decision_until=_date(root, "a:governmentDecisionDate") or None,
        basis_document_number=_text(root, "a:basisDocument/a:number") or None,
        basis_document_date=_date(root, "a:basisDocument/a:date") or None,
        basis_document_end=_date(root, "a:basisDocument/a:end") or None,
        payment_reference=_text(root, "a:paymentReference") or None,
        fee_receipt=_text(root, "a:feeReceipt") or None,
        documents=_documents(root),
        language=_text(root, "a:language") or DEFAULT_LANGUAGE,
    )
    _check_rules(form)
    return form


def _check_rules(form: ApplicationForm) -> None:
    errors = {}
    if _day(form.contract_end) < _day(form.contract_date):
        errors["contract/end"] = "the contract cannot end before its date"
    if form.basis_document_end and _day(form.basis_document_end) < _day(form.basis_document_date):
        errors["basisDocument/end"] = "the basis document cannot end before its date"
    # para 5: an exclusive license lasts as long as the Government decision says
    if form.kind == "exclusive" and not form.government_decision_until:
        errors["governmentDecisionDate"] = "an exclusive license needs the Government decision's date"
    if errors:
        raise ApplicationInvalid(errors)


def _language_said_plainly(errors: dict[str, str]) -> dict[str, str]:
    """Say which languages an application may ask for, instead of the schema's facet message."""
    value = _VALUE.search(errors.get("language", ""))
    if value:
        errors["language"] = (
            f"{value.group(1)!r} is not a language licflow writes in: choose one of "
            f"{', '.join(LANGUAGES)}, or leave <language> out for Kazakh"
        )
    return errors


def _documents(root: etree._Element) -> tuple[str, ...]:
    """Return the set of documents: the application itself and the kinds attached to it."""
    kinds = [d.get("kind") for d in root.iterfind("a:documents/a:document", _NS)]
    return ("application", *dict.fromkeys(k for k in kinds if k != "other"))


def _text(root: etree._Element, path: str) -> str:
    found = root.find(path, _NS)
    return (found.text or "").strip() if found is not None else ""


def _date(root: etree._Element, path: str) -> str:
    return _text(root, path)[:10]  # xs:date may carry a time zone; the variables hold the day


def _day(text: str) -> date:
    return date.fromisoformat(text)


_NAMESPACE = re.compile(r"\{[^}]*\}")
_ELEMENT = re.compile(r"^Element '([^']+)'")
_VALUE = re.compile(r"The value '([^']*)'")


def schema_errors(log) -> dict[str, str]:
    """Name each schema error by its element, without namespaces."""
    errors: dict[str, str] = {}
    for entry in log:
        message = _NAMESPACE.sub("", entry.message)
        element = _ELEMENT.match(message)
        errors.setdefault(element.group(1) if element else f"line {entry.line}", message)
    return errors
