"""`/process-definition`: list, read, start, XML and statistics of deployed process versions.

Suspending a process definition is refused: licflow keeps no suspension state.
"""

from __future__ import annotations

from flask import current_app, jsonify

from engine.dialect.xmlsafe import parse_xml
from engine.people import catalog, statistics
from engine.runtime import cases, commands, definitions
from web.camunda import params, routes
from web.camunda.access import READ_DEFINITION, START_INSTANCE, caller
from web.camunda.routes import count, route
from web.camunda.shapes import check_id, instance_json, process_definition_json, row_id
from web.camunda.shapes import definition_id as camunda_id_of
from web.camunda.variables import from_typed, to_typed

LIST_FILTERS = (
    "processDefinitionId",
    "processDefinitionIdIn",
    "key",
    "keysIn",
    "keyLike",
    "name",
    "nameLike",
    "deploymentId",
    "version",
    "latestVersion",
)
SORT_FIELDS = ("id", "key", "name", "version", "deploymentId")
START_FIELDS = (
    "variables",
    "businessKey",
    "withVariablesInReturn",
    "skipCustomListeners",
    "skipIoMappings",
    "caseInstanceId",
    "startInstructions",
)
SUSPEND_REFUSED = "licflow does not suspend process definitions: it keeps no suspension state"
START_FORM_REFUSED = "licflow deploys no forms: a start form of a deployment is never there"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"


def _orchestrator():
    return current_app.extensions["licflow"]


@route("GET", "/process-definition", READ_DEFINITION, query=LIST_FILTERS, sort_by=SORT_FIELDS)
def definition_list():
    """Process definitions, filtered, sorted and paged."""
    return jsonify(params.versioned_page([process_definition_json(d) for d in _find()], SORT_FIELDS))


@route("GET", "/process-definition/count", READ_DEFINITION, query=LIST_FILTERS)
def definition_count():
    """How many process definitions match the filters."""
    return count(len(_find()))


def _find():
    ids = params.texts("processDefinitionIdIn")
    one = params.text("processDefinitionId")
    wanted = (ids or []) + ([one] if one else [])
    query = catalog.DefinitionQuery(
        ids=tuple(row_id(i, "process definition") for i in wanted) if wanted else None,
        key=params.text("key"),
        keys=tuple(params.texts("keysIn")) if params.text("keysIn") is not None else None,
        key_like=params.text("keyLike"),
        name=params.text("name"),
        name_like=params.text("nameLike"),
        deployment_id=params.text("deploymentId"),
        version=params.integer("version", minimum=1),
        latest=params.boolean("latestVersion") or False,
    )
    with _orchestrator().reading() as session:
        found = catalog.find_process_definitions(session, query)
    return [d for d in found if not wanted or camunda_id_of(d) in wanted]


def _by_id(session, camunda_id: str):
    definition = definitions.require_live(session, row_id(camunda_id, "process definition"))
    check_id(definition, camunda_id, "process definition")
    return definition


def _one(session, camunda_id: str | None, key: str | None):
    return _by_id(session, camunda_id) if camunda_id is not None else definitions.require_latest(session, key)


def by_id_and_key(method: str, path: str, permission, **options):
    """Serve a view at /process-definition/{definition_id}<path> and /process-definition/key/{key}<path>."""
    return routes.by_id_and_key("process-definition", "definition_id", method, path, permission, **options)


@by_id_and_key("GET", "", READ_DEFINITION)
def definition(definition_id: str | None = None, key: str | None = None):
    """One process definition (by key: its newest version)."""
    with _orchestrator().reading() as session:
        return jsonify(process_definition_json(_one(session, definition_id, key)))


@by_id_and_key("GET", "/xml", READ_DEFINITION)
def xml(definition_id: str | None = None, key: str | None = None):
    """The BPMN XML of a process definition."""
    with _orchestrator().reading() as session:
        found = _one(session, definition_id, key)
        return jsonify(id=camunda_id_of(found), bpmn20Xml=definitions.main_diagram(found))


