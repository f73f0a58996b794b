"""Deploy diagrams as versioned process definitions and share their parsed specs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session, defer

from engine import clock
from engine.dialect.constructs.scope import SINGLE_SCOPE
from engine.dialect.parser import parse_documents
from engine.dialect.xmlsafe import parse_xml
from engine.errors import InvalidDiagram, NotFound
from engine.runtime.serializer import dump_spec, load_spec
from store import returned
from store.models import Deployment, ProcessDefinition

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@dataclass(frozen=True)
class Deployed:
    """What a deploy did for one process: the version it is on, and whether it is new."""

    key: str
    version: int
    definition_id: int
    created: bool


def read_documents(paths: list[Path]) -> dict[str, bytes]:
    """Read .bpmn and .dmn files (folders are searched) into name -> content."""
    documents: dict[str, bytes] = {}
    for path in paths:
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.suffix in (".bpmn", ".dmn"):
                documents[file.name] = file.read_bytes()
    return documents


def content_hash(documents: dict[str, bytes]) -> str:
    """Hash the documents a process was deployed with, independent of their order."""
    digest = hashlib.sha256()
    for name in sorted(documents):
        digest.update(name.encode() + b"\0" + documents[name] + b"\0")
    return digest.hexdigest()


def deploy(
    session: Session, documents: dict[str, bytes], actor: str, deployment_id: str | None = None
) -> list[Deployed]:
    """Deploy every executable process in `documents`; a new version only when it changed."""
    parser = parse_documents(documents)
    process_ids = parser.get_process_ids()
    if not process_ids:
        raise InvalidDiagram("no executable process in the documents deployed")
    results = []
    for key in sorted(process_ids):
        try:
            spec = parser.get_spec(key)
            # a called process deployed elsewhere is found when the call activity starts
            subprocess_specs = parser.get_subprocess_specs(key, require_call_activity_specs=False)
        except Exception as error:  # SpiffWorkflow raises several kinds while resolving
            raise InvalidDiagram(f"process {key}: {error}") from error
        subprocess_specs = {name: s for name, s in subprocess_specs.items() if s is not None}
        _require_deployment_bindings(key, spec, subprocess_specs)
        used = _documents_of(documents, spec, subprocess_specs)
        results.append(_deploy_one(session, key, spec, subprocess_specs, used, actor, deployment_id))
    return results


def _require_deployment_bindings(key: str, spec, subprocess_specs: dict) -> None:
    """Refuse a call activity bound to its deployment whose called process is not deployed with it."""
    for process in [spec, *subprocess_specs.values()]:
        for task_spec in process.task_specs.values():
            camunda = getattr(task_spec, "extensions", {}).get("camunda", {})
            called = getattr(task_spec, "spec", None)
            if camunda.get("calledElementBinding") == "deployment" and called not in subprocess_specs:
                raise InvalidDiagram(
                    f'process {key}: callActivity "{task_spec.bpmn_id}" is bound to its deployment, '
                    f"but {called!r} is not deployed with it; deploy them together, or bind latest"
                )


def _documents_of(documents, spec, subprocess_specs) -> dict[str, str]:
    """Return the files a process was built from: its own, its call activities', every DMN."""
    names = {process.file for process in [spec, *subprocess_specs.values()]}
    names |= {name for name in documents if name.endswith(".dmn")}
    return {Path(n).name: documents[Path(n).name].decode("utf-8") for n in names if Path(n).name in documents}


def _deploy_one(session, key, spec, subprocess_specs, used, actor, deployment_id) -> Deployed:
    digest = content_hash({n: c.encode("utf-8") for n, c in used.items()})
    latest = latest_definition(session, key)
    if latest is not None and latest.content_hash == digest and runs_as_now(latest):
        return Deployed(key, latest.version, latest.id, created=False)
    newest = session.scalar(select(func.max(ProcessDefinition.version)).where(ProcessDefinition.key == key))
    definition = ProcessDefinition(
        key=key,
        version=(newest or 0) + 1,  # a deleted deployment's versions keep their numbers
        name=spec.description or key,
        content_hash=digest,
        source=used,
        spec=dump_spec(spec, subprocess_specs),
        deployed_at=clock.now(),
        deployed_by=actor,
        deployment_id=deployment_id,
    )
    session.add(definition)
    session.flush()
    return Deployed(key, definition.version, definition.id, created=True)


