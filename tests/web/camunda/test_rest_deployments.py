"""Deployments over HTTP: Camunda Modeler's deploy, duplicates, resources, deleting (cascade or not)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import DIAGRAMS, ROOT
from tests.engine import sample
from tests.web.camunda.helpers import TOKEN, start_over_rest

FIXTURES = Path(__file__).parent / "fixtures"


def modeler_request() -> tuple[dict, bytes]:
    headers = json.loads((FIXTURES / "modeler5_deploy.headers.json").read_text())
    headers.pop("_source")
    return headers, (FIXTURES / "modeler5_deploy.multipart").read_bytes()


def deploy_files(rest, *paths: Path, **fields):
    files = [(p.name, (p.name, p.read_bytes(), "text/xml")) for p in paths]
    return rest.post("/deployment/create", data=fields, files=files)


def test_the_request_camunda_modeler_5_sends_deploys_and_its_connection_check_answers(server, staff):
    import httpx

    headers, body = modeler_request()
    headers["authorization"] = "Bearer " + TOKEN
    with httpx.Client(base_url=server, timeout=30) as modeler:
        check = modeler.get("/deployment", params={"maxResults": 0}, headers=headers)
        first = modeler.post("/deployment/create", content=body, headers=headers)
        again = modeler.post("/deployment/create", content=body, headers=headers)

    assert check.status_code == 200 and check.json() == []
    assert first.status_code == 200, first.text
    deployed = first.json()
    assert deployed["name"] == "core_sample" and deployed["source"] == "Camunda Modeler"
    assert deployed["deployedProcessDefinitions"] is None  # the store had this core_sample already
    assert again.json()["id"] == deployed["id"]  # enable-duplicate-filtering: nothing new


def test_an_analyst_deploys_a_changed_diagram_and_gets_a_new_version(as_user, tmp_path):
    changed = tmp_path / "core_sample.bpmn"
    changed.write_text(
        (DIAGRAMS / "core_sample.bpmn").read_text().replace('name="Core sample"', 'name="Core v2"')
    )

    answer = deploy_files(as_user("ana"), changed, **{"deployment-name": "core"})

    assert answer.status_code == 200, answer.text
    (definition,) = answer.json()["deployedProcessDefinitions"].values()
    assert (definition["key"], definition["version"], definition["name"]) == ("core_sample", 2, "Core v2")


def test_a_tenant_is_refused_and_nothing_is_deployed(rest):
    answer = deploy_files(rest, ROOT / "bpmn" / "license_routing.dmn", **{"tenant-id": "kz"})

    assert answer.status_code == 400
    assert answer.json()["type"] == "InvalidRequestException" and "tenant-id" in answer.json()["message"]
    assert rest.get("/decision-definition/count").json() == {"count": 0}


def test_a_decision_table_alone_deploys_and_evaluates(rest):
    answer = deploy_files(rest, ROOT / "bpmn" / "license_routing.dmn")
    (decision,) = answer.json()["deployedDecisionDefinitions"].values()

    result = rest.post(
        f"/decision-definition/{decision['id']}/evaluate",
        json={
            "variables": {
                "kind": {"value": "exclusive"},
                "direction": {"value": "import"},
                "list_section": {"value": "1.1"},
            }
        },
    )

    assert result.status_code == 200, result.text
    assert result.json()[0]["term_days"] == {"type": "Integer", "value": 5, "valueInfo": {}}
    xml = rest.get("/decision-definition/key/license_routing/xml").json()
    assert xml["id"] == decision["id"] and "<decision" in xml["dmnXml"]


def test_an_officer_may_not_deploy_and_is_told_which_permission_is_missing(as_user):
    answer = deploy_files(as_user("olga"), DIAGRAMS / "core_sample.bpmn")

    assert answer.status_code == 403
    assert answer.json()["type"] == "AuthorizationException"
    assert "'CREATE' permission on resource 'Deployment'" in answer.json()["message"]


def test_a_deployment_lists_its_resources_and_gives_back_their_bytes(rest):
    deployment = deploy_files(rest, DIAGRAMS / "core_sample.bpmn", **{"deployment-name": "core"}).json()

    (resource,) = rest.get(f"/deployment/{deployment['id']}/resources").json()
    data = rest.get(f"/deployment/{deployment['id']}/resources/{resource['id']}/data")

    assert resource["name"] == "core_sample.bpmn"
    assert data.content == (DIAGRAMS / "core_sample.bpmn").read_bytes()
    assert rest.get("/deployment", params={"name": "core"}).json()[0]["id"] == deployment["id"]
    assert rest.get(f"/deployment/{deployment['id']}/resources/nope").status_code == 404


def test_deleting_a_deployment_with_running_cases_is_refused_unless_cascade(rest, deployed):
    deployment_id = rest.get("/process-definition/key/core_sample").json()["deploymentId"]
    case_id = start_over_rest(rest, "D-1")["id"]

    refused = rest.delete(f"/deployment/{deployment_id}")
    cascaded = rest.delete(f"/deployment/{deployment_id}", params={"cascade": "true"})

    assert refused.status_code == 400 and "cascade=true" in refused.json()["message"]
    assert cascaded.status_code == 204
    assert sample.case(deployed, case_id).status == "deleted"
    assert rest.get("/process-definition/key/core_sample").status_code == 404
    history = rest.get(f"/history/process-instance/{case_id}").json()
    assert history["state"] == "EXTERNALLY_TERMINATED" and deployment_id in history["deleteReason"]
