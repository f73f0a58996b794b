"""Deployments: files deployed together, the process and decision versions they made, deleting them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.errors import InvalidCommand, NotFound
from engine.runtime import commands, decisions, definitions
from engine.runtime.decisions import DeployedDecision
from engine.runtime.definitions import Deployed
from engine.runtime.events import start_events
from store.models import Case, Deployment, ProcessDefinition

SUFFIXES = (".bpmn", ".dmn")


@dataclass
class DeploymentResult:
    """A deployment and the versions it created; `duplicate` when an equal one was returned instead."""

    deployment: Deployment
    processes: list[Deployed] = field(default_factory=list)
    decisions: list[DeployedDecision] = field(default_factory=list)
    duplicate: bool = False


def create(
    session: Session,
    documents: dict[str, bytes],
    actor: str,
    name: str | None = None,
    source: str | None = None,
    duplicate_filtering: bool = False,
) -> DeploymentResult:
    """Deploy `documents` together; with `duplicate_filtering`, an unchanged redeploy makes nothing new."""
    _check_names(documents)
    resources = {name_: _text(name_, content) for name_, content in documents.items()}
    if duplicate_filtering:
        previous = _latest_named(session, name)
        if previous is not None and previous.resources == resources:
            return DeploymentResult(previous, duplicate=True)
    deployment = Deployment(
        id=str(uuid.uuid4()),
        name=name,
        source=source,
        resources=resources,
        deployed_at=clock.now(),
        deployed_by=actor,
    )
    session.add(deployment)
    session.flush()
    result = DeploymentResult(deployment)
    if any(n.endswith(".bpmn") for n in documents):
        result.processes = definitions.deploy(session, documents, actor, deployment.id)
    for process in result.processes:
        if process.created:  # a new newest version takes over its process's start events
            start_events.register(session, session.get(ProcessDefinition, process.definition_id))
    result.decisions = decisions.deploy(session, documents, deployment)
    return result


def _check_names(documents: dict[str, bytes]) -> None:
    if not documents:
        raise InvalidCommand("a deployment needs at least one .bpmn or .dmn file")
    for name in documents:
        if Path(name).name != name or not name.endswith(SUFFIXES):
            raise InvalidCommand(f"{name!r}: only .bpmn and .dmn files are deployed")


def _text(name: str, content: bytes) -> str:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidCommand(f"{name}: a diagram must be UTF-8 text") from error


def _latest_named(session: Session, name: str | None) -> Deployment | None:
    return session.scalars(
        select(Deployment)
        .where(Deployment.name.is_(None) if name is None else Deployment.name == name)
        .where(Deployment.deleted_at.is_(None))
        .order_by(Deployment.deployed_at.desc(), Deployment.id.desc())
        .limit(1)
    ).first()


def require(session: Session, deployment_id: str) -> Deployment:
    """Return deployment `deployment_id` unless it is unknown or deleted (NotFound)."""
    deployment = session.get(Deployment, deployment_id)
    if deployment is None or deployment.deleted_at is not None:
        raise NotFound(f"Deployment with id '{deployment_id}' does not exist")
    return deployment


def running_cases(session: Session, deployment_id: str) -> list[str]:
    """Return the ids of running cases of the deployment's process definitions."""
    return list(
        session.scalars(
            select(Case.id)
            .join(ProcessDefinition, ProcessDefinition.id == Case.definition_id)
            .where(ProcessDefinition.deployment_id == deployment_id, Case.status == "running")
            .order_by(Case.id)
        )
    )


def delete(session: Session, deployment_id: str, cascade: bool, actor: str) -> None:
    """Delete a deployment; its running cases block it, unless `cascade` deletes them too.

    The rows stay (cases that ran on it keep their pinned definition and their history);
    its definitions no longer count as deployed and start no new cases.
    """
    deployment = require(session, deployment_id)
    running = running_cases(session, deployment_id)
    if running and not cascade:
        raise InvalidCommand(
            f"deployment {deployment_id} has {len(running)} running case(s); "
            "delete them first or delete with cascade=true"
        )
    for case_id in running:
        commands.delete_case(session, case_id, f"deployment {deployment_id} was deleted", actor)
    deployment.deleted_at, deployment.deleted_by = clock.now(), actor
    session.flush()
    keys = session.scalars(
        select(ProcessDefinition.key).where(ProcessDefinition.deployment_id == deployment_id)
    )
    for key in sorted(set(keys)):
        start_events.restore(session, key)  # the newest version left takes the start events back
