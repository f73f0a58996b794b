"""Deployments for process analysts: upload diagrams, see what is wrong, see the versions."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, render_template, request

from engine.dialect.diagram_lint import lint_diagrams
from engine.dialect.xmlsafe import parse_xml
from engine.errors import InvalidDiagram, InvalidXml
from engine.people import queries
from web.i18n import _
from web.staff import page_errors
from web.staff.signin import current_user, role_required

bp = Blueprint("deployments", __name__)
page_errors.install(bp)
UPLOAD_SUFFIXES = (".bpmn", ".dmn")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # the limit every XML read has (engine/xmlsafe.py)


def _orchestrator():
    return current_app.extensions["licflow"]


def _page(status: int = 200, **outcome):
    with _orchestrator().reading() as db:
        versions = queries.deployed_versions(db)
    outcome.setdefault("errors", [])
    outcome.setdefault("lint", None)
    outcome.setdefault("deployed", None)
    return render_template("deployments.html", versions=versions, **outcome), status


@bp.get("/deployments")
@role_required("analysts")
def deployment_list():
    """Show every deployed version and how many cases run on it."""
    return _page()


@bp.post("/deployments")
@role_required("analysts")
def upload():
    """Read, lint and deploy the uploaded .bpmn/.dmn files together; show what is wrong."""
    documents, errors = _uploaded()
    if errors or not documents:
        return _page(400, errors=errors or [_("Choose at least one .bpmn or .dmn file.")])
    unreadable = _unreadable(documents)
    if unreadable:  # the hardened parser reads every upload before any other tool sees it
        return _page(400, errors=unreadable)
    lint = lint_diagrams(documents)
    if lint.ran and lint.problems:
        return _page(400, errors=[_("bpmnlint found problems; nothing was deployed.")], lint=lint)
    try:
        deployed = _orchestrator().deploy(documents, actor=current_user().actor)
    except (InvalidDiagram, InvalidXml) as error:
        return _page(400, errors=[f"{type(error).__name__}: {error}"], lint=lint)
    return _page(201, deployed=deployed, lint=lint)


def _unreadable(documents: dict[str, bytes]) -> list[str]:
    """Return why each upload the hardened XML parser refuses was refused (DTDs, entities, bad XML)."""
    errors = []
    for name, content in sorted(documents.items()):
        try:
            parse_xml(content, name)
        except InvalidXml as error:
            errors.append(f"{type(error).__name__}: {error}")
    return errors


def _uploaded() -> tuple[dict[str, bytes], list[str]]:
    documents: dict[str, bytes] = {}
    errors = []
    for upload in request.files.getlist("diagrams"):
        if not upload.filename:
            continue
        name = Path(upload.filename).name
        if not name.endswith(UPLOAD_SUFFIXES):
            errors.append(_("%(file)s: only .bpmn and .dmn files are deployed", file=name))
            continue
        content = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(content) > MAX_UPLOAD_BYTES:
            errors.append(_("%(file)s: larger than 10 MiB", file=name))
            continue
        documents[name] = content
    return documents, errors
