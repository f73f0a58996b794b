"""Test helpers for the portal: a certification authority, applicant certificates, signed applications."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from licflow.portal_signing import (
    certificate_pem,
    example_application,
    make_ca,
    make_certificate,
    new_key,
    sign,
)

# Wide enough that moved clocks in the tests stay inside it.
VALID_FROM = datetime(2020, 1, 1, tzinfo=UTC)
VALID_UNTIL = datetime(2035, 1, 1, tzinfo=UTC)


class Authority:
    """A test certification authority that issues applicants' signing certificates."""

    def __init__(self, key=None, name: str = "licflow test CA") -> None:
        self.key, self.certificate = make_ca(name, 365 * 20, key or new_key(), VALID_FROM)

    def bundle(self) -> bytes:
        """Return the CA certificate as a PEM bundle."""
        return certificate_pem(self.certificate)

    def certificate_for(self, key, iin=None, bin_=None, not_before=VALID_FROM, not_after=VALID_UNTIL):
        """Issue a certificate for `key` naming the IIN and/or BIN."""
        return make_certificate(
            self.key, self.certificate, "Test Signer", iin, bin_, not_before, not_after, key
        )[1]

    def signed(self, key, applicant_id: str = "150440001110", certificate=None, **fields: str) -> bytes:
        """Return an example application of `applicant_id`, signed by an employee of that BIN."""
        certificate = certificate or self.certificate_for(key, iin="850315301235", bin_=applicant_id)
        return sign(example_application(applicant_id, **fields), key, certificate)


def basic(username: str, password: str) -> dict[str, str]:
    """Return the HTTP Basic header for `username` and `password`."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}
