"""The applicant's signature and certificate are checked against the trusted authorities."""

from __future__ import annotations

import copy

import pytest

from engine import clock
from engine.dialect.xmlsafe import parse_xml
from licflow.portal_signing import example_application, make_certificate, new_key, sign
from procedure.portal.errors import SignatureInvalid, UntrustedCertificate
from procedure.portal.signatures import signer_ids, verify_signed
from tests.web.signing import VALID_FROM, VALID_UNTIL, Authority


@pytest.fixture(scope="module")
def key():
    return new_key()


@pytest.fixture(scope="module")
def authority(key) -> Authority:
    return Authority(key)


def test_a_certificate_names_the_iin_of_the_person_and_the_bin_of_the_organisation(authority, key):
    certificate = authority.certificate_for(key, iin="850315301235", bin_="150440001110")

    assert signer_ids(certificate) == {"850315301235", "150440001110"}


def test_a_verified_document_is_what_was_signed_without_the_signature(authority, key):
    signed = verify_signed(parse_xml(authority.signed(key)), [authority.certificate], clock.now())

    assert signed.signed.find("{http://www.w3.org/2000/09/xmldsig#}Signature") is None
    assert signed.signer_ids == {"850315301235", "150440001110"}


def test_an_authority_that_is_not_a_ca_is_not_trusted(authority, key):
    # Given a certificate signed by the key of an end-entity certificate with the authority's name
    end_entity = authority.certificate_for(key, iin="850315301235")
    _, forged = make_certificate(key, end_entity, "Forged", bin_="150440001110", not_before=VALID_FROM,
                                 not_after=VALID_UNTIL, key=key)  # fmt: skip
    document = sign(example_application(), key, forged)

    with pytest.raises(UntrustedCertificate):
        verify_signed(parse_xml(document), [end_entity], clock.now())


def test_a_document_with_two_signatures_is_refused(authority, key):
    root = parse_xml(authority.signed(key))
    root.append(copy.deepcopy(root[-1]))

    with pytest.raises(SignatureInvalid):
        verify_signed(root, [authority.certificate], clock.now())
