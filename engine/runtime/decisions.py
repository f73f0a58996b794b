"""Decision definitions: the decision tables of deployed .dmn files, versioned, and evaluating one.

A .dmn file holds one decision (as SpiffWorkflow reads it); its id is the decision's
key. A new version is made only when the file changed. Evaluating goes through the
same DMN engine and expressions a business rule task uses.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import clock
from engine.dialect.decision_errors import DecisionError
from engine.dialect.decisions import Decision, read_decisions
from engine.dialect.xmlsafe import parse_xml
from engine.errors import InvalidDiagram, NotFound, ProcessError
from store.models import DecisionDefinition, Deployment


@dataclass(frozen=True)
class DeployedDecision:
    """What a deploy did for one decision: the version it is on, and whether it is new."""

    key: str
    version: int
    definition_id: int
    created: bool


def deploy(session: Session, documents: dict[str, bytes], deployment: Deployment) -> list[DeployedDecision]:
    """Version the decision of every .dmn file in `documents` that changed."""
    results = []
    for name, content in sorted(documents.items()):
        if name.endswith(".dmn"):
            key, title = _decision_of(name, content)
            _table_of(name, content.decode("utf-8"), key)  # refuse a table the engine cannot read
            results.append(_deploy_one(session, name, content, key, title, deployment))
    return results


def _decision_of(name: str, content: bytes) -> tuple[str, str | None]:
    root = parse_xml(content, name)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.rsplit("}", 1)[-1] == "decision":
            if not element.get("id"):
                break
            return element.get("id"), element.get("name")
    raise InvalidDiagram(f"{name}: no decision with an id in the file")


def _deploy_one(session, name, content, key, title, deployment) -> DeployedDecision:
    digest = hashlib.sha256(content).hexdigest()
    latest = latest_decision(session, key)
    if latest is not None and latest.content_hash == digest:
        return DeployedDecision(key, latest.version, latest.id, created=False)
    newest = session.scalar(select(func.max(DecisionDefinition.version)).where(DecisionDefinition.key == key))
    row = DecisionDefinition(
        key=key,
        version=(newest or 0) + 1,
        name=title or key,
        resource_name=name,
        dmn=content.decode("utf-8"),
        content_hash=digest,
        deployed_at=clock.now(),
        deployment_id=deployment.id,
    )
    session.add(row)
    session.flush()
    return DeployedDecision(key, row.version, row.id, created=True)


def live():
    """Return the condition that a decision's deployment was not deleted."""
    deleted = select(Deployment.id).where(Deployment.deleted_at.is_not(None))
    return DecisionDefinition.deployment_id.not_in(deleted)


def latest_decision(session: Session, key: str) -> DecisionDefinition | None:
    """Return the newest live version of decision `key`, or None."""
    return session.scalars(
        select(DecisionDefinition)
        .where(DecisionDefinition.key == key, live())
        .order_by(DecisionDefinition.version.desc())
        .limit(1)
    ).first()


def require_decision(session: Session, key: str | None = None, definition_id: int | None = None):
    """Return the decision with `definition_id`, or the newest of `key`; NotFound otherwise."""
    if definition_id is not None:
        row = session.get(DecisionDefinition, definition_id)
        if row is not None and session.get(Deployment, row.deployment_id).deleted_at is None:
            return row
        raise NotFound(f"no decision definition with id {definition_id}")
    row = latest_decision(session, key or "")
    if row is None:
        raise NotFound(f"no decision definition with key {key!r} is deployed")
    return row


_DECISIONS: dict[tuple[int | str, str], Decision] = {}


def _table_of(name: str, dmn: str, key: str, cache_key: tuple | None = None) -> Decision:
    if cache_key is not None and cache_key in _DECISIONS:
        return _DECISIONS[cache_key]
    try:
        decision = read_decisions(parse_xml(dmn.encode("utf-8"), name))[key]
    except KeyError:
        raise InvalidDiagram(f"{name}: no decision {key!r}") from None
    except DecisionError as error:
        raise InvalidDiagram(f"{name}: decision {key}: {error}") from error
    if cache_key is not None:
        _DECISIONS[cache_key] = decision
    return decision


def evaluate(decision: DecisionDefinition, variables: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the outputs of each rule that matches `variables`, as the table's hit policy picks them."""
    cache_key = (decision.id, decision.content_hash)
    table = _table_of(decision.resource_name, decision.dmn, decision.key, cache_key)
    try:
        return table.evaluate(variables).result_list()
    except DecisionError as error:
        raise ProcessError(f"decision {decision.key} failed: {error}", decision.key) from error
