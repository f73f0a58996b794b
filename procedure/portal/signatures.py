"""Check the applicant's digital signature (EDS) on a submitted XML document (para 8).

The signature is enveloped (XML-DSig) and carries the signer's certificate in
`ds:KeyInfo/ds:X509Data`. The certificate must be issued directly by a certification
authority in the trusted bundle (`LICFLOW_TRUSTED_CA`), both valid now by the engine's
clock, the authority a CA by its basic constraints. signxml then checks the signature
against exactly that certificate and returns what was signed, which is all we read.

Who signed: NCA RK certificates name the person by `serialNumber=IIN…` and, for an
employee of a legal entity, the organisation by `OU=BIN…`; licflow takes both as the
BIN/IINs the signer may act for.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature as CryptoInvalidSignature
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import SignatureConfiguration, XMLVerifier
from signxml.exceptions import InvalidInput, SignXMLException

from procedure.portal.errors import (
    CertificateExpired,
    SignatureInvalid,
    TrustedCaMissing,
    UntrustedCertificate,
)

DSIG = "http://www.w3.org/2000/09/xmldsig#"
_ID_ATTRIBUTES = (NameOID.SERIAL_NUMBER, NameOID.ORGANIZATIONAL_UNIT_NAME)


@dataclass(frozen=True)
class SignedDocument:
    """What the signature covers, and who signed it with which certificate."""

    signed: etree._Element
    certificate: x509.Certificate
    signer_ids: frozenset[str]

    @property
    def signer_subject(self) -> str:
        return self.certificate.subject.rfc4514_string()


def load_trusted_cas(path: Path) -> list[x509.Certificate]:
    """Read the PEM bundle of trusted certification authorities."""
    try:
        certificates = x509.load_pem_x509_certificates(path.read_bytes())
    except (OSError, ValueError) as error:
        raise TrustedCaMissing(f"no trusted certification authority could be read from {path}") from error
    return certificates


def verify_signed(root: etree._Element, trusted: list[x509.Certificate], now: datetime) -> SignedDocument:
    """Check the enveloped signature of `root` and its certificate; return what was signed."""
    certificate = _signer_certificate(root)
    _check_chain(certificate, trusted, now)
    config = SignatureConfiguration(require_x509=True, expect_references=1, verification_time=now)
    try:
        result = XMLVerifier().verify(root, x509_cert=certificate, expect_config=config)
    except (SignXMLException, InvalidInput, ValueError) as error:
        raise SignatureInvalid(f"the signature does not verify: {error}") from error
    signed = result.signed_xml
    if signed is None or signed.tag != root.tag or len(signed) != len(root) - 1:
        raise SignatureInvalid("the signature must cover the whole document (an enveloped reference to '')")
    return SignedDocument(signed, certificate, signer_ids(certificate))


def signer_ids(certificate: x509.Certificate) -> frozenset[str]:
    """Return the BINs and IINs the certificate's subject names ("IIN…" or "BIN…" + 12 digits)."""
    ids = set()
    for oid in _ID_ATTRIBUTES:
        for attribute in certificate.subject.get_attributes_for_oid(oid):
            value = str(attribute.value).strip().upper()
            if value[:3] in ("IIN", "BIN") and len(value) == 15 and value[3:].isdigit():
                ids.add(value[3:])
    return frozenset(ids)


def _signer_certificate(root: etree._Element) -> x509.Certificate:
    signatures = root.findall(f"{{{DSIG}}}Signature")
    if len(signatures) != 1:
        raise SignatureInvalid("the document must carry exactly one enveloped ds:Signature")
    found = signatures[0].findall(f"{{{DSIG}}}KeyInfo/{{{DSIG}}}X509Data/{{{DSIG}}}X509Certificate")
    if len(found) != 1:
        raise SignatureInvalid("the signature must carry exactly one X509Certificate, the signer's")
    try:
        return x509.load_der_x509_certificate(base64.b64decode("".join((found[0].text or "").split())))
    except (binascii.Error, ValueError) as error:
        raise SignatureInvalid("the signer's certificate cannot be read") from error


def _check_chain(certificate: x509.Certificate, trusted: list[x509.Certificate], now: datetime) -> None:
    issuers = [ca for ca in trusted if ca.subject == certificate.issuer and _is_ca(ca)]
    if not any(_issued_by(certificate, ca) for ca in issuers):
        raise UntrustedCertificate(
            f"the certificate of {certificate.subject.rfc4514_string()} was not issued by a trusted "
            "certification authority"
        )
    for checked in [certificate, *(ca for ca in issuers if _issued_by(certificate, ca))][:2]:
        if not checked.not_valid_before_utc <= now <= checked.not_valid_after_utc:
            raise CertificateExpired(
                f"the certificate of {checked.subject.rfc4514_string()} is valid from "
                f"{checked.not_valid_before_utc.isoformat()} to {checked.not_valid_after_utc.isoformat()}, "
                f"not at {now.isoformat()}"
            )


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _issued_by(certificate: x509.Certificate, ca: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(ca)
    except (ValueError, TypeError, CryptoInvalidSignature):
        return False
    return True
