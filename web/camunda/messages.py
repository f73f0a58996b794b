"""`/message` correlates a message to waiting cases; `/signal` is refused (licflow delivers no signals).

A message is correlated by business key, process instance id or correlation keys
(by name alone it is refused, so that a message never lands in a case by chance); with
`all` it goes to every case that matches, otherwise to exactly one. licflow does not
start cases by message: a message only a start event waits for is refused, naming it.
"""

from __future__ import annotations

from flask import current_app, jsonify

from engine.runtime import cases
from web.camunda import params
from web.camunda.access import UPDATE_INSTANCE, caller
from web.camunda.routes import route
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
SIGNAL_REFUSED = "licflow delivers no signals: its diagrams wait for messages (POST /message)"


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
        opened = cases.open_case(session, case_id)
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


@route("POST", "/signal", UPDATE_INSTANCE, body="json", refused=SIGNAL_REFUSED)
def signal():
    """Deliver a signal (refused)."""
