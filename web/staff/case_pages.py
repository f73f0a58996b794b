"""Case pages: the diagram with where the case stands, its data, deadlines and history."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from engine.external.tasks import open_incidents
from engine.people import queries
from engine.people.case_view import view_case
from web.i18n import _
from web.staff import page_errors
from web.staff.signin import current_user, role_required

bp = Blueprint("cases", __name__)
page_errors.install(bp)
CASE_ROLES = ("officers", "heads", "auditors")
RETRY_ROLES = ("officers", "heads")


def _orchestrator():
    return current_app.extensions["licflow"]


@bp.get("/cases")
@role_required(*CASE_ROLES)
def case_list():
    """List the newest cases, optionally by business key prefix."""
    business_key = (request.args.get("business_key") or "").strip() or None
    with _orchestrator().reading() as db:
        found = queries.find_cases(db, business_key)
    return render_template("cases.html", found=found, business_key=business_key or "")


@bp.get("/cases/<case_id>")
@role_required(*CASE_ROLES)
def case_page(case_id: str):
    """Show one case: diagram, variables, deadlines, history and incidents."""
    with _orchestrator().reading() as db:
        view = view_case(db, case_id)
    diagram = {
        "xml": view.diagram_xml,
        "finished": sorted(view.finished),
        "active": sorted(view.active),
    }
    may_retry = current_user().has(*RETRY_ROLES)
    return render_template("case.html", view=view, diagram=diagram, may_retry=may_retry)


@bp.post("/cases/<case_id>/incidents/<int:incident_id>/retry")
@role_required(*RETRY_ROLES)
def retry_incident(case_id: str, incident_id: int):
    """Give the failed task of an open incident one more try."""
    with _orchestrator().transaction() as db:
        known = {incident.id for incident in open_incidents(db, case_id)}
    if incident_id not in known:
        abort(404, _("Case %(case)s has no open incident %(incident)s.", case=case_id, incident=incident_id))
    _orchestrator().retry_incident(incident_id, retries=1, actor=current_user().actor)
    flash(_("Incident %(incident)s: the task is tried again.", incident=incident_id), "info")
    return redirect(url_for("cases.case_page", case_id=case_id))
