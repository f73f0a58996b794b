"""How licflow's rows look in Camunda's JSON: ids, definitions, deployments, instances, tasks.

A process definition's id is `key:version:row id`, as the external-task answers have
always written it; a case id is the process instance id; a user task's id is the task
id; an activity instance id is `element id:engine task id`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import request

from engine import clock
from engine.errors import NotFound
from web.camunda.variables import camunda_date

if TYPE_CHECKING:  # rows the engine's queries return
    from store.models import Case, DecisionDefinition, Deployment, ProcessDefinition, UserTask


def date(moment: datetime | None) -> str | None:
    """Write a moment as Camunda does, or None."""
    return camunda_date(clock.as_utc(moment)) if moment is not None else None


def definition_id(definition: ProcessDefinition | DecisionDefinition) -> str:
    """Return the Camunda id of a process or decision definition."""
    return f"{definition.key}:{definition.version}:{definition.id}"


def row_id(camunda_id: str, what: str) -> int:
    """Return the row id inside a definition id, or raise NotFound naming it."""
    tail = camunda_id.rsplit(":", 1)[-1]
    if not tail.isdigit():
        raise NotFound(f"no {what} with id {camunda_id!r}")
    return int(tail)


def check_id(definition, camunda_id: str, what: str) -> None:
    """Raise NotFound unless `camunda_id` is exactly the id of `definition`."""
    if definition_id(definition) != camunda_id:
        raise NotFound(f"no {what} with id {camunda_id!r}")


def link(method: str, path: str, rel: str) -> dict[str, str]:
    """Return a Camunda link to another resource of this API."""
    return {"method": method, "href": request.host_url.rstrip("/") + "/engine-rest" + path, "rel": rel}


def resource_name(definition: ProcessDefinition) -> str | None:
    """Return the file the definition's process is in."""
    return next(
        (
            name
            for name, xml in sorted(definition.source.items())
            if name.endswith(".bpmn") and f'id="{definition.key}"' in xml
        ),
        None,
    )


def process_definition_json(definition: ProcessDefinition) -> dict[str, Any]:
    """A process definition as Camunda shows it."""
    return {
        "id": definition_id(definition),
        "key": definition.key,
        "category": "http://bpmn.io/schema/bpmn",
        "description": None,
        "name": definition.name,
        "version": definition.version,
        "resource": resource_name(definition),
        "deploymentId": definition.deployment_id,
        "diagram": None,
        "suspended": False,
        "tenantId": None,
        "versionTag": None,
        "historyTimeToLive": None,
        "startableInTasklist": True,
    }


def decision_definition_json(decision: DecisionDefinition) -> dict[str, Any]:
    """A decision definition as Camunda shows it."""
    return {
        "id": definition_id(decision),
        "key": decision.key,
        "category": "http://camunda.org/schema/1.0/dmn",
        "name": decision.name,
        "version": decision.version,
        "resource": decision.resource_name,
        "deploymentId": decision.deployment_id,
        "decisionRequirementsDefinitionId": None,
        "decisionRequirementsDefinitionKey": None,
        "tenantId": None,
        "versionTag": None,
        "historyTimeToLive": None,
    }


def deployment_json(deployment: Deployment) -> dict[str, Any]:
    """A deployment as Camunda shows it."""
    return {
        "links": [link("GET", f"/deployment/{deployment.id}", "self")],
        "id": deployment.id,
        "name": deployment.name,
        "source": deployment.source,
        "deploymentTime": date(deployment.deployed_at),
        "tenantId": None,
    }


def instance_json(case: Case, definition: ProcessDefinition) -> dict[str, Any]:
    """A running case as Camunda shows a process instance."""
    return {
        "links": [link("GET", f"/process-instance/{case.id}", "self")],
        "id": case.id,
        "definitionId": definition_id(definition),
        "definitionKey": definition.key,
        "businessKey": case.business_key,
        "caseInstanceId": None,
        "ended": case.status != "running",
        "suspended": False,
        "tenantId": None,
    }


def task_json(task: UserTask, definition: ProcessDefinition) -> dict[str, Any]:
    """A user task as Camunda shows it."""
    return {
        "id": task.id,
        "name": task.name,
        "assignee": task.assignee,
        "owner": None,
        "created": date(task.created_at),
        "lastUpdated": None,
        "due": date(task.due_at),
        "followUp": None,
        "delegationState": None,
        "description": None,
        "executionId": task.id,
        "parentTaskId": None,
        "priority": 50,
        "processDefinitionId": definition_id(definition),
        "processInstanceId": task.case_id,
        "taskDefinitionKey": task.element_id,
        "caseExecutionId": None,
        "caseInstanceId": None,
        "caseDefinitionId": None,
        "suspended": False,
        "formKey": task.form_key,
        "camundaFormRef": None,
        "tenantId": None,
    }
