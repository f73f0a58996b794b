"""Who calls /engine-rest and what they may do.

A caller is a machine client presenting one of `API_TOKENS` (as a bearer token, or as
the password of HTTP Basic, as the workers do today) or a staff user presenting their
user name and password with HTTP Basic. A client may do everything; a user what their
roles allow (`GRANTS`). Nobody anonymous gets anything. A refusal names the missing
permission and resource the way Camunda's `AuthorizationException` does.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from flask import current_app, g, request

from engine.errors import LicflowError
from engine.people.users import authenticate, roles_of
from web import auth

Permission = tuple[str, str]  # (permission, resource), as Camunda names them

CREATE_DEPLOYMENT: Permission = ("CREATE", "Deployment")
READ_DEPLOYMENT: Permission = ("READ", "Deployment")
DELETE_DEPLOYMENT: Permission = ("DELETE", "Deployment")
READ_DEFINITION: Permission = ("READ", "ProcessDefinition")
START_INSTANCE: Permission = ("CREATE_INSTANCE", "ProcessDefinition")
READ_HISTORY: Permission = ("READ_HISTORY", "ProcessDefinition")
READ_INSTANCE: Permission = ("READ", "ProcessInstance")
UPDATE_INSTANCE: Permission = ("UPDATE", "ProcessInstance")
DELETE_INSTANCE: Permission = ("DELETE", "ProcessInstance")
READ_TASK: Permission = ("READ", "Task")
WORK_ON_TASK: Permission = ("TASK_WORK", "Task")
ASSIGN_TASK: Permission = ("TASK_ASSIGN", "Task")
WORK_EXTERNAL_TASK: Permission = ("UPDATE", "ExternalTask")  # fetch, lock, complete: workers' tokens
READ_DECISION: Permission = ("READ", "DecisionDefinition")
EVALUATE_DECISION: Permission = ("CREATE_INSTANCE", "DecisionDefinition")

_OFFICER = {READ_DEFINITION, READ_INSTANCE, READ_TASK, WORK_ON_TASK}
GRANTS: dict[str, frozenset[Permission]] = {
    "analysts": frozenset(
        {
            CREATE_DEPLOYMENT,
            READ_DEPLOYMENT,
            DELETE_DEPLOYMENT,
            READ_DEFINITION,
            START_INSTANCE,
            READ_INSTANCE,
            READ_DECISION,
            EVALUATE_DECISION,
        }
    ),
    "officers": frozenset(_OFFICER),
    # heads oversee every task and case of the procedure (para 13: they sign the result)
    "heads": frozenset(
        _OFFICER | {ASSIGN_TASK, START_INSTANCE, UPDATE_INSTANCE, DELETE_INSTANCE, READ_HISTORY}
    ),
    "auditors": frozenset({READ_HISTORY, READ_DEFINITION, READ_INSTANCE, READ_DEPLOYMENT, READ_DECISION}),
}


class Forbidden(LicflowError):
    """The caller lacks a permission; the message names it as Camunda does."""

    def __init__(self, caller: Caller, permission: Permission, resource_id: str | None = None) -> None:
        name, resource = permission
        on = f"resource '{resource_id}' of type '{resource}'" if resource_id else f"resource '{resource}'"
        super().__init__(f"The user with id '{caller.name}' does not have '{name}' permission on {on}.")
        self.caller, self.permission, self.resource_id = caller, permission, resource_id


@dataclass(frozen=True)
class Caller:
    """Who sent this request: a token client or a staff user, and their roles."""

    name: str
    roles: frozenset[str]
    client: bool = False

    @property
    def actor(self) -> str:
        """Return how history names this caller."""
        return f"client:{self.name}" if self.client else f"user:{self.name}"

    @property
    def sees_every_task(self) -> bool:
        """Tell whether the caller oversees every task (clients and heads) or only their groups'."""
        return self.client or "heads" in self.roles

    def may(self, permission: Permission) -> bool:
        """Tell whether the caller holds `permission`."""
        return self.client or any(permission in GRANTS.get(role, ()) for role in self.roles)

    def require(self, permission: Permission, resource_id: str | None = None) -> None:
        """Raise Forbidden unless the caller holds `permission`."""
        if not self.may(permission):
            raise Forbidden(self, permission, resource_id)


def identify() -> Caller | None:
    """Return the caller of this request, or None when no credential is known."""
    client = auth.client_name(allow_basic=True)
    if client is not None:
        return Caller(client, frozenset(), client=True)
    credentials = _basic_credentials()
    if credentials is None:
        return None
    with current_app.extensions["licflow"].reading() as session:
        user = authenticate(session, *credentials)
        return Caller(user.username, frozenset(roles_of(user))) if user is not None else None


def _basic_credentials() -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, colon, password = decoded.partition(":")
    return (username, password) if colon and username else None


def caller() -> Caller:
    """Return the caller the request was authenticated as."""
    return g.camunda_caller
