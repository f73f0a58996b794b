"""A liveness answer for people and scripts."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    """Answer whether the database is reachable."""
    current_app.extensions["licflow"].ping()
    return jsonify(status="ok")
