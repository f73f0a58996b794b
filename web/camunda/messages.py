"""`/message` correlates a message or starts a case; `/signal` reaches every waiting case; `/condition`.

A message is correlated by business key, process instance id or correlation keys (by
name alone it only starts a case, so that a message never lands in a running case by
chance); with `all` it goes to every case that matches, otherwise to exactly one. When
no case waits, the process whose message start event has that name starts a case. A
signal is broadcast to every case and signal start event waiting for it; it carries no
variables. `/condition` starts a case at each conditional start event whose condition holds
with the variables given.
"""

from __future__ import annotations

from flask import current_app, jsonify

from engine.runtime import cases
from web.camunda import params
from web.camunda.access import UPDATE_INSTANCE, caller
from web.camunda.routes import route
from web.camunda.shapes import instance_json, row_id
from web.camunda.variables import from_typed, to_typed

FIELDS = (
    "messageName",
    "businessKey",
    "processInstanceId",
    "correlationKeys",
    "localCorrelationKeys",
    "processVariables",
    "processVariablesLocal",
    "processVariablesToTriggeredScope",
    "all",
    "resultEnabled",
    "variablesInResultEnabled",
    "tenantId",
    "withoutTenantId",
)
SIGNAL_FIELDS = ("name", "executionId", "variables", "tenantId", "withoutTenantId")


@route("POST", "/message", UPDATE_INSTANCE, body="json")
def correlate():
    """Deliver a message to the waiting case(s) it correlates to."""
    body = params.body()
    params.known_fields(body, FIELDS)
    params.refuse_fields(body, ("tenantId",), "licflow has no tenants")
    params.refuse_fields(
        body,
        ("localCorrelationKeys", "processVariablesLocal", "processVariablesToTriggeredScope"),
        "licflow keeps one set of variables per case; use correlationKeys and processVariables",
    )
    name = params.string_field(body, "messageName", required=True)
    keys = from_typed(body.get("correlationKeys"), "correlationKeys") or None
    variables = from_typed(body.get("processVariables"), "processVariables")
    options = {
        "business_key": params.string_field(body, "businessKey"),
        "case_id": params.string_field(body, "processInstanceId"),
        "correlation_keys": keys,
        "actor": caller().actor,
    }
    orchestrator = current_app.extensions["licflow"]
    if params.boolean_field(body, "all"):
        case_ids = orchestrator.correlate_message_to_all(name, variables, **options)
    else:
        case_ids = [orchestrator.correlate_message(name, variables, **options)]
    if not params.boolean_field(body, "resultEnabled"):
        return "", 204
    with_variables = params.boolean_field(body, "variablesInResultEnabled")
    return jsonify([_result(orchestrator, case_id, with_variables) for case_id in case_ids])


def _result(orchestrator, case_id: str, with_variables: bool) -> dict:
    with orchestrator.transaction() as session:
        opened = cases.read_case(session, case_id)
        result = {
            "resultType": "Execution",
            "execution": {
                "id": case_id,
                "processInstanceId": case_id,
                "ended": opened.row.status != "running",
                "tenantId": None,
            },
            "processInstance": None,
        }
        if with_variables:
            result["variables"] = to_typed(cases.case_variables(opened.workflow))
    return result


@route("POST", "/signal", UPDATE_INSTANCE, body="json")
def signal():
    """Throw a signal to every case and signal start event waiting for it."""
    body = params.body()
    params.known_fields(body, SIGNAL_FIELDS)
    params.refuse_fields(body, ("tenantId",), "licflow has no tenants")
    params.refuse_fields(body, ("executionId",), "a signal reaches every case that waits for it")
    params.refuse_fields(
        body,
        ("variables",),
        "a signal carries no variables; correlate a message (POST /message) to pass them",
    )
    name = params.string_field(body, "name", required=True)
    current_app.extensions["licflow"].signal(name, caller().actor)
    return "", 204


CONDITION_FIELDS = ("variables", "businessKey", "processDefinitionId", "tenantId", "withoutTenantId")


@route("POST", "/condition", UPDATE_INSTANCE, body="json")
def evaluate_condition():
    """Start a case at each conditional start event whose condition holds with the variables given."""
    body = params.body()
    params.known_fields(body, CONDITION_FIELDS)
    params.refuse_fields(body, ("tenantId", "withoutTenantId"), "licflow has no tenants")
    variables = from_typed(body.get("variables"), "variables")
    definition = params.string_field(body, "processDefinitionId")
    orchestrator = current_app.extensions["licflow"]
    case_ids = orchestrator.evaluate_conditions(
        variables,
        params.string_field(body, "businessKey"),
        row_id(definition, "process definition") if definition else None,
        caller().actor,
    )
    with orchestrator.transaction() as session:
        opened = [cases.open_case(session, case_id) for case_id in case_ids]
        return jsonify([instance_json(case.row, case.definition) for case in opened])
