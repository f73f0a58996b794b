"""Submitting a signed application: accepted once, or refused with a reason and nothing created."""

from __future__ import annotations

import pytest

from engine import clock
from engine.runtime.numbers import last_allocated
from procedure.calendar import ALMATY
from procedure.portal.views import case_variables
from store.models import PortalApplication
from tests.web.portal.conftest import DALA, STEPPE, counts, submit
from tests.web.signing import Authority, basic


def test_a_signed_application_is_registered_and_starts_its_case(
    deployed, client, applicants, authority, keys
):
    answer = submit(client, authority.signed(keys.dala), applicants.dala)

    body = answer.get_json()
    assert answer.status_code == 201
    assert body["number"].startswith("APP-") and body["number"].endswith("-000001")
    assert answer.headers["Location"] == f"/api/portal/applications/{body['number']}"
    assert body["status"] == "registered"
    assert body["registered_on"] and body["statutory_due_at"].endswith("T18:30:00+05:00")
    assert counts(deployed) == (1, 1)


def test_the_case_gets_the_variables_the_diagram_reads(deployed, client, applicants, authority, keys):
    submit(client, authority.signed(keys.dala), applicants.dala)

    with deployed.transaction() as session:
        row = session.query(PortalApplication).one()
        variables = case_variables(session, row.case_id)
    assert {k: variables[k] for k in ("kind", "direction", "list_section", "applicant_id")} == {
        "kind": "one_time", "direction": "export", "list_section": "2.16", "applicant_id": DALA,
    }  # fmt: skip
    assert variables["payment_reference"] == "PAY-2026-1110"
    assert variables["documents"] == ["application", "contract"]
    assert variables["submitted_at"] and variables["term_days"] == 5


def test_a_basis_document_comes_with_its_term(deployed, client, applicants, authority, keys):
    basis = (
        "<basisDocument><number>CERT-2026-1110</number><date>2026-01-15</date>"
        "<end>2027-03-31</end></basisDocument>"
    )
    submit(client, authority.signed(keys.dala, basis=basis), applicants.dala)

    with deployed.transaction() as session:
        variables = case_variables(session, session.query(PortalApplication).one().case_id)
    assert (variables["basis_document_number"], variables["basis_document_end"]) == (
        "CERT-2026-1110",
        "2027-03-31",
    )


def test_a_basis_document_ending_before_its_date_is_refused(deployed, client, applicants, authority, keys):
    basis = (
        "<basisDocument><number>CERT-1</number><date>2026-01-15</date><end>2025-12-31</end></basisDocument>"
    )
    answer = submit(client, authority.signed(keys.dala, basis=basis), applicants.dala)

    assert answer.status_code == 422
    assert answer.get_json()["errors"] == {
        "basisDocument/end": "the basis document cannot end before its date"
    }
    assert counts(deployed) == (0, 0)


def test_the_same_signed_document_sent_again_answers_the_same_application(
    deployed, client, applicants, authority, keys
):
    document = authority.signed(keys.dala)
    first = submit(client, document, applicants.dala)
    again = submit(client, document, applicants.dala)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["number"] == first.get_json()["number"]
    assert counts(deployed) == (1, 1)


def test_a_fee_receipt_stands_in_for_a_payment_reference(deployed, client, applicants, authority, keys):
    document = authority.signed(keys.dala, payment="<feeReceipt>RCPT-77</feeReceipt>")

    assert submit(client, document, applicants.dala).status_code == 201


@pytest.mark.parametrize(
    "headers",
    [
        {},
        basic("dala", "wrong-password"),
        basic("nobody", "portal-password-1"),
        {"Authorization": "Basic %%%"},
    ],
)
def test_without_a_valid_credential_the_answer_is_401_and_nothing_is_created(
    deployed, client, authority, keys, headers
):
    answer = submit(client, authority.signed(keys.dala), headers)

    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Basic")
    assert counts(deployed) == (0, 0)


def test_a_user_who_is_not_an_applicant_gets_403(deployed, client, authority, keys):
    answer = submit(client, authority.signed(keys.dala), basic("officer", "portal-password-1"))

    assert answer.status_code == 403
    assert counts(deployed) == (0, 0)


