"""Why the portal refuses a submitted document; `web/portal/api.py` maps each to HTTP."""

from __future__ import annotations

from engine.errors import InvalidCommand, LicflowError


class DocumentTooLarge(LicflowError):
    """The submitted document is larger than the portal accepts."""


class SignatureInvalid(LicflowError):
    """The document carries no valid enveloped signature, or was altered after signing."""


class UntrustedCertificate(LicflowError):
    """The signer's certificate was not issued by a certification authority licflow trusts."""


class CertificateExpired(UntrustedCertificate):
    """The signer's certificate, or its authority's, is not valid at the time of submission."""


class SignerMismatch(LicflowError):
    """The certificate's BIN/IIN is not the application's applicant or the signed-in applicant."""


class TrustedCaMissing(LicflowError):
    """No trusted certification authority is configured, so nothing can be accepted."""


class ApplicationInvalid(InvalidCommand):
    """The application does not fit its schema or the Rules; `errors` names each field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors


class QueryInvalid(InvalidCommand):
    """A query parameter of a portal request is out of range; `errors` names each."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors


class ReportInvalid(InvalidCommand):
    """An execution report does not fit its schema or its license; `errors` names each field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors
