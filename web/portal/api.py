"""The applicants' JSON API: submit a signed application, follow it, fetch the result (para 8).

Applicants sign in with HTTP Basic (a user with the role `applicants`); a missing or
unknown credential gets 401 and touches nothing. The API is described by
`web/openapi.json`, served at `/api/openapi.json`.
"""

from __future__ import annotations

import base64
import binascii
import json
from functools import wraps
from pathlib import Path

from flask import Blueprint, Response, current_app, g, jsonify, request, send_file, url_for

from engine.errors import LicflowError
from engine.people.sign_in import SignInThrottled, sign_in
from engine.people.users import roles_of
from procedure.portal import errors as portal_errors
from procedure.portal import execution_reports
from procedure.portal import intake as portal
from procedure.portal import views as portal_views
from procedure.portal.settings import PortalSettings
from web.errors import status_of
from web.portal import answers
from web.portal.answers import said

bp = Blueprint("portal_api", __name__, url_prefix="/api/portal")
spec_bp = Blueprint("portal_openapi", __name__)
OPENAPI = Path(__file__).with_name("openapi.json")
XML_TYPES = ("application/xml", "text/xml")
MAX_PER_PAGE = 50
MAX_PAGE = 10_000
STATUS = [
    (portal_errors.DocumentTooLarge, 413),
    (portal_errors.SignerMismatch, 403),
    (portal_errors.UntrustedCertificate, 422),
    (portal_errors.SignatureInvalid, 422),
    (portal_errors.ApplicationInvalid, 422),
    (portal_errors.ReportInvalid, 422),
    (portal_errors.TrustedCaMissing, 503),
]


def _orchestrator():
    return current_app.extensions["licflow"]


def _settings() -> PortalSettings:
    return current_app.config.get("PORTAL") or PortalSettings.from_environment()


def _problem(kind: str, message: str, status: int, errors: dict | None = None) -> Response:
    response = jsonify(answers.problem_body(kind, message, errors))
    response.status_code = status
    return response


@bp.errorhandler(LicflowError)
def domain_error(error: LicflowError):
    """Answer a refused submission or a missing application as JSON {type, message, errors}."""
    status = next((code for kind, code in STATUS if isinstance(error, kind)), None) or status_of(error)
    text = error.args[0] if error.args and isinstance(error.args[0], str) else str(error)
    return _problem(type(error).__name__, text, status, getattr(error, "errors", None))


def applicant_required(view):
    """Answer 401 and touch nothing unless HTTP Basic names an applicant with their password."""

    @wraps(view)
    def guarded(*args, **kwargs):
        credentials = _basic_credentials()
        user = None
        if credentials:
            address = request.remote_addr or ""
            try:
                user = sign_in(_orchestrator().store, *credentials, address, keep_successes=False)
            except SignInThrottled as throttled:
                text = str(throttled) if answers.requested_language() == "en" else said(answers.THROTTLED)
                response = _problem("SignInThrottled", text, 429)
                response.headers["Retry-After"] = str(max(1, int(throttled.retry_after.total_seconds())))
                return response
        if user is None:
            response = _problem("Unauthorized", said(answers.SIGN_IN), 401)
            response.headers["WWW-Authenticate"] = 'Basic realm="licflow portal"'
            return response
        if "applicants" not in roles_of(user) or not user.applicant_id:
            return _problem("Forbidden", said(answers.APPLICANTS_ONLY), 403)
        g.applicant = portal.Applicant(user.username, user.applicant_id)
        return view(*args, **kwargs)

    return guarded


def _basic_credentials() -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        username, colon, password = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if not colon or not username or "\x00" in username + password:
        return None
    return username, password


def _signed_xml(what: str) -> bytes | Response:
    """Return the signed XML document of the request body, or the answer refusing it."""
    settings = _settings()
    if (request.content_length or 0) > settings.max_document_bytes:
        raise portal_errors.DocumentTooLarge(said(answers.TOO_LARGE, bytes=settings.max_document_bytes))
    if request.mimetype not in XML_TYPES:
        return _problem("UnsupportedMediaType", said(answers.SEND_XML[what]), 415)
    return request.stream.read(settings.max_document_bytes + 1)


@bp.post("/applications")
@applicant_required
def submit_application():
    """Submit a signed application; 201 with a new one, 200 with the one it already started."""
    document = _signed_xml("application")
    if isinstance(document, Response):
        return document
    submitted = portal.submit(_orchestrator(), _settings(), g.applicant, document)
    view = portal_views.application_of(_orchestrator(), g.applicant.applicant_id, submitted.number)
    response = jsonify(_with_links(view.to_dict()))
    response.status_code = 201 if submitted.created else 200
    response.headers["Location"] = url_for(".application", number=submitted.number)
    return response


@bp.get("/applications")
@applicant_required
def my_applications():
    """List my applications, newest first, a page at a time."""
    page = _positive_int("page", 1, MAX_PAGE)
    per_page = _positive_int("per_page", 20, MAX_PER_PAGE)
    views, total = portal_views.applications_of(_orchestrator(), g.applicant.applicant_id, page, per_page)
    items = [_with_links(view.to_dict()) for view in views]
    return jsonify(items=items, page=page, per_page=per_page, total=total)


@bp.get("/applications/<number>")
@applicant_required
def application(number: str):
    """Show one of my applications: status, registration day, due date, result."""
    view = portal_views.application_of(_orchestrator(), g.applicant.applicant_id, number)
    return jsonify(_with_links(view.to_dict()))


@bp.get("/applications/<number>/document")
@applicant_required
def result_document(number: str):
    """Send the PDF of my license or of the refusal."""
    path = portal_views.result_document(
        _orchestrator(), g.applicant.applicant_id, number, _settings().documents_dir
    )
    return send_file(path, mimetype="application/pdf", download_name=path.name)


@bp.post("/applications/<number>/execution-reports")
@applicant_required
def submit_execution_report(number: str):
    """Send a signed report on the execution of my license (para 6); 201 new, 200 sent before."""
    document = _signed_xml("execution report")
    if isinstance(document, Response):
        return document
    received = execution_reports.submit_report(_orchestrator(), _settings(), g.applicant, number, document)
    reports = execution_reports.reports_of(_orchestrator(), g.applicant, number)
    report = next(r for r in reports if r["id"] == received.document_id)
    response = jsonify(report)
    response.status_code = 201 if received.created else 200
    response.headers["Location"] = url_for(".execution_reports_of", number=number)
    return response


@bp.get("/applications/<number>/execution-reports")
@applicant_required
def execution_reports_of(number: str):
    """List the execution reports I sent for my application, and whether each is still kept."""
    return jsonify(items=execution_reports.reports_of(_orchestrator(), g.applicant, number))


@spec_bp.get("/api/openapi.json")
def openapi():
    """Serve the OpenAPI 3 description of the portal API."""
    return current_app.response_class(OPENAPI.read_text(), mimetype="application/json")


def _with_links(item: dict) -> dict:
    answers.in_applicants_language(item)
    item["links"] = {"self": url_for(".application", number=item["number"])}
    if item["result"] and item["result"]["document_available"]:
        item["links"]["document"] = url_for(".result_document", number=item["number"])
    return item


def _positive_int(name: str, default: int, most: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= most:
        raise portal_errors.QueryInvalid({name: said(answers.WHOLE_NUMBER, most=most)})
    return int(raw)


def init_app(app) -> None:
    """Register the portal API and its OpenAPI description."""
    app.register_blueprint(bp)
    app.register_blueprint(spec_bp)
    json.loads(OPENAPI.read_text())  # a broken description fails at start-up, not at first request
