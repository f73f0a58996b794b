"""Make a test certification authority, applicant certificates and signed applications.

For trying the portal API on one machine and for tests; real applicants sign with
their NCA RK certificate. The certificates follow NCA RK's naming: `serialNumber=IIN…`
for the person and, for an employee of a legal entity, `OU=BIN…` for the organisation.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from xml.sax.saxutils import escape

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import XMLSigner, methods

from engine import clock
from engine.dialect.xmlsafe import parse_xml
from procedure.portal import execution_reports
from procedure.portal.application_form import NAMESPACE

KEY_BITS = 2048
# example_application fields that are XML fragments, put in as they are
RAW_FIELDS = ("payment", "decision", "basis", "documents")


def new_key() -> rsa.RSAPrivateKey:
    """Return a new RSA key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)


def make_ca(name: str = "licflow test CA", days: int = 3650, key=None, not_before: datetime | None = None):
    """Return (key, certificate) of a self-signed certification authority."""
    key = key or new_key()
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    start = not_before or clock.now() - timedelta(days=1)
    certificate = (
        _builder(subject, subject, key.public_key(), start, start + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def make_certificate(
    ca_key,
    ca_certificate: x509.Certificate,
    common_name: str,
    iin: str | None = None,
    bin_: str | None = None,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    key=None,
):
    """Return (key, certificate) of a signer, issued by the CA, naming their IIN and/or BIN."""
    key = key or new_key()
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if iin:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, f"IIN{iin}"))
    if bin_:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"BIN{bin_}"))
    start = not_before or clock.now() - timedelta(days=1)
    end = not_after or start + timedelta(days=365)
    certificate = (
        _builder(x509.Name(attributes), ca_certificate.subject, key.public_key(), start, end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    return key, certificate


def _builder(subject, issuer, public_key, start: datetime, end: datetime) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
    )


def _key_usage(ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
        encipher_only=False, decipher_only=False,
    )  # fmt: skip


def sign(document: bytes, key, certificate: x509.Certificate) -> bytes:
    """Return `document` with an enveloped XML signature by `key`, carrying `certificate`."""
    signer = XMLSigner(method=methods.enveloped, signature_algorithm="rsa-sha256", digest_algorithm="sha256")
    signed = signer.sign(
        parse_xml(document), key=key, cert=[certificate.public_bytes(serialization.Encoding.PEM)]
    )
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def key_pem(key) -> bytes:
    """Return the private key as unencrypted PKCS#8 PEM."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def certificate_pem(certificate: x509.Certificate) -> bytes:
    """Return the certificate as PEM."""
    return certificate.public_bytes(serialization.Encoding.PEM)


def example_application(applicant_id: str = "150440001110", **fields: str) -> bytes:
    """Return an unsigned example application; `fields` override the defaults by element name."""
    values = {
        "name": "Dala Trade LLP", "address": "Astana, Mangilik El avenue 55", "email": "office@dala.example",
        "direction": "export", "kind": "one_time", "listSection": "2.16",
        "contractNumber": f"C-2026-{applicant_id[-4:]}", "contractDate": "2026-10-01",
        "contractEnd": "2027-09-30", "counterparty": "Shenzhen Radio Co", "counterpartyCountry": "CN",
        "origin": "KZ", "destination": "CN",
        "payment": f"<paymentReference>PAY-2026-{applicant_id[-4:]}</paymentReference>",
        "decision": "", "basis": "", "language": "",
    }  # fmt: skip
    values.update(fields)
    values.setdefault(
        "documents", f'<document kind="contract">contract-{escape(values["contractNumber"])}.pdf</document>'
    )
    v = {k: escape(val) if k not in RAW_FIELDS else val for k, val in values.items()}
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<application xmlns="{NAMESPACE}">
  <applicant><id>{applicant_id}</id><name>{v["name"]}</name><address>{v["address"]}</address>
    <email>{v["email"]}</email></applicant>
  <direction>{v["direction"]}</direction>
  <kind>{v["kind"]}</kind>
  <listSection>{v["listSection"]}</listSection>
  <contract><number>{v["contractNumber"]}</number><date>{v["contractDate"]}</date><end>{v["contractEnd"]}</end></contract>
  <counterparty><name>{v["counterparty"]}</name><country>{v["counterpartyCountry"]}</country></counterparty>
  <countryOfOrigin>{v["origin"]}</countryOfOrigin>
  <countryOfDestination>{v["destination"]}</countryOfDestination>
  <goods>
    <line><hsCode>8517130000</hsCode><description>Smartphones</description><quantity>200</quantity>
      <unit>pcs</unit><value>48000.00</value><currency>USD</currency></line>
  </goods>
  {v["payment"]}{v["decision"]}{v["basis"]}
  <documents>{v["documents"]}</documents>{_language(v["language"])}
</application>
""".encode()


def _language(language: str) -> str:
    return f"\n  <language>{language}</language>" if language else ""


def example_execution_report(
    applicant_id: str, license_number: str, number: str = "R-1", name: str = "Dala Trade LLP"
) -> bytes:
    """Return an unsigned example report on the execution of license `license_number` (para 6)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<executionReport xmlns="{execution_reports.NAMESPACE}">
  <licensee><id>{escape(applicant_id)}</id><name>{escape(name)}</name></licensee>
  <licenseNumber>{escape(license_number)}</licenseNumber>
  <number>{escape(number)}</number>
  <period><from>2026-12-01</from><to>2026-12-31</to></period>
  <deliveries>
    <delivery><customsDeclaration>50401/011226/0012345</customsDeclaration><date>2026-12-01</date>
      <quantity>120</quantity><unit>pcs</unit><value>28800.00</value><currency>USD</currency></delivery>
  </deliveries>
</executionReport>
""".encode()
