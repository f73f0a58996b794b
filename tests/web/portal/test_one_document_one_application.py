"""One signed document is one application: what the signature does not cover makes no second case.

Each variant is the first application's signed document with something changed that
the signature does not sign. Sent after the original (or before it), it is answered
with the first application's number, or refused with 422; never a second case.
"""

from __future__ import annotations

import re

import pytest
from cryptography.hazmat.primitives import serialization
from lxml import etree
from signxml import XMLSigner, methods

from engine import clock
from engine.dialect.xmlsafe import parse_xml
from licflow.portal_signing import example_application
from procedure.portal.signatures import DSIG, verify_signed
from store.models import PortalApplication
from tests.web.portal.conftest import counts, submit


def spaces_in_the_signature_value(document: bytes) -> bytes:
    head, _, rest = document.partition(b"<ds:SignatureValue>")
    value, _, tail = rest.partition(b"</ds:SignatureValue>")
    middle = len(value) // 2
    spaced = b"\n   " + value[:middle] + b"\n   " + value[middle:] + b"\n"
    return head + b"<ds:SignatureValue>" + spaced + b"</ds:SignatureValue>" + tail


def a_comment_in_a_signed_element(document: bytes) -> bytes:
    return document.replace(b"<goods>", b"<goods><!-- the broker's note: ship in May -->", 1)


def an_unsigned_object(document: bytes) -> bytes:
    extra = b'<ds:Object Id="note"><note>pay the fee to account KZ00 0000</note></ds:Object>'
    return document.replace(b"</ds:Signature>", extra + b"</ds:Signature>", 1)


def the_signature_re_indented(document: bytes) -> bytes:
    head, _, rest = document.partition(b"<ds:Signature")
    signature, _, tail = rest.partition(b"</ds:Signature>")
    info_end = signature.index(b"</ds:SignedInfo>") + len(b"</ds:SignedInfo>")
    # SignedInfo itself is signed; everything after it in the signature is not
    unsigned = re.sub(
        rb"><(/?)ds:(SignatureValue|KeyInfo|X509Data|X509Certificate)",
        rb">\n    <\1ds:\2",
        signature[info_end:],
    )
    return head + b"<ds:Signature" + signature[:info_end] + b"\n  " + unsigned + b"\n</ds:Signature>" + tail


def a_prolog_comment_and_blank_lines(document: bytes) -> bytes:
    declaration, _, rest = document.partition(b"?>")
    return declaration + b"?>\n\n<!-- exported by the applicant's office system -->\n\n" + rest.lstrip()


def a_comment_inside_the_signature(document: bytes) -> bytes:
    return document.replace(b"<ds:KeyInfo>", b"<!-- signed with NCALayer --><ds:KeyInfo>", 1)


def an_extra_key_name(document: bytes) -> bytes:
    return document.replace(b"<ds:KeyInfo>", b"<ds:KeyInfo><ds:KeyName>dala-signing-key</ds:KeyName>", 1)


SAME_APPLICATION = [
    spaces_in_the_signature_value,
    a_comment_in_a_signed_element,
    the_signature_re_indented,
    a_prolog_comment_and_blank_lines,
    a_comment_inside_the_signature,
    an_extra_key_name,
]


@pytest.mark.parametrize("variant", SAME_APPLICATION, ids=lambda v: v.__name__)
def test_a_variant_outside_the_signed_content_answers_with_the_first_applications_number(
    deployed, client, applicants, authority, keys, variant
):
    original = authority.signed(keys.dala)
    first = submit(client, original, applicants.dala)

    again = submit(client, variant(original), applicants.dala)

    assert (first.status_code, again.status_code) == (201, 200), again.get_json()
    assert again.get_json()["number"] == first.get_json()["number"]
    assert counts(deployed) == (1, 1)


@pytest.mark.parametrize("variant", SAME_APPLICATION, ids=lambda v: v.__name__)
def test_a_variant_sent_first_stores_exactly_what_the_original_would(authority, keys, variant):
    original = authority.signed(keys.dala)
    now = clock.now()

    from_original = verify_signed(parse_xml(original), [authority.certificate], now)
    from_variant = verify_signed(parse_xml(variant(original)), [authority.certificate], now)

    assert from_variant.identity == from_original.identity
    assert from_variant.record == from_original.record
    assert b"<!--" not in from_variant.record and b"KeyName" not in from_variant.record


def test_an_unsigned_object_is_refused_with_422_and_makes_no_second_case(
    deployed, client, applicants, authority, keys
):
    original = authority.signed(keys.dala)
    first = submit(client, original, applicants.dala)

    refused = submit(client, an_unsigned_object(original), applicants.dala)

    assert (first.status_code, refused.status_code) == (201, 422)
    assert refused.get_json()["type"] == "UnsignedContent"
    assert "ds:Object that it does not sign" in refused.get_json()["message"]
    assert counts(deployed) == (1, 1)


def test_only_the_signed_content_and_its_signature_are_stored_and_they_verify_on_their_own(
    deployed, client, applicants, authority, keys
):
    variant = a_comment_in_a_signed_element(spaces_in_the_signature_value(authority.signed(keys.dala)))
    assert submit(client, variant, applicants.dala).status_code == 201

    with deployed.transaction() as session:
        stored = session.query(PortalApplication).one()
    record = stored.document.encode()
    again = verify_signed(parse_xml(record), [authority.certificate], clock.now())
    assert again.identity == stored.digest
    assert b"broker's note" not in record
    assert b"<paymentReference>PAY-2026-1110</paymentReference>" in record


def test_a_comment_the_signature_does_sign_is_kept_and_changing_it_is_refused(
    deployed, client, applicants, authority, keys
):
    with_comment = example_application().replace(b"<goods>", b"<goods><!-- part of the application -->", 1)
    certificate = authority.certificate_for(keys.dala, iin="850315301235", bin_="150440001110")
    signer = XMLSigner(
        method=methods.enveloped,
        signature_algorithm="rsa-sha256",
        digest_algorithm="sha256",
        c14n_algorithm="http://www.w3.org/2006/12/xml-c14n11#WithComments",
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM)
    signed = etree.tostring(
        signer.sign(parse_xml(with_comment), key=keys.dala, cert=[pem]),
        xml_declaration=True,
        encoding="UTF-8",
    )
    record = verify_signed(parse_xml(signed), [authority.certificate], clock.now()).record
    assert b"<!-- part of the application -->" in record
    assert parse_xml(record).find(f"{{{DSIG}}}Signature") is not None

    assert submit(client, signed, applicants.dala).status_code == 201
    changed = signed.replace(b"part of the application", b"not part of it")
    refused = submit(client, changed, applicants.dala)
    assert refused.status_code == 422
    assert counts(deployed) == (1, 1)
