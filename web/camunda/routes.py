"""The one route table of /engine-rest: every route is declared here once, and served and described from it.

`route(...)` registers a view on the blueprint and records what it takes (query
parameters, sort fields, body) and the permission it needs; `/engine-rest/openapi.json`
is generated from the same records, so the description cannot drift from what is
served. A route declared with `refused=` is served only to refuse, with that reason.
Errors are answered as Camunda does, `{"type", "message", "code"}`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import Blueprint, g, jsonify, request
from werkzeug.exceptions import HTTPException

from engine import errors
from web import auth
from web.camunda import params
from web.camunda.access import Forbidden, Permission, caller, identify
from web.errors import status_of

bp = Blueprint("camunda_rest", __name__, url_prefix="/engine-rest")
PREFIX = "/engine-rest"


@dataclass(frozen=True)
class Route:
    """One served method and path, what it accepts, and what it needs."""

    method: str
    path: str  # Camunda's spelling: /task/{id}/claim
    summary: str
    permission: Permission | None
    query: tuple[str, ...]
    sort_by: tuple[str, ...]
    body: str | None  # "json", "multipart" or None
    ok: int
    refused: str | None

    @property
    def accepted_query(self) -> tuple[str, ...]:
        paging = params.PAGING + params.SORTING if self.sort_by else ()
        return self.query + paging


ROUTES: list[Route] = []


def route(
    method: str,
    path: str,
    permission: Permission | None,
    query: tuple[str, ...] = (),
    sort_by: tuple[str, ...] = (),
    body: str | None = None,
    ok: int = 200,
    refused: str | None = None,
    endpoint: str | None = None,
) -> Callable:
    """Serve `method path` with the decorated view, and record it in the route table."""

    def register(view: Callable) -> Callable:
        name = endpoint or view.__name__
        summary = (view.__doc__ or "").strip().splitlines()[0]
        entry = Route(method, path, summary, permission, query, sort_by, body, ok, refused)
        ROUTES.append(entry)

        @wraps(view)
        def guarded(**kwargs):
            params.check_query(entry.accepted_query)
            if permission is not None:
                caller().require(permission)
            if refused is not None:
                raise params.InvalidRequest(refused)
            return view(**kwargs)

        flask_path = re.sub(r"\{(\w+)\}", r"<\1>", path)
        bp.add_url_rule(flask_path, f"{view.__module__.rsplit('.', 1)[-1]}_{name}", guarded, methods=[method])
        return view

    return register


def by_id_and_key(resource: str, id_name: str, method: str, path: str, permission, **options):
    """Serve a view at /<resource>/{<id_name>}<path> and at /<resource>/key/{key}<path> (the newest)."""

    def register(view):
        route(method, f"/{resource}/{{{id_name}}}{path}", permission, **options)(view)
        keyed = f"/{resource}/key/{{key}}{path}"
        route(method, keyed, permission, endpoint=f"{view.__name__}_by_key", **options)(view)
        return view

    return register


def count(total: int):
    """Answer a `count` variant."""
    return jsonify(count=total)


# (licflow error, status or None for web.errors.status_of, Camunda exception type); first match wins
ERRORS = [
    (Forbidden, 403, "AuthorizationException"),
    (errors.LockLost, 400, "RestException"),
    (errors.NotFound, None, "RestException"),
    (errors.FormInvalid, 400, "FormFieldValidationException"),
    (errors.MessageNotCorrelated, 400, "RestException"),  # Camunda answers a mismatching message with 400
    (errors.AmbiguousCorrelation, 400, "RestException"),
    (errors.InvalidXml, 400, "ParseException"),
    (errors.InvalidDiagram, 400, "ParseException"),
    (errors.InvalidCommand, None, "InvalidRequestException"),
    (errors.Conflict, None, "OptimisticLockingException"),
    (errors.LicflowError, None, "ProcessEngineException"),
]


@bp.before_request
def authenticate():
    """Answer 401 unless a known token or a staff user's name and password come with the request."""
    found = identify()
    if found is None:
        return auth.unauthorized(allow_basic=True)
    g.camunda_caller = found
    g.client = found.name
    return None


@bp.errorhandler(errors.LicflowError)
def domain_error(error: errors.LicflowError):
    status, kind = next((s, k) for cls, s, k in ERRORS if isinstance(error, cls))
    body = {"type": kind, "message": str(error), "code": None}
    if isinstance(error, Forbidden):
        name, resource = error.permission
        body["userId"] = error.caller.name
        body["missingAuthorizations"] = [
            {"permissionName": name, "resourceName": resource, "resourceId": error.resource_id}
        ]
    return jsonify(body), status or status_of(error)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    kind = "InvalidRequestException" if error.code == 400 else "RestException"
    return jsonify(type=kind, message=error.description or error.name, code=None), error.code or 500


def error_answer(status: int, kind: str, message: str):
    """Answer an error in Camunda's shape."""
    return jsonify(type=kind, message=message, code=None), status


# Camunda resources licflow does not serve, and why, for the 404 that names them
NOT_SERVED = {
    "job": "licflow runs no jobs: timers fire from its scheduler, and a failing service task is an "
    "external task (PUT /external-task/{id}/retries)",
    "job-definition": "licflow runs no jobs",
    "batch": "licflow runs no batches: every command runs at once, in one transaction",
    "case-definition": "licflow runs no CMMN cases",
    "case-instance": "licflow runs no CMMN cases",
    "tenant": "licflow has no tenants",
    "filter": "licflow keeps no saved task filters; query /task with parameters",
    "migration": "licflow does not migrate cases: a case finishes on the version it started on",
    "modification": "licflow does not move tokens of a running case",
    "authorization": "licflow's permissions follow the staff users' roles (see docs/camunda-rest.md)",
    "user": "staff users are managed with `licflow users`",
    "group": "groups are the staff users' roles",
}


@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
def not_served(rest: str):
    """Answer 404 naming the resource licflow does not serve."""
    family = rest.split("/", 1)[0]
    reason = NOT_SERVED.get(family)
    message = f"licflow does not serve {request.method} {PREFIX}/{rest}"
    return error_answer(404, "RestException", f"{message}: {reason}" if reason else message)


@route("GET", "/version", None)
def version():
    """The Camunda version whose REST reference this API follows."""
    return jsonify(version=VERSION)


@route("GET", "/engine", None)
def engines():
    """The process engines: licflow is one, named default."""
    return jsonify([{"name": "default"}])


VERSION = "7.20.0"
