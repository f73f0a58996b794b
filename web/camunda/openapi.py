"""`/engine-rest/openapi.json`: the OpenAPI 3 description of exactly the routes in the route table."""

from __future__ import annotations

import re

from flask import jsonify

from web.camunda.routes import PREFIX, ROUTES, VERSION, Route, route

ERROR = {"$ref": "#/components/schemas/ExceptionDto"}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "message": {"type": "string"},
        "code": {"type": "integer", "nullable": True},
    },
}


@route("GET", "/openapi.json", None)
def openapi():
    """This description of licflow's Camunda 7 REST API."""
    return jsonify(document())


def document() -> dict:
    """Return the OpenAPI document of every route in the route table."""
    paths: dict[str, dict] = {}
    for entry in ROUTES:
        paths.setdefault(entry.path, {})[entry.method.lower()] = _operation(entry)
    return {
        "openapi": "3.0.2",
        "info": {
            "title": "licflow: Camunda 7 REST API",
            "version": VERSION,
            "description": "The part of Camunda 7.20's REST API licflow serves; see docs/camunda-rest.md.",
        },
        "servers": [{"url": PREFIX}],
        "paths": paths,
        "components": {
            "schemas": {"ExceptionDto": ERROR_SCHEMA},
            "securitySchemes": {
                "basic": {"type": "http", "scheme": "basic"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
        "security": [{"basic": []}, {"bearer": []}],
    }


def _operation(entry: Route) -> dict:
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"\{(\w+)\}", entry.path)
    ]
    parameters += [
        {"name": name, "in": "query", "schema": {"type": "string"}} for name in entry.accepted_query
    ]
    operation: dict = {
        "operationId": f"{entry.method.lower()}{re.sub(r'[^A-Za-z0-9]+', '_', entry.path)}",
        "summary": entry.summary,
        "parameters": parameters,
        "responses": _responses(entry),
    }
    if entry.permission is not None:
        operation["x-licflow-permission"] = " on ".join(entry.permission)
    if entry.body == "json":
        operation["requestBody"] = {"content": {"application/json": {"schema": {"type": "object"}}}}
    elif entry.body == "multipart":
        operation["requestBody"] = {"content": {"multipart/form-data": {"schema": {"type": "object"}}}}
    if entry.refused:
        operation["x-licflow-refused"] = entry.refused
    return operation


def _responses(entry: Route) -> dict:
    error = {"content": {"application/json": {"schema": ERROR}}}
    if entry.refused:
        return {
            "400": {"description": entry.refused, **error},
            "401": {"description": "no credential", **error},
        }
    ok = (
        {"description": "done"}
        if entry.ok == 204
        else {"description": "answered", "content": {"application/json": {}}}
    )
    return {
        str(entry.ok): ok,
        "400": {"description": "a bad request, or a filter licflow cannot apply", **error},
        "401": {"description": "no known credential", **error},
        "403": {"description": "a permission is missing", **error},
        "404": {"description": "no such resource", **error},
    }
