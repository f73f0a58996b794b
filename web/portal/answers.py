"""The portal API in the applicant's language: Accept-Language picks kk, ru or en (Kazakh by default).

An error answer keeps its `type` and `errors` keys; its `message` is in the language
asked. A refusal whose wording licflow has in the catalogs is translated as it stands;
any other is answered with the sentence of its kind, the English original kept in
`detail`. English answers are the original texts. The plain-word status of an
application (`status_text`) is translated by its status code.
"""

from __future__ import annotations

from typing import Any

from engine.i18n import N_, in_language, translate
from web.i18n import requested_language

# What each kind of refusal means for the applicant, and the way out.
KIND_SENTENCES = {
    "DocumentTooLarge": N_("The document is larger than the portal accepts."),
    "SignatureInvalid": N_(
        "The document's signature is not valid, or the document was changed after signing."
    ),
    "UnsignedContent": N_("The document carries content its signature does not cover."),
    "UntrustedCertificate": N_(
        "The signer's certificate was not issued by a trusted certification authority."
    ),
    "CertificateExpired": N_("The signer's certificate is not valid at the time of submission."),
    "SignerMismatch": N_("The certificate's BIN/IIN is not the applicant's: sign with the applicant's key."),
    "TrustedCaMissing": N_(
        "The portal cannot accept documents now: no trusted certification authority is set up."
    ),
    "ApplicationInvalid": N_("The application does not fit its form or the Rules: see the fields named."),
    "QueryInvalid": N_("A parameter of the request is out of range: see the parameters named."),
    "ReportInvalid": N_("The execution report does not fit its form or its license: see the fields named."),
    "NotFound": N_("There is no such application among yours."),
    "Conflict": N_("The application changed in the meantime: try again."),
    "InvalidCommand": N_("The request does not fit the application."),
}
STATUS_TEXT = {
    "registered": N_("Registered"),
    "under_consideration": N_("Under consideration"),
    "waiting_for_consulted_body": N_("Under consideration: waiting for the answer of a consulted state body"),
    "preliminary_refusal_hearing": N_("Preliminary decision to refuse: you are invited to a hearing"),
    "license_issued": N_("License issued"),
    "refused": N_("Refused"),
    "not_considered": N_("Not considered: the set of documents is incomplete"),
}
# The portal's own answers (web/portal/api.py), worded here so each is translated.
SIGN_IN = N_("Sign in with HTTP Basic as an applicant.")
APPLICANTS_ONLY = N_("The portal API is for applicants.")
SEND_XML = {
    "application": N_("Send the signed application as application/xml."),
    "execution report": N_("Send the signed execution report as application/xml."),
}
TOO_LARGE = N_("The document has more than %(bytes)s bytes.")
WHOLE_NUMBER = N_("must be a whole number from 1 to %(most)s")
THROTTLED = N_("Too many failed sign-ins for this user name or from this address: try again later.")


def said(message: str, **values: object) -> str:
    """Return one of the portal's own answers in the language of the request."""
    return translate(requested_language(), message, **values)


def problem_body(kind: str, text: str, errors: dict | None) -> dict[str, Any]:
    """Return the JSON of an error answer in the language of the request."""
    language = requested_language()
    body: dict[str, Any] = {"type": kind, "message": text, "errors": dict(errors or {})}
    if language != "en":
        translated = in_language(language, text)
        if translated == text and kind in KIND_SENTENCES:  # licflow has no wording of this text
            translated = translate(language, KIND_SENTENCES[kind])
            body["detail"] = text
        body["message"] = translated
        body["errors"] = {name: in_language(language, str(why)) for name, why in body["errors"].items()}
    return body


def in_applicants_language(item: dict[str, Any]) -> dict[str, Any]:
    """Write an application's plain-word status in the language of the request."""
    status = item.get("status")
    if status in STATUS_TEXT and requested_language() != "en":
        item["status_text"] = translate(requested_language(), STATUS_TEXT[status])
    return item
