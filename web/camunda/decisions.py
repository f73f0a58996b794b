"""`/decision-definition`: deployed decision tables: list, read, XML, and evaluate with typed variables.

Evaluating goes through one engine function (`engine.runtime.decisions.evaluate`), the
DMN evaluation a business rule task uses; each matched rule's outputs come back typed.
"""

from __future__ import annotations

from flask import current_app, jsonify

from engine.people import catalog
from engine.runtime import decisions
from web.camunda import params, routes
from web.camunda.access import EVALUATE_DECISION, READ_DECISION
from web.camunda.routes import count, route
from web.camunda.shapes import check_id, decision_definition_json, row_id
from web.camunda.shapes import definition_id as camunda_id_of
from web.camunda.variables import from_typed, to_typed

LIST_FILTERS = (
    "decisionDefinitionId",
    "key",
    "keyLike",
    "name",
    "nameLike",
    "deploymentId",
    "version",
    "latestVersion",
)
SORT_FIELDS = ("id", "key", "name", "version", "deploymentId")


def _orchestrator():
    return current_app.extensions["licflow"]


@route("GET", "/decision-definition", READ_DECISION, query=LIST_FILTERS, sort_by=SORT_FIELDS)
def decision_list():
    """Decision definitions, filtered, sorted and paged."""
    return jsonify(params.versioned_page([decision_definition_json(d) for d in _find()], SORT_FIELDS))


@route("GET", "/decision-definition/count", READ_DECISION, query=LIST_FILTERS)
def decision_count():
    """How many decision definitions match the filters."""
    return count(len(_find()))


def _find():
    one = params.text("decisionDefinitionId")
    query = catalog.DefinitionQuery(
        ids=(row_id(one, "decision definition"),) if one else None,
        key=params.text("key"),
        key_like=params.text("keyLike"),
        name=params.text("name"),
        name_like=params.text("nameLike"),
        deployment_id=params.text("deploymentId"),
        version=params.integer("version", minimum=1),
        latest=params.boolean("latestVersion") or False,
    )
    with _orchestrator().reading() as session:
        found = catalog.find_decision_definitions(session, query)
    return [d for d in found if one is None or camunda_id_of(d) == one]


def _one(session, decision_id: str | None, key: str | None):
    if decision_id is None:
        return decisions.require_decision(session, key=key)
    found = decisions.require_decision(session, definition_id=row_id(decision_id, "decision definition"))
    check_id(found, decision_id, "decision definition")
    return found


def by_id_and_key(method: str, path: str, permission, **options):
    """Serve a view at /decision-definition/{decision_id}<path> and /decision-definition/key/{key}<path>."""
    return routes.by_id_and_key("decision-definition", "decision_id", method, path, permission, **options)


@by_id_and_key("GET", "", READ_DECISION)
def decision(decision_id: str | None = None, key: str | None = None):
    """One decision definition (by key: its newest version)."""
    with _orchestrator().reading() as session:
        return jsonify(decision_definition_json(_one(session, decision_id, key)))


@by_id_and_key("GET", "/xml", READ_DECISION)
def xml(decision_id: str | None = None, key: str | None = None):
    """The DMN XML of a decision definition."""
    with _orchestrator().reading() as session:
        found = _one(session, decision_id, key)
        return jsonify(id=camunda_id_of(found), dmnXml=found.dmn)


@by_id_and_key("POST", "/evaluate", EVALUATE_DECISION, body="json")
def evaluate(decision_id: str | None = None, key: str | None = None):
    """Evaluate a decision table with typed variables; one map of typed outputs per matched rule."""
    body = params.body()
    params.known_fields(body, ("variables",))
    variables = from_typed(body.get("variables"), "variables")
    with _orchestrator().transaction() as session:
        found = _one(session, decision_id, key)
    return jsonify([to_typed(outputs) for outputs in decisions.evaluate(found, variables)])
