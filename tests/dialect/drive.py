"""Drive small Camunda Modeler diagrams through the engine's front door, as a user of licflow would."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine.orchestrator import Orchestrator
from engine.runtime import cases
from store.models import Case, ExternalTask, HistoryEvent, Incident, MessageSubscription, Timer, UserTask

DIAGRAMS = Path(__file__).parent / "diagrams"
FINISHING = ("element_completed", "user_task_completed", "external_task_completed")
LOCK = timedelta(minutes=5)
__all__ = ["Case", "ExternalTask", "Incident", "MessageSubscription", "Timer", "UserTask"]


def diagram(name: str) -> dict[str, bytes]:
    """Return {file name: content} of a diagram of tests/dialect/diagrams."""
    return {f"{name}.bpmn": (DIAGRAMS / f"{name}.bpmn").read_bytes()}


def deploy(orchestrator: Orchestrator, *names: str):
    """Deploy the named diagrams together, as one deployment."""
    documents: dict[str, bytes] = {}
    for name in names:
        documents |= diagram(name)
    return orchestrator.deploy(documents, actor="analyst")


def rows(orchestrator: Orchestrator, model, **where) -> list:
    """Return the rows of `model` with the column values given."""
    with orchestrator.store.unit_of_work() as session:
        return list(session.scalars(select(model).filter_by(**where)))


def status(orchestrator: Orchestrator, case_id: str) -> str:
    return rows(orchestrator, Case, id=case_id)[0].status


def work(orchestrator: Orchestrator, topic: str, variables: dict[str, Any] | None = None) -> int:
    """Let a worker complete every available task of `topic`; return how many it completed."""
    tasks = orchestrator.fetch_and_lock("worker", [topic], LOCK, max_tasks=100)
    for task in tasks:
        orchestrator.complete_external_task(task.id, "worker", variables or {})
    return len(tasks)


def fail(orchestrator: Orchestrator, topic: str, code: str, message: str = "", variables=None) -> str:
    """Let a worker throw BPMN error `code` from the one available task of `topic`."""
    (task,) = orchestrator.fetch_and_lock("worker", [topic], LOCK)
    return orchestrator.bpmn_error(task.id, "worker", code, message, variables)


def topics(orchestrator: Orchestrator, case_id: str) -> list[str]:
    """Return the topics of the external tasks a case waits on."""
    return sorted(t.topic for t in rows(orchestrator, ExternalTask, case_id=case_id))


def open_tasks(orchestrator: Orchestrator, case_id: str | None = None) -> list[UserTask]:
    """Return the open user tasks, of one case or all, by element."""
    where = {"status": "open"} | ({"case_id": case_id} if case_id else {})
    return sorted(rows(orchestrator, UserTask, **where), key=lambda t: (t.element_id, t.created_at))


def open_elements(orchestrator: Orchestrator, case_id: str | None = None) -> list[str]:
    return [t.element_id for t in open_tasks(orchestrator, case_id)]


def complete(orchestrator: Orchestrator, case_id: str, element_id: str, data: dict | None = None) -> None:
    """Complete the open user task `element_id` of the case as an officer."""
    (task,) = [t for t in open_tasks(orchestrator, case_id) if t.element_id == element_id]
    orchestrator.complete_user_task(task.id, data or {}, "officer1")


def variables(orchestrator: Orchestrator, case_id: str) -> dict[str, Any]:
    """Return the case's variables as the engine reads them."""
    with orchestrator.store.unit_of_work() as session:
        return cases.case_variables(cases.open_case(session, case_id).workflow)


def completed_elements(orchestrator: Orchestrator, case_id: str) -> list[str]:
    """Return the elements the case's history records as completed (tasks by their command), in order."""
    with orchestrator.store.unit_of_work() as session:
        events = session.scalars(
            select(HistoryEvent).where(HistoryEvent.case_id == case_id).order_by(HistoryEvent.seq)
        )
        return [e.element_id for e in events if e.kind in FINISHING]


def case_ids(orchestrator: Orchestrator, key: str) -> list[str]:
    """Return the ids of the cases of process `key`, oldest first."""
    from store.models import ProcessDefinition

    with orchestrator.store.unit_of_work() as session:
        query = (
            select(Case.id)
            .join(ProcessDefinition, ProcessDefinition.id == Case.definition_id)
            .where(ProcessDefinition.key == key)
            .order_by(Case.started_at, Case.id)
        )
        return list(session.scalars(query))


CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def edited(
    name: str,
    element_id: str,
    kind: str | None = None,
    attributes: dict[str, str] | None = None,
    inner: str | None = None,
) -> dict[str, bytes]:
    """Return diagram `name` with one element changed as an analyst changes it in the Modeler.

    `kind` replaces the element's type (e.g. "serviceTask"), `attributes` are set on it
    ("camunda:class" for the camunda namespace), `inner` is XML added inside it.
    """
    from lxml import etree

    ((file_name, content),) = diagram(name).items()
    root = etree.fromstring(content)
    (element,) = root.xpath(f"//*[@id='{element_id}']")
    if kind is not None:
        element.tag = BPMN + kind
    for key, value in (attributes or {}).items():
        element.set(CAMUNDA + key.removeprefix("camunda:") if key.startswith("camunda:") else key, value)
    if inner is not None:
        wrapped = f'<w xmlns:bpmn="{BPMN[1:-1]}" xmlns:camunda="{CAMUNDA[1:-1]}">{inner}</w>'
        for position, child in enumerate(etree.fromstring(wrapped)):
            element.insert(position, child)
    return {file_name: etree.tostring(root, xml_declaration=True, encoding="UTF-8")}


def variant(name: str, old: str, new: str) -> dict[str, bytes]:
    """Return diagram `name` with `old` replaced by `new` once, as an analyst edits it in the Modeler."""
    ((file_name, content),) = diagram(name).items()
    text = content.decode("utf-8")
    assert text.count(old) >= 1, f"{old!r} is not in {file_name}"
    return {file_name: text.replace(old, new, 1).encode("utf-8")}