def runs_as_now(definition: ProcessDefinition) -> bool:
    """Return whether a definition's cases follow today's rules (one variable scope per process instance).

    The same files deployed again over a definition stored before that rule make a new version,
    so that new cases get it; the cases of the older version keep theirs.
    """
    return f'"{SINGLE_SCOPE}"' in definition.spec


# a listing's definitions: without the parsed spec and the sources, the largest columns by far
WITHOUT_BODIES = (defer(ProcessDefinition.spec), defer(ProcessDefinition.source))
# a definition's columns without those two: what a command reads of it
WITHOUT_BODY_COLUMNS = tuple(c for c in ProcessDefinition.__table__.c if c.key not in ("spec", "source"))


def latest_definition(session: Session, key: str) -> ProcessDefinition | None:
    """Return the newest version of process `key` whose deployment was not deleted, or None."""
    found = returned.loaded(session, ProcessDefinition, _LATEST, {"key": key}, WITHOUT_BODY_COLUMNS)
    return found[0] if found else None


def live():
    """Return the condition that a definition's deployment was not deleted."""
    deleted = select(Deployment.id).where(Deployment.deleted_at.is_not(None))
    return or_(ProcessDefinition.deployment_id.is_(None), ProcessDefinition.deployment_id.not_in(deleted))


def _latest():
    key = ProcessDefinition.key == bindparam("key")
    newest = select(func.max(ProcessDefinition.version)).where(key, live())
    # built once, run as Core; the spec and the sources are read only when the parsed spec is not in memory
    return select(*WITHOUT_BODY_COLUMNS).where(key, ProcessDefinition.version == newest.scalar_subquery())


_LATEST = _latest()


def require_latest(session: Session, key: str) -> ProcessDefinition:
    """Return the newest version of process `key`, or raise NotFound."""
    definition = latest_definition(session, key)
    if definition is None:
        raise NotFound(f"no process definition with key {key!r} is deployed")
    return definition


def require_live(session: Session, definition_id: int) -> ProcessDefinition:
    """Return process definition `definition_id` unless unknown or of a deleted deployment (NotFound)."""
    definition = session.scalars(
        select(ProcessDefinition).where(ProcessDefinition.id == definition_id, live())
    ).first()
    if definition is None:
        raise NotFound(f"no process definition with id {definition_id} is deployed")
    return definition


_SPECS: dict[tuple[int, str], tuple] = {}


def specs_of(definition: ProcessDefinition) -> tuple:
    """Return (spec, subprocess_specs) of a definition, parsed once per process."""
    cache_key = (definition.id, definition.content_hash)
    if cache_key not in _SPECS:
        _SPECS[cache_key] = load_spec(definition.spec)
    return _SPECS[cache_key]


def topics_in_use(session: Session) -> set[str]:
    """Return the external-task topics of the newest definitions and of running cases (written out)."""
    from engine.dialect.parser import ExternalServiceTask
    from store.models import Case

    newest = (
        select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("version"))
        .group_by(ProcessDefinition.key)
        .subquery()
    )
    running = select(Case.definition_id).where(Case.status == "running").distinct()
    rows = session.scalars(
        select(ProcessDefinition).where(
            or_(
                ProcessDefinition.id.in_(running),
                select(newest.c.key)
                .where(newest.c.key == ProcessDefinition.key, newest.c.version == ProcessDefinition.version)
                .exists(),
            )
        )
    )
    topics: set[str] = set()
    for definition in rows:
        spec, subprocess_specs = specs_of(definition)
        for process in [spec, *subprocess_specs.values()]:
            topics |= {t.topic for t in process.task_specs.values() if isinstance(t, ExternalServiceTask)}
    return {topic for topic in topics if "${" not in topic}  # an expression's topic is known only at run time


def main_diagram(definition: ProcessDefinition) -> str | None:
    """Return the XML of the file that holds the definition's own process."""
    for name, xml in sorted(definition.source.items()):
        if not name.endswith(".bpmn"):
            continue
        root = parse_xml(xml.encode("utf-8"))
        if any(p.get("id") == definition.key for p in root.iter(f"{{{BPMN_NS}}}process")):
            return xml
    return None
