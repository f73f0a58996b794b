"""The consulted bodies' side: take requests, show their state, let a person make the body answer."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from standins.consultations import AlreadyAnswered, RequestIdTaken
from standins.requests import json_object, optional_text, required_text

ANSWERABLE_VERDICTS = ("positive", "negative")

bp = Blueprint("consultations", __name__, url_prefix="/consultations")


def _standins():
    return current_app.extensions["standins"]


def _not_found(request_id: str):
    return jsonify(error=f"no consultation with request id {request_id}"), 404


@bp.post("")
def receive_request():
    """Take a request for a conclusion; the same request id again is the same consultation."""
    body = json_object()
    request = {
        name: required_text(body, name) for name in ("request_id", "body", "business_key", "applicant_id")
    }
    request["list_section"] = optional_text(body, "list_section")
    standins = _standins()
    plan = standins.seed.consultation_plan(request["applicant_id"])
    try:
        consultation = standins.consultations.receive(request, plan, standins.clock())
    except RequestIdTaken as error:
        return jsonify(error=str(error)), 409
    return jsonify(request_id=consultation.request_id, status=consultation.status), 202


@bp.get("")
def list_consultations():
    """List every consultation received, oldest first."""
    return jsonify(consultations=[c.as_json() for c in _standins().consultations.all()])


@bp.get("/<request_id>")
def show_consultation(request_id: str):
    """Show a consultation: its planned answer and how delivering it went."""
    consultation = _standins().consultations.get(request_id)
    return jsonify(consultation.as_json()) if consultation else _not_found(request_id)


@bp.post("/<request_id>/answer")
def answer_now(request_id: str):
    """Make the body answer now with the verdict given, and offer the answer to licflow at once."""
    body = json_object()
    verdict = required_text(body, "verdict")
    if verdict not in ANSWERABLE_VERDICTS:
        return jsonify(error=f"'verdict' must be one of {', '.join(ANSWERABLE_VERDICTS)}"), 400
    standins = _standins()
    if standins.consultations.get(request_id) is None:
        return _not_found(request_id)
    try:
        consultation = standins.consultations.answer_now(
            request_id, verdict, optional_text(body, "reasons") or "", standins.clock()
        )
    except AlreadyAnswered as error:
        return jsonify(error=str(error)), 409
    standins.courier.deliver_due_answers(consultation.answer_due_at)
    return jsonify(consultation.as_json())
