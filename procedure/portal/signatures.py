"""Check the applicant's digital signature (EDS) on a submitted XML document (para 8).

The signature is enveloped (XML-DSig) and carries the signer's certificate in
`ds:KeyInfo/ds:X509Data`. The certificate must be issued directly by a certification
authority in the trusted bundle (`LICFLOW_TRUSTED_CA`), both valid now by the engine's
clock, the authority a CA by its basic constraints. signxml then checks the signature
against exactly that certificate and returns what was signed, which is all we read.

Who signed: NCA RK certificates name the person by `serialNumber=IIN…` and, for an
employee of a legal entity, the organisation by `OU=BIN…`; licflow takes both as the
BIN/IINs the signer may act for.

What was signed is the application. Its identity is the SHA-256 of the signed content
(what the reference covers: the document without its signature), in exclusive
canonical form without comments, so whitespace in the signature value, a comment in a
signed element or re-indented unsigned parts make no new application. Content the
signature does not cover is refused (a `ds:Object`, an unknown element in
`ds:Signature`) or left out (comments the signature does not cover, whitespace between
the signature's parts, `ds:KeyInfo` beyond the signer's certificate): the document of
record is the signed content with its signature, and it verifies on its own.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature as CryptoInvalidSignature
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import SignatureConfiguration, XMLVerifier
from signxml.exceptions import InvalidInput, SignXMLException

from engine.dialect.xmlsafe import parse_xml
from procedure.portal.errors import (
    CertificateExpired,
    SignatureInvalid,
    TrustedCaMissing,
    UnsignedContent,
    UntrustedCertificate,
)

DSIG = "http://www.w3.org/2000/09/xmldsig#"
_ID_ATTRIBUTES = (NameOID.SERIAL_NUMBER, NameOID.ORGANIZATIONAL_UNIT_NAME)
_SIGNATURE_PARTS = {f"{{{DSIG}}}{name}" for name in ("SignedInfo", "SignatureValue", "KeyInfo")}
WITH_COMMENTS = "#WithComments"  # the ending of every c14n algorithm that signs comments


@dataclass(frozen=True)
class SignedDocument:
    """What the signature covers, and who signed it with which certificate."""

    signed: etree._Element
    certificate: x509.Certificate
    signer_ids: frozenset[str]
    identity: str  # SHA-256 of the signed content, exclusive canonical form without comments
    record: bytes  # the document of record: the signed content and its signature, nothing unsigned

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
    signature = _only_signature(root)
    _refuse_unsigned_parts(signature)
    certificate = _signer_certificate(signature)
    _check_chain(certificate, trusted, now)
    signed = _verified_content(root, certificate, now)
    record = _record_of(root)
    if identity_of(_verified_content(parse_xml(record), certificate, now)) != identity_of(signed):
        raise SignatureInvalid(
            "the signed content could not be kept apart from what the signature leaves out"
        )
    return SignedDocument(signed, certificate, signer_ids(certificate), identity_of(signed), record)


def identity_of(signed: etree._Element) -> str:
    """Return the SHA-256 (hex) of signed content in exclusive canonical form, without comments."""
    return hashlib.sha256(
        etree.tostring(signed, method="c14n", exclusive=True, with_comments=False)
    ).hexdigest()


def _verified_content(root: etree._Element, certificate: x509.Certificate, now: datetime) -> etree._Element:
    config = SignatureConfiguration(require_x509=True, expect_references=1, verification_time=now)
    try:
        result = XMLVerifier().verify(root, x509_cert=certificate, expect_config=config)
    except (SignXMLException, InvalidInput, ValueError) as error:
        raise SignatureInvalid(f"the signature does not verify: {error}") from error
    signed = result.signed_xml
    if signed is None or signed.tag != root.tag or _elements(signed) != _elements(root) - 1:
        raise SignatureInvalid("the signature must cover the whole document (an enveloped reference to '')")
    return signed


def _elements(node: etree._Element) -> int:
    return sum(1 for child in node if isinstance(child.tag, str))


def _only_signature(root: etree._Element) -> etree._Element:
    signatures = root.findall(f"{{{DSIG}}}Signature")
    if len(signatures) != 1:
        raise SignatureInvalid("the document must carry exactly one enveloped ds:Signature")
    return signatures[0]


def _refuse_unsigned_parts(signature: etree._Element) -> None:
    """Refuse elements in ds:Signature that nothing signs: only SignedInfo, SignatureValue, KeyInfo."""
    for part in signature:
        if isinstance(part.tag, str) and part.tag not in _SIGNATURE_PARTS:
            name = etree.QName(part).localname
            raise UnsignedContent(
                f"the signature carries a ds:{name} that it does not sign; send the application as "
                "signed, without it"
            )


def _record_of(root: etree._Element) -> bytes:
    """Return the document of record: the signed content and its signature, without what nothing signs."""
    record = copy.deepcopy(root)
    signature = record.find(f"{{{DSIG}}}Signature")
    signed_info = signature.find(f"{{{DSIG}}}SignedInfo")
    transforms = signed_info.iterfind(f"{{{DSIG}}}Reference/{{{DSIG}}}Transforms/{{{DSIG}}}Transform")
    method = signed_info.find(f"{{{DSIG}}}CanonicalizationMethod")
    comments_signed = {
        "content": any(_with_comments(transform) for transform in transforms),
        "signed info": method is not None and _with_comments(method),
        "signature": False,
    }
    for comment in list(record.iter(etree.Comment)):
        if not comments_signed[_part_holding(comment, signature, signed_info)]:
            _remove(comment)
    _tidy_signature(signature)
    return etree.tostring(record, xml_declaration=True, encoding="UTF-8")


def _with_comments(algorithm_holder: etree._Element) -> bool:
    return (algorithm_holder.get("Algorithm") or "").endswith(WITH_COMMENTS)


def _part_holding(node, signature: etree._Element, signed_info: etree._Element) -> str:
    """Say where `node` lies: in the signed content, in SignedInfo, or elsewhere in the signature."""
    for ancestor in node.iterancestors():
        if ancestor is signed_info:
            return "signed info"
        if ancestor is signature:
            return "signature"
    return "content"


def _tidy_signature(signature: etree._Element) -> None:
    """Drop what nothing signs around SignedInfo: whitespace, processing instructions, extra key info."""
    signature.text = None
    for part in list(signature):
        if not isinstance(part.tag, str):
            _remove(part)
            continue
        part.tail = None
        if part.tag == f"{{{DSIG}}}SignatureValue":
            part.text = "".join((part.text or "").split())
        elif part.tag == f"{{{DSIG}}}KeyInfo":
            _keep_only_the_certificate(part)


def _keep_only_the_certificate(key_info: etree._Element) -> None:
    (certificate,) = key_info.findall(f"{{{DSIG}}}X509Data/{{{DSIG}}}X509Certificate")
    certificate.text = "".join((certificate.text or "").split())
    certificate.tail = None
    data = certificate.getparent()
    for node in list(key_info):
        key_info.remove(node)
    for node in list(data):
        if node is not certificate:
            data.remove(node)
    data.text, data.tail, key_info.text = None, None, None
    key_info.append(data)


def _remove(node) -> None:
    """Remove `node` from its parent, keeping the text that follows it."""
    parent, tail = node.getparent(), node.tail or ""
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(node)


def signer_ids(certificate: x509.Certificate) -> frozenset[str]:
    """Return the BINs and IINs the certificate's subject names ("IIN…" or "BIN…" + 12 digits)."""
    ids = set()
    for oid in _ID_ATTRIBUTES:
        for attribute in certificate.subject.get_attributes_for_oid(oid):
            value = str(attribute.value).strip().upper()
            if value[:3] in ("IIN", "BIN") and len(value) == 15 and value[3:].isdigit():
                ids.add(value[3:])
    return frozenset(ids)


def _signer_certificate(signature: etree._Element) -> x509.Certificate:
    found = signature.findall(f"{{{DSIG}}}KeyInfo/{{{DSIG}}}X509Data/{{{DSIG}}}X509Certificate")
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
