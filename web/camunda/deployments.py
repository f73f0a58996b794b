"""`/deployment`: deploy .bpmn and .dmn files as Camunda Modeler sends them; list, read, delete.

`create` takes the multipart form Camunda Modeler 5 posts (deployment-name,
deployment-source, enable-duplicate-filtering, deploy-changed-only, one part per
file). bpmnlint checks the diagrams first, as on the deployment page. licflow makes a
new version only of a process or decision that changed, always (as if
deploy-changed-only were set); tenants are refused.
"""

from __future__ import annotations

from pathlib import Path

from flask import Response, current_app, jsonify, request

from engine.dialect.diagram_lint import lint_diagrams
from engine.errors import InvalidDiagram, NotFound
from engine.people import catalog
from engine.runtime import deployments
from web.camunda import params
from web.camunda.access import CREATE_DEPLOYMENT, DELETE_DEPLOYMENT, READ_DEPLOYMENT, caller
from web.camunda.params import InvalidRequest
from web.camunda.routes import count, route
from web.camunda.shapes import (
    decision_definition_json,
    definition_id,
    deployment_json,
    process_definition_json,
)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # the limit every XML read has (engine/dialect/xmlsafe.py)
FORM_FIELDS = ("deployment-name", "deployment-source", "enable-duplicate-filtering", "deploy-changed-only")
REFUSED_FIELDS = {
    "tenant-id": "licflow has no tenants; deploy without tenant-id",
    "deployment-activation-time": "licflow activates a deployment at once",
}
LIST_FILTERS = ("id", "name", "nameLike", "source", "after", "before")
SORT_FIELDS = ("id", "name", "deploymentTime")


def _orchestrator():
    return current_app.extensions["licflow"]


@route("POST", "/deployment/create", CREATE_DEPLOYMENT, body="multipart")
def create():
    """Deploy the files of a multipart form together."""
    options = _form_options()
    documents = _uploaded_files()
    lint = lint_diagrams(documents)
    if lint.ran and lint.problems:
        raise InvalidDiagram("bpmnlint found problems; nothing was deployed: " + "; ".join(lint.problems))
    result = _orchestrator().create_deployment(documents, caller().actor, **options)
    with _orchestrator().reading() as session:
        processes, decided = catalog.deployed_with(session, result.deployment.id)
        deployment = deployments.require(session, result.deployment.id)
        answer = deployment_json(deployment)
    answer["deployedProcessDefinitions"] = {
        definition_id(d): process_definition_json(d) for d in processes
    } or None
    answer["deployedCaseDefinitions"] = None
    answer["deployedDecisionDefinitions"] = {
        definition_id(d): decision_definition_json(d) for d in decided
    } or None
    answer["deployedDecisionRequirementsDefinitions"] = None
    return jsonify(answer)


def _form_options() -> dict:
    for name, why in REFUSED_FIELDS.items():
        if request.form.get(name):
            raise InvalidRequest(f"{name}: {why}")
    unknown = sorted(set(request.form) - set(FORM_FIELDS) - set(REFUSED_FIELDS))
    if unknown:
        raise InvalidRequest(f"licflow does not support the form field(s) {', '.join(unknown)}")
    flags = {}
    for name in ("enable-duplicate-filtering", "deploy-changed-only"):
        value = request.form.get(name, "false").strip().lower()
        if value not in ("true", "false"):
            raise InvalidRequest(f"{name} must be true or false, not {value!r}")
        flags[name] = value == "true"
    return {
        "name": request.form.get("deployment-name") or None,
        "source": request.form.get("deployment-source") or None,
        # deploy-changed-only is what licflow always does per process; it also filters whole duplicates
        "duplicate_filtering": flags["enable-duplicate-filtering"] or flags["deploy-changed-only"],
    }


