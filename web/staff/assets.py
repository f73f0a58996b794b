"""Serve the bpmn-js viewer from node_modules (installed by `make deps`, not committed)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, send_file

bp = Blueprint("assets", __name__)
ROOT = Path(__file__).resolve().parents[2]
BPMN_JS = ROOT / "node_modules" / "bpmn-js" / "dist" / "bpmn-navigated-viewer.production.min.js"
BPMN_CSS = ROOT / "node_modules" / "bpmn-js" / "dist" / "assets"


@bp.get("/assets/bpmn-js/bpmn-navigated-viewer.js")
def bpmn_js():
    """Send the bpmn-js navigated viewer; 404 when node_modules is not installed."""
    if not BPMN_JS.is_file():
        abort(404, "bpmn-js is not installed: run `make deps` (npm ci)")
    return send_file(BPMN_JS, mimetype="text/javascript", max_age=3600)


@bp.get("/assets/bpmn-js/diagram-js.css")
def diagram_css():
    """Send diagram-js's stylesheet, which the viewer's overlays and markers use."""
    path = BPMN_CSS / "diagram-js.css"
    if not path.is_file():
        abort(404, "bpmn-js is not installed: run `make deps` (npm ci)")
    return send_file(path, mimetype="text/css", max_age=3600)
