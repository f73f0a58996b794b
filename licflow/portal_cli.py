"""`licflow portal`: a test CA, applicant certificates and signed applications, to try the portal API."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from engine import clock
from licflow import portal_signing


@click.group()
def portal() -> None:
    """Try the applicant portal: make a test CA and certificates, sign applications."""


@portal.command("make-ca")
@click.option("--name", default="licflow test CA", show_default=True)
@click.option("--days", default=3650, show_default=True, type=click.IntRange(1))
@click.option(
    "--key", "key_path", type=click.Path(path_type=Path), default="var/test-ca.key", show_default=True
)
@click.option(
    "--cert", "cert_path", type=click.Path(path_type=Path), default="var/trusted-ca.pem", show_default=True
)
def make_ca(name: str, days: int, key_path: Path, cert_path: Path) -> None:
    """Make a self-signed CA; its certificate is the default LICFLOW_TRUSTED_CA bundle."""
    key, certificate = portal_signing.make_ca(name, days)
    _write(key_path, portal_signing.key_pem(key), private=True)
    _write(cert_path, portal_signing.certificate_pem(certificate))
    click.echo(f"CA key in {key_path}, CA certificate in {cert_path}")


@portal.command("make-cert")
@click.option(
    "--ca-key", type=click.Path(exists=True, path_type=Path), default="var/test-ca.key", show_default=True
)
@click.option(
    "--ca-cert", type=click.Path(exists=True, path_type=Path), default="var/trusted-ca.pem", show_default=True
)
@click.option("--name", required=True, help="The signer's common name.")
@click.option("--iin", help="The signer's IIN (12 digits), put in serialNumber as IIN….")
@click.option("--bin", "bin_", help="The legal entity's BIN (12 digits), put in OU as BIN….")
@click.option("--days", default=365, show_default=True, type=click.IntRange(1))
@click.option("--key", "key_path", type=click.Path(path_type=Path), required=True)
@click.option("--cert", "cert_path", type=click.Path(path_type=Path), required=True)
def make_cert(ca_key, ca_cert, name, iin, bin_, days, key_path, cert_path) -> None:
    """Issue an applicant's signing certificate from the test CA."""
    if not (iin or bin_):
        raise click.UsageError("give --iin, --bin or both")
    authority_key = serialization.load_pem_private_key(ca_key.read_bytes(), password=None)
    authority = x509.load_pem_x509_certificate(ca_cert.read_bytes())
    start = clock.now()
    key, certificate = portal_signing.make_certificate(
        authority_key, authority, name, iin, bin_, start, start + timedelta(days=days)
    )
    _write(key_path, portal_signing.key_pem(key), private=True)
    _write(cert_path, portal_signing.certificate_pem(certificate))
    click.echo(f"key in {key_path}, certificate in {cert_path}")


@portal.command("example")
@click.option("--applicant-id", default="150440001110", show_default=True)
@click.option(
    "--execution-report",
    "license_number",
    metavar="LICENSE_NUMBER",
    help="Print a report on the execution of this license (para 6) instead of an application.",
)
def example(applicant_id: str, license_number: str | None) -> None:
    """Print an unsigned example application (or execution report) for the applicant."""
    if license_number:
        click.echo(portal_signing.example_execution_report(applicant_id, license_number).decode(), nl=False)
        return
    click.echo(portal_signing.example_application(applicant_id).decode(), nl=False)


@portal.command("sign")
@click.argument("application", type=click.Path(exists=True, path_type=Path))
@click.option("--key", "key_path", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--cert", "cert_path", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--out", type=click.Path(path_type=Path), required=True)
def sign(application: Path, key_path: Path, cert_path: Path, out: Path) -> None:
    """Sign APPLICATION (or an execution report) with an enveloped XML signature carrying the certificate."""
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
    _write(out, portal_signing.sign(application.read_bytes(), key, certificate))
    click.echo(f"signed application in {out}")


def _write(path: Path, content: bytes, private: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    if private:
        path.chmod(0o600)