def _refusals(authority: Authority, keys) -> dict[str, tuple[bytes, str, int, str]]:
    """name -> (document, content type, expected status, expected type)."""
    signed = authority.signed(keys.dala)
    stranger = Authority(keys.stranger_ca, name="Unknown CA")
    ended = authority.certificate.not_valid_before_utc.replace(year=2021)
    expired = authority.certificate_for(keys.dala, bin_=DALA, not_after=ended)
    unsigned = signed.split(b"<ds:Signature")[0] + b"</application>"
    stolen = authority.certificate_for(keys.dala, bin_=STEPPE)
    xml = "application/xml"
    return {
        "altered": (signed.replace(b"<quantity>200<", b"<quantity>900<"), xml, 422, "SignatureInvalid"),
        "bad signature value": (_corrupt_signature_value(signed), xml, 422, "SignatureInvalid"),
        "unsigned": (unsigned, xml, 422, "SignatureInvalid"),
        "unknown CA": (stranger.signed(keys.dala), xml, 422, "UntrustedCertificate"),
        "expired certificate": (
            authority.signed(keys.dala, certificate=expired),
            xml,
            422,
            "CertificateExpired",
        ),
        "malformed": (signed[:-40], xml, 400, "InvalidXml"),
        "DTD with entities": (
            b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><application>&x;</application>',
            xml,
            400,
            "UnsafeXml",
        ),
        "over the size limit": (signed + b" " * (256 * 1024), xml, 413, "DocumentTooLarge"),
        "not XML": (b'{"kind": "one_time"}', "application/json", 415, "UnsupportedMediaType"),
        "outside the schema": (
            authority.signed(keys.dala, origin="Kazakhstan"),
            xml,
            422,
            "ApplicationInvalid",
        ),
        "exclusive without a Government decision": (
            authority.signed(keys.dala, kind="exclusive"),
            xml,
            422,
            "ApplicationInvalid",
        ),
        "certificate of another applicant": (
            authority.signed(keys.dala, certificate=stolen),
            xml,
            403,
            "SignerMismatch",
        ),
        "another applicant's application": (
            authority.signed(keys.steppe, STEPPE),
            xml,
            403,
            "SignerMismatch",
        ),
    }


def _corrupt_signature_value(document: bytes) -> bytes:
    head, _, rest = document.partition(b"<ds:SignatureValue>")
    value, _, tail = rest.partition(b"</ds:SignatureValue>")
    flipped = (b"A" if value[:1] != b"A" else b"B") + value[1:]
    return head + b"<ds:SignatureValue>" + flipped + b"</ds:SignatureValue>" + tail


REFUSALS = [
    "altered",
    "bad signature value",
    "unsigned",
    "unknown CA",
    "expired certificate",
    "malformed",
    "DTD with entities",
    "over the size limit",
    "not XML",
    "outside the schema",
    "exclusive without a Government decision",
    "certificate of another applicant",
    "another applicant's application",
]


@pytest.mark.parametrize("name", REFUSALS)
def test_a_refused_submission_says_why_and_creates_nothing(
    deployed, client, applicants, authority, keys, name
):
    document, content_type, status, kind = _refusals(authority, keys)[name]

    answer = submit(client, document, applicants.dala, content_type)

    body = answer.get_json()
    assert (answer.status_code, body["type"]) == (status, kind), body
    assert body["message"] and isinstance(body["errors"], dict)
    assert counts(deployed) == (0, 0)


def test_schema_errors_name_each_element(deployed, client, applicants, authority, keys):
    answer = submit(client, authority.signed(keys.dala, kind="exclusive", origin="kz"), applicants.dala)

    assert answer.get_json()["errors"].keys() == {"countryOfOrigin"}


def test_a_case_that_cannot_start_stores_nothing_and_takes_no_number(
    orchestrator, client, applicants, authority, keys
):
    # Given no diagram is deployed, so the case cannot start
    failed = submit(client, authority.signed(keys.dala), applicants.dala)

    assert failed.status_code == 404
    assert counts(orchestrator) == (0, 0)
    year = clock.now().astimezone(ALMATY).year
    with orchestrator.transaction() as session:
        assert last_allocated(session, f"portal-application:{year}") == 0
