"""What is deployed: deployments, process definitions and decision definitions, as clients list them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import clock
from engine.runtime import decisions, definitions
from store.models import DecisionDefinition, Deployment, ProcessDefinition


@dataclass(frozen=True)
class DeploymentQuery:
    """Which deployments to list."""

    deployment_id: str | None = None
    name: str | None = None
    name_like: str | None = None
    source: str | None = None
    after: datetime | None = None
    before: datetime | None = None


def find_deployments(session: Session, query: DeploymentQuery) -> list[Deployment]:
    """Return the live deployments `query` asks for, oldest first."""
    statement = select(Deployment).where(Deployment.deleted_at.is_(None))
    for column, value in (
        (Deployment.id, query.deployment_id),
        (Deployment.name, query.name),
        (Deployment.source, query.source),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if query.name_like is not None:
        statement = statement.where(Deployment.name.like(query.name_like))
    rows = list(session.scalars(statement.order_by(Deployment.deployed_at, Deployment.id)))
    return [
        row
        for row in rows
        if (query.after is None or clock.as_utc(row.deployed_at) > query.after)
        and (query.before is None or clock.as_utc(row.deployed_at) < query.before)
    ]


@dataclass(frozen=True)
class DefinitionQuery:
    """Which process or decision definitions to list."""

    ids: tuple[int, ...] | None = None
    key: str | None = None
    keys: tuple[str, ...] | None = None
    key_like: str | None = None
    name: str | None = None
    name_like: str | None = None
    deployment_id: str | None = None
    version: int | None = None
    latest: bool = False


def find_process_definitions(session: Session, query: DefinitionQuery) -> list[ProcessDefinition]:
    """Return the deployed process definitions `query` asks for, by key and version."""
    return _find(session, ProcessDefinition, definitions.live(), query)


def find_decision_definitions(session: Session, query: DefinitionQuery) -> list[DecisionDefinition]:
    """Return the deployed decision definitions `query` asks for, by key and version."""
    return _find(session, DecisionDefinition, decisions.live(), query)


def _find(session, model, live, query: DefinitionQuery) -> list:
    statement = select(model).where(live)
    if query.ids is not None:
        statement = statement.where(model.id.in_(query.ids))
    if query.keys is not None:
        statement = statement.where(model.key.in_(query.keys))
    for column, value in (
        (model.key, query.key),
        (model.name, query.name),
        (model.deployment_id, query.deployment_id),
        (model.version, query.version),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if query.key_like is not None:
        statement = statement.where(model.key.like(query.key_like))
    if query.name_like is not None:
        statement = statement.where(model.name.like(query.name_like))
    if query.latest:
        newest = select(model.key, func.max(model.version).label("version")).where(live).group_by(model.key)
        newest = newest.subquery()
        statement = statement.join(newest, (newest.c.key == model.key) & (newest.c.version == model.version))
    return list(session.scalars(statement.order_by(model.key, model.version)))


def deployed_with(
    session: Session, deployment_id: str
) -> tuple[list[ProcessDefinition], list[DecisionDefinition]]:
    """Return the process and decision versions a deployment created."""
    processes = session.scalars(
        select(ProcessDefinition).where(ProcessDefinition.deployment_id == deployment_id)
    )
    decided = session.scalars(
        select(DecisionDefinition).where(DecisionDefinition.deployment_id == deployment_id)
    )
    return list(processes), list(decided)