def _uploaded_files() -> dict[str, bytes]:
    documents: dict[str, bytes] = {}
    for upload in request.files.values():
        name = Path(upload.filename or "").name
        if not name.endswith((".bpmn", ".dmn")):
            raise InvalidRequest(
                f"{name or 'a part without a file name'}: only .bpmn and .dmn files are deployed"
            )
        content = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(content) > MAX_UPLOAD_BYTES:
            raise InvalidRequest(f"{name}: larger than 10 MiB")
        documents[name] = content
    if not documents:
        raise InvalidRequest("a deployment needs at least one .bpmn or .dmn file")
    return documents


@route("GET", "/deployment", READ_DEPLOYMENT, query=LIST_FILTERS, sort_by=SORT_FIELDS)
def deployment_list():
    """Deployments, filtered, sorted and paged."""
    window = params.window(SORT_FIELDS)
    rows = _find()
    key = {"id": lambda d: d.id, "name": lambda d: d.name or "", "deploymentTime": lambda d: d.deployed_at}
    rows.sort(key=key[window.sort_by or "deploymentTime"], reverse=window.descending)
    return jsonify([deployment_json(d) for d in window.cut(rows)])


@route("GET", "/deployment/count", READ_DEPLOYMENT, query=LIST_FILTERS)
def deployment_count():
    """How many deployments match the filters."""
    return count(len(_find()))


def _find():
    query = catalog.DeploymentQuery(
        deployment_id=params.text("id"),
        name=params.text("name"),
        name_like=params.text("nameLike"),
        source=params.text("source"),
        after=params.moment("after"),
        before=params.moment("before"),
    )
    with _orchestrator().reading() as session:
        return catalog.find_deployments(session, query)


@route("GET", "/deployment/{deployment_id}", READ_DEPLOYMENT)
def deployment(deployment_id: str):
    """One deployment."""
    with _orchestrator().reading() as session:
        return jsonify(deployment_json(deployments.require(session, deployment_id)))


@route("GET", "/deployment/{deployment_id}/resources", READ_DEPLOYMENT)
def resources(deployment_id: str):
    """The files of a deployment."""
    return jsonify([_resource_json(deployment_id, n, name) for n, name in enumerate(_names(deployment_id))])


@route("GET", "/deployment/{deployment_id}/resources/{resource_id}", READ_DEPLOYMENT)
def resource(deployment_id: str, resource_id: str):
    """One file of a deployment."""
    number, name = _resource(deployment_id, resource_id)
    return jsonify(_resource_json(deployment_id, number, name))


@route("GET", "/deployment/{deployment_id}/resources/{resource_id}/data", READ_DEPLOYMENT)
def resource_data(deployment_id: str, resource_id: str):
    """The content of one file of a deployment, as deployed."""
    _, name = _resource(deployment_id, resource_id)
    with _orchestrator().reading() as session:
        text = deployments.require(session, deployment_id).resources[name]
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(text.encode("utf-8"), mimetype="application/octet-stream", headers=headers)


def _names(deployment_id: str) -> list[str]:
    with _orchestrator().reading() as session:
        return sorted(deployments.require(session, deployment_id).resources)


def _resource(deployment_id: str, resource_id: str) -> tuple[int, str]:
    names = _names(deployment_id)
    prefix, _, number = resource_id.rpartition("-r")
    if prefix != deployment_id or not number.isdigit() or int(number) >= len(names):
        raise NotFound(
            f"Deployment resource with resource id '{resource_id}' "
            f"for deployment id '{deployment_id}' does not exist."
        )
    return int(number), names[int(number)]


def _resource_json(deployment_id: str, number: int, name: str) -> dict:
    return {"id": f"{deployment_id}-r{number}", "name": name, "deploymentId": deployment_id}


@route(
    "DELETE",
    "/deployment/{deployment_id}",
    DELETE_DEPLOYMENT,
    query=("cascade", "skipCustomListeners", "skipIoMappings"),
    ok=204,
)
def delete(deployment_id: str):
    """Delete a deployment; running cases refuse it unless cascade=true deletes them too."""
    for name in ("skipCustomListeners", "skipIoMappings"):
        params.boolean(name)  # licflow runs no listeners or I/O mappings: either value means the same
    _orchestrator().delete_deployment(deployment_id, params.boolean("cascade") or False, caller().actor)
    return "", 204
