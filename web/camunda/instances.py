"""`/process-instance`: running cases: list, read, delete with a reason, variables, where they wait.

Suspending a case is refused: licflow keeps no suspension state, so `suspended=true`
lists nothing and `active=true` lists every running case.
"""

from __future__ import annotations

from flask import current_app, jsonify

from engine.errors import NotFound
from engine.people import instances
from engine.runtime import cases
from web.camunda import params
from web.camunda.access import DELETE_INSTANCE, READ_INSTANCE, UPDATE_INSTANCE, caller
from web.camunda.routes import count, route
from web.camunda.shapes import definition_id, instance_json, row_id
from web.camunda.variables import from_typed, from_typed_value, to_typed, to_typed_value

LIST_FILTERS = (
    "processInstanceIds",
    "businessKey",
    "businessKeyLike",
    "processDefinitionKey",
    "processDefinitionId",
    "deploymentId",
    "active",
    "suspended",
    "withIncident",
    "variables",
    "variableNamesIgnoreCase",
    "variableValuesIgnoreCase",
)
SORT_FIELDS = tuple(instances.SORT_COLUMNS)
DELETE_OPTIONS = (
    "skipCustomListeners",
    "skipIoMappings",
    "skipSubprocesses",
    "failIfNotExists",
    "deleteReason",
)
SUSPEND_REFUSED = "licflow does not suspend cases: it keeps no suspension state"


def _orchestrator():
    return current_app.extensions["licflow"]


@route("GET", "/process-instance", READ_INSTANCE, query=LIST_FILTERS, sort_by=SORT_FIELDS)
def instance_list():
    """Running cases, filtered, sorted and paged."""
    rows, _ = _find(params.window(SORT_FIELDS))
    return jsonify([instance_json(case, definition) for case, definition in rows])


@route("GET", "/process-instance/count", READ_INSTANCE, query=LIST_FILTERS)
def instance_count():
    """How many running cases match the filters."""
    return count(_find(params.Window())[1])


def _find(window: params.Window):
    for name in ("variableNamesIgnoreCase", "variableValuesIgnoreCase"):
        if params.boolean(name):
            raise params.InvalidRequest(
                f"licflow compares variable names and values exactly: {name} is refused"
            )
    definition = params.text("processDefinitionId")
    ids = params.texts("processInstanceIds")
    query = instances.InstanceQuery(
        case_ids=tuple(ids) if ids is not None else None,
        business_key=params.text("businessKey"),
        business_key_like=params.text("businessKeyLike"),
        definition_key=params.text("processDefinitionKey"),
        definition_id=row_id(definition, "process definition") if definition else None,
        deployment_id=params.text("deploymentId"),
        suspended=params.boolean("suspended") or (params.boolean("active") is False),
        with_incident=params.boolean("withIncident") or False,
        variables=tuple(instances.read_condition(text) for text in params.texts("variables") or []),
        sort_by=window.sort_by or "instanceId",
        descending=window.descending,
        first=window.first,
        size=window.size,
    )
    with _orchestrator().reading() as session:
        rows, total = instances.find_instances(session, query)
    if definition:
        rows = [(c, d) for c, d in rows if definition_id(d) == definition]
    return rows, total


def _running(session, case_id: str):
    opened = cases.read_case(session, case_id)
    if opened.row.status != "running":
        raise NotFound(f"Process instance with id {case_id} does not exist")
    return opened


@route("GET", "/process-instance/{case_id}", READ_INSTANCE)
def instance(case_id: str):
    """One running case."""
    with _orchestrator().reading() as session:
        opened = _running(session, case_id)
        return jsonify(instance_json(opened.row, opened.definition))


@route("DELETE", "/process-instance/{case_id}", DELETE_INSTANCE, query=DELETE_OPTIONS, ok=204)
def delete(case_id: str):
    """End a running case where it stands; deleteReason is recorded in its history."""
    for name in DELETE_OPTIONS[:3]:
        params.boolean(name)  # licflow runs no listeners, I/O mappings or called subprocesses to skip
    fail_if_missing = params.boolean("failIfNotExists")
    try:
        _orchestrator().delete_case(case_id, params.text("deleteReason"), caller().actor)
    except NotFound:
        if fail_if_missing is not False:
            raise
    return "", 204


