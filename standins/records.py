"""Read-only records of other state systems: the registry, courts, bailiffs and basis documents."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from standins.requests import applicant_id_argument
from standins.seed import Seed

bp = Blueprint("records", __name__)


def _seed() -> Seed:
    return current_app.extensions["standins"].seed


@bp.get("/registry/subjects/<bin_or_iin>")
def registry_subject(bin_or_iin: str):
    """Answer the state and tax registration and activity permits of a BIN or IIN."""
    subject = _seed().subject(bin_or_iin)
    if subject is None:
        return jsonify(error=f"no subject with BIN/IIN {bin_or_iin} in the state registry"), 404
    return jsonify(subject)


@bp.get("/courts/bans")
def court_bans():
    """Answer the court decisions suspending or forbidding the applicant's activity (ground 6)."""
    return jsonify(bans=_seed().court_bans(applicant_id_argument()))


@bp.get("/bailiffs/bans")
def bailiff_bans():
    """Answer the bailiffs' submissions forbidding licensing the applicant (ground 7)."""
    return jsonify(bans=_seed().bailiff_bans(applicant_id_argument()))


@bp.get("/documents/<number>")
def basis_document(number: str):
    """Answer the status of a document the license is based on (ground 8), if it is the applicant's."""
    applicant_id = applicant_id_argument()
    document = _seed().documents.get(number)
    if document is None or document["applicant_id"] != applicant_id:
        return jsonify(error=f"no document {number} of applicant {applicant_id}"), 404
    return jsonify(
        number=number, applicant_id=applicant_id, status=document["status"], ends_on=document["ends_on"]
    )