@by_id_and_key("POST", "/start", START_INSTANCE, body="json")
def start(definition_id: str | None = None, key: str | None = None):
    """Start a case of this version (by key: of the newest version), with variables and a business key."""
    body = params.body()
    params.known_fields(body, START_FIELDS)
    params.refuse_fields(body, ("caseInstanceId",), "licflow runs no CMMN cases")
    params.refuse_fields(body, ("startInstructions",), "a case starts at its start event")
    for flag in ("skipCustomListeners", "skipIoMappings"):
        params.boolean_field(body, flag)  # licflow runs no listeners or I/O mappings
    variables = from_typed(body.get("variables"), "variables")
    business_key = params.string_field(body, "businessKey")
    with_variables = params.boolean_field(body, "withVariablesInReturn")
    with (
        _orchestrator().transaction() as session
    ):  # one transaction: the definition chosen is the one started
        found = _one(session, definition_id, key)
        case_id = commands.start_case_of(session, found, business_key, variables, caller().actor)
        answer = instance_json(commands.case_row(session, case_id), found)  # just saved: no query
    if with_variables:
        with _orchestrator().reading() as session:
            answer["variables"] = to_typed(cases.case_variables(cases.read_case(session, case_id).workflow))
    return jsonify(answer)


@route("GET", "/process-definition/statistics", READ_DEFINITION, query=("failedJobs", "incidents"))
def statistics_per_definition():
    """Running cases and open incidents of every deployed version."""
    incidents_wanted = _statistics_options()
    with _orchestrator().reading() as session:
        found = catalog.find_process_definitions(session, catalog.DefinitionQuery())
        running = statistics.running_by_definition(session)
        incidents = statistics.incidents_by_definition(session)
    return jsonify(
        [
            {
                "id": camunda_id_of(d),
                "instances": running.get(d.id, 0),
                "failedJobs": 0,
                "definition": process_definition_json(d),
                "incidents": _incident_counts(incidents.get(d.id)) if incidents_wanted else [],
            }
            for d in found
        ]
    )


@by_id_and_key("GET", "/statistics", READ_DEFINITION, query=("failedJobs", "incidents"))
def statistics_per_activity(definition_id: str | None = None, key: str | None = None):
    """Running cases waiting at each element of a version, and their open incidents."""
    incidents_wanted = _statistics_options()
    with _orchestrator().reading() as session:
        found = _one(session, definition_id, key)
        waiting = statistics.waiting_by_element(session, found.id)
        incidents = statistics.incidents_by_element(session, found.id)
    elements = sorted(set(waiting) | (set(incidents) if incidents_wanted else set()))
    return jsonify(
        [
            {
                "id": element,
                "instances": waiting.get(element, 0),
                "failedJobs": 0,
                "incidents": _incident_counts(incidents.get(element)) if incidents_wanted else [],
            }
            for element in elements
        ]
    )


def _statistics_options() -> bool:
    params.boolean("failedJobs")  # licflow runs no jobs: failedJobs is always 0
    return params.boolean("incidents") or False


def _incident_counts(kinds) -> list[dict]:
    return [{"incidentType": kind, "incidentCount": number} for kind, number in sorted((kinds or {}).items())]


@by_id_and_key("GET", "/form-variables", READ_DEFINITION, query=("variableNames", "deserializeValues"))
def start_form_variables(definition_id: str | None = None, key: str | None = None):
    """The start form's variables: licflow's diagrams have no start forms, so none."""
    with _orchestrator().reading() as session:
        found = _one(session, definition_id, key)
        diagram = definitions.main_diagram(found) or ""
    root = parse_xml(diagram.encode("utf-8"))
    for start_event in root.iter(f"{BPMN}startEvent"):
        if start_event.find(f".//{CAMUNDA}formData") is not None:
            raise params.InvalidRequest(f"licflow does not read start forms ({start_event.get('id')})")
    return jsonify({})


@by_id_and_key("GET", "/deployed-start-form", READ_DEFINITION, refused=START_FORM_REFUSED)
def deployed_start_form(definition_id: str | None = None, key: str | None = None):
    """A deployed start form (refused)."""


@by_id_and_key("PUT", "/suspended", START_INSTANCE, body="json", refused=SUSPEND_REFUSED)
def suspend(definition_id: str | None = None, key: str | None = None):
    """Suspend or activate a process definition (refused)."""