@route("GET", "/process-instance/{case_id}/variables", READ_INSTANCE, query=("deserializeValues",))
def variables(case_id: str):
    """The variables of a running case, typed."""
    params.boolean("deserializeValues")  # values are always JSON here
    return jsonify(to_typed(_variables(case_id)))


def _variables(case_id: str) -> dict:
    with _orchestrator().reading() as session:
        return cases.case_variables(_running(session, case_id).workflow)


@route("GET", "/process-instance/{case_id}/variables/{name}", READ_INSTANCE, query=("deserializeValue",))
def variable(case_id: str, name: str):
    """One variable of a running case, typed."""
    params.boolean("deserializeValue")
    found = _variables(case_id)
    if name not in found:
        raise NotFound(f"process instance variable with name {name} does not exist")
    return jsonify(to_typed_value(found[name]))


@route("PUT", "/process-instance/{case_id}/variables/{name}", UPDATE_INSTANCE, body="json", ok=204)
def put_variable(case_id: str, name: str):
    """Set one variable of a running case."""
    value = from_typed_value(name, params.body())
    _orchestrator().change_variables(case_id, {name: value}, [], caller().actor)
    return "", 204


@route("DELETE", "/process-instance/{case_id}/variables/{name}", UPDATE_INSTANCE, ok=204)
def delete_variable(case_id: str, name: str):
    """Remove one variable of a running case."""
    _orchestrator().change_variables(case_id, {}, [name], caller().actor)
    return "", 204


@route("POST", "/process-instance/{case_id}/variables", UPDATE_INSTANCE, body="json", ok=204)
def modify_variables(case_id: str):
    """Set and remove variables of a running case in one command."""
    body = params.body()
    params.known_fields(body, ("modifications", "deletions"))
    modifications = from_typed(body.get("modifications"), "modifications")
    deletions = body.get("deletions") or []
    _orchestrator().change_variables(case_id, modifications, deletions, caller().actor)
    return "", 204


@route("GET", "/process-instance/{case_id}/activity-instances", READ_INSTANCE)
def activity_instances(case_id: str):
    """The tree of where a running case waits: the process instance and its waiting elements."""
    with _orchestrator().reading() as session:
        opened = _running(session, case_id)
        waiting = instances.waiting_in(session, case_id)
        process = definition_id(opened.definition)
    root = f"{opened.definition.key}:{case_id}"
    children = [
        {
            "id": f"{w.element_id}:{w.wait_id}",
            "parentActivityInstanceId": root,
            "activityId": w.element_id,
            "activityType": w.kind,
            "processInstanceId": case_id,
            "processDefinitionId": process,
            "childActivityInstances": [],
            "childTransitionInstances": [],
            "executionIds": [w.wait_id],
            "activityName": w.name,
            "incidentIds": [str(i) for i in w.incident_ids],
            "incidents": [{"id": str(i), "activityId": w.element_id} for i in w.incident_ids],
            "name": w.name,
        }
        for w in waiting
    ]
    return jsonify(
        {
            "id": root,
            "parentActivityInstanceId": None,
            "activityId": opened.definition.key,
            "activityType": "processDefinition",
            "processInstanceId": case_id,
            "processDefinitionId": process,
            "childActivityInstances": children,
            "childTransitionInstances": [],
            "executionIds": [case_id],
            "activityName": opened.definition.name,
            "incidentIds": [],
            "incidents": [],
            "name": opened.definition.name,
        }
    )


@route("PUT", "/process-instance/{case_id}/suspended", UPDATE_INSTANCE, body="json", refused=SUSPEND_REFUSED)
def suspend(case_id: str):
    """Suspend or activate a case (refused)."""
