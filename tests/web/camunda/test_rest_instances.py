"""Process definitions, process instances and messages over HTTP, as Camunda clients call them."""

from __future__ import annotations

from tests.dialect import drive
from tests.engine import sample
from tests.web.camunda.helpers import start_over_rest, to_review, typed


def test_starting_by_key_answers_the_instance_with_its_variables_when_asked(rest):
    answer = rest.post(
        "/process-definition/key/core_sample/start",
        json={
            "businessKey": "P-1",
            "variables": {"due": typed(sample.DUE, "String")},
            "withVariablesInReturn": True,
        },
    )

    instance = answer.json()
    assert answer.status_code == 200
    assert instance["businessKey"] == "P-1" and instance["ended"] is False
    assert instance["variables"]["due"] == typed(sample.DUE, "String")
    assert rest.get(f"/process-instance/{instance['id']}").json()["definitionId"] == instance["definitionId"]


def test_starting_by_id_runs_that_version(rest):
    definition = rest.get(
        "/process-definition", params={"key": "core_sample", "latestVersion": "true"}
    ).json()[0]

    instance = rest.post(f"/process-definition/{definition['id']}/start", json={"businessKey": "P-2"}).json()

    assert instance["definitionId"] == definition["id"]
    assert rest.get(f"/process-definition/{definition['id']}/xml").json()["bpmn20Xml"].startswith("<?xml")


def test_instances_are_filtered_by_business_key_definition_incident_and_variables(rest, deployed):
    first = start_over_rest(rest, "F-1", channel="portal")["id"]
    start_over_rest(rest, "F-2", channel="desk")

    by_key = rest.get("/process-instance", params={"businessKey": "F-1"}).json()
    by_variable = rest.get("/process-instance", params={"variables": "channel_eq_desk"}).json()
    with_incident = rest.get("/process-instance/count", params={"withIncident": "true"}).json()
    suspended = rest.get("/process-instance/count", params={"suspended": "true"}).json()
    paged = rest.get(
        "/process-instance", params={"sortBy": "businessKey", "sortOrder": "desc", "maxResults": 1}
    )

    assert [i["id"] for i in by_key] == [first]
    assert [i["businessKey"] for i in by_variable] == ["F-2"]
    assert with_incident == {"count": 0} and suspended == {"count": 0}
    assert [i["businessKey"] for i in paged.json()] == ["F-2"]


def test_an_unknown_filter_or_half_a_sorting_is_refused_not_ignored(rest):
    unknown = rest.get("/process-instance", params={"tenantIdIn": "kz"})
    half = rest.get("/process-instance", params={"sortBy": "instanceId"})

    assert unknown.status_code == 400 and "tenantIdIn" in unknown.json()["message"]
    assert half.status_code == 400 and "sortOrder" in half.json()["message"]


def test_variables_are_read_set_and_modified_and_the_case_moves_on_them(rest, deployed):
    case_id = start_over_rest(rest, "V-1")["id"]

    put = rest.put(f"/process-instance/{case_id}/variables/channel", json=typed("portal", "String"))
    modified = rest.post(
        f"/process-instance/{case_id}/variables",
        json={"modifications": {"score": typed(7, "Integer")}, "deletions": ["channel"]},
    )

    assert put.status_code == 204 and modified.status_code == 204
    variables = rest.get(f"/process-instance/{case_id}/variables").json()
    assert variables["score"] == typed(7, "Integer") and "channel" not in variables
    assert rest.get(f"/process-instance/{case_id}/variables/channel").status_code == 404
    assert ("variables_changed", None) in sample.history_kinds(deployed, case_id)


def test_deleting_an_instance_records_the_reason_in_history(rest, as_user, deployed):
    case_id = start_over_rest(rest, "X-1")["id"]

    answer = as_user("hassan").delete(f"/process-instance/{case_id}", params={"deleteReason": "withdrawn"})

    assert answer.status_code == 204
    assert rest.get(f"/process-instance/{case_id}").status_code == 404
    history = rest.get(f"/history/process-instance/{case_id}").json()
    assert (history["state"], history["deleteReason"]) == ("EXTERNALLY_TERMINATED", "withdrawn")
    assert sample.external_tasks(deployed, case_id) == []


def test_activity_instances_and_statistics_show_where_cases_wait(rest, deployed):
    case_id, _ = to_review(rest, deployed, "A-1")
    start_over_rest(rest, "A-2")

    tree = rest.get(f"/process-instance/{case_id}/activity-instances").json()
    per_activity = rest.get("/process-definition/key/core_sample/statistics").json()

    assert [c["activityId"] for c in tree["childActivityInstances"]] == ["review", "review_timeout"]
    assert {s["id"]: s["instances"] for s in per_activity} == {"check": 1, "review": 1, "review_timeout": 1}


def test_suspending_is_refused_with_the_reason(rest):
    case_id = start_over_rest(rest, "S-1")["id"]

    answer = rest.put(f"/process-instance/{case_id}/suspended", json={"suspended": True})

    assert answer.status_code == 400 and "does not suspend" in answer.json()["message"]


def test_a_message_correlates_by_business_key_and_answers_the_execution(rest, deployed):
    case_id, task = to_review(rest, deployed, "M-1")
    rest.post(f"/task/{task['id']}/complete", json={"variables": {"approved": typed(True, "Boolean")}})

    answer = rest.post(
        "/message",
        json={
            "messageName": "answer",
            "businessKey": "M-1",
            "processVariables": {"said": typed("yes")},
            "resultEnabled": True,
        },
    )

    assert answer.status_code == 200, answer.text
    assert answer.json()[0]["execution"]["processInstanceId"] == case_id
    assert sample.case(deployed, case_id).status == "completed"


def test_a_message_nobody_waits_for_is_400_and_by_name_alone_it_reaches_no_running_case(rest):
    missed = rest.post("/message", json={"messageName": "answer", "businessKey": "nobody"})
    by_name_only = rest.post("/message", json={"messageName": "answer", "all": True})

    assert missed.status_code == 400 and "no case waits" in missed.json()["message"]
    assert by_name_only.status_code == 400


def test_a_signal_reaches_every_waiting_case_and_carries_no_variables(rest, deployed):
    deployed.deploy(drive.diagram("signal_catch"))
    waiting = [deployed.start_case("dialect_signal_catch", f"S-{n}") for n in range(2)]

    thrown = rest.post("/signal", json={"name": "embargo_lifted"})
    with_variables = rest.post(
        "/signal", json={"name": "embargo_lifted", "variables": {"x": typed(1, "Integer")}}
    )

    assert thrown.status_code == 204
    assert [drive.open_elements(deployed, case_id) for case_id in waiting] == [["answer"], ["answer"]]
    assert with_variables.status_code == 400 and "carries no variables" in with_variables.json()["message"]
