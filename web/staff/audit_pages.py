"""The auditor's page: step through a case's history with the diagram at each step."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, current_app, render_template

from engine.history.steps import audit_trail
from web.staff import page_errors
from web.staff.signin import role_required

bp = Blueprint("audit", __name__)
page_errors.install(bp)


@bp.get("/audit/cases/<case_id>")
@role_required("auditors")
def audit_case(case_id: str):
    """Show the case's history step by step, its chain check, replay verdict and deadlines."""
    with current_app.extensions["licflow"].reading() as db:
        trail = audit_trail(db, case_id)
    player = {"xml": trail["diagram_xml"], "steps": [asdict(step) for step in trail["steps"]]}
    return render_template("audit/case.html", trail=trail, player=player)


def init_app(app) -> None:
    """Add the auditor's page to the app."""
    app.register_blueprint(bp)
