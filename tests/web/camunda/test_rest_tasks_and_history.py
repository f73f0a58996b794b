"""Tasks, incidents, history, access and the OpenAPI description over HTTP."""

from __future__ import annotations

from tests.engine import sample
from tests.web.camunda.helpers import fetch_one, to_review, typed
from web.camunda.routes import ROUTES


def test_an_officer_sees_the_tasks_of_their_group_and_an_auditor_may_not_list_tasks(rest, as_user, deployed):
    _, task = to_review(rest, deployed, "T-1")

    officer = as_user("olga").get("/task", params={"candidateGroup": "officers"})
    auditor = as_user("aida").get("/task")

    assert [t["id"] for t in officer.json()] == [task["id"]]
    assert officer.json()[0]["taskDefinitionKey"] == "review" and officer.json()[0]["due"].startswith(
        "2029-12-31"
    )
    assert auditor.status_code == 403 and "'READ' permission on resource 'Task'" in auditor.json()["message"]


def test_a_claimed_task_leaves_the_candidate_list_unless_assigned_ones_are_included(rest, as_user, deployed):
    _, task = to_review(rest, deployed, "T-2")
    olga = as_user("olga")

    claimed = olga.post(f"/task/{task['id']}/claim", json={"userId": "olga"})

    assert claimed.status_code == 204
    assert olga.get("/task/count", params={"candidateGroup": "officers"}).json() == {"count": 0}
    assert olga.get(
        "/task/count", params={"candidateGroup": "officers", "includeAssignedTasks": "true"}
    ).json() == {"count": 1}
    assert olga.get("/task", params={"assignee": "olga"}).json()[0]["assignee"] == "olga"
    links = olga.get(f"/task/{task['id']}/identity-links").json()
    assert {"userId": "olga", "groupId": None, "type": "assignee"} in links


def test_completing_with_a_bad_form_value_is_400_naming_the_field_and_nothing_moves(rest, as_user, deployed):
    case_id, task = to_review(rest, deployed, "T-3")

    answer = as_user("olga").post(
        f"/task/{task['id']}/submit-form", json={"variables": {"grounds": typed("g9", "String")}}
    )

    assert answer.status_code == 400
    assert answer.json()["type"] == "FormFieldValidationException" and "grounds" in answer.json()["message"]
    assert sample.open_review(deployed, case_id).id == task["id"]


def test_an_officer_completes_a_task_and_history_names_them(rest, as_user, deployed):
    case_id, task = to_review(rest, deployed, "T-4")
    olga = as_user("olga")

    form = olga.get(f"/task/{task['id']}/form-variables").json()
    done = olga.post(f"/task/{task['id']}/complete", json={"variables": {"approved": typed(True, "Boolean")}})

    assert form["approved"]["type"] == "Boolean" and set(form) == {"approved", "comment", "grounds"}
    assert done.status_code == 204
    (record,) = rest.get("/history/task", params={"processInstanceId": case_id}).json()
    assert (record["assignee"], record["deleteReason"]) == ("olga", "completed")
    operations = rest.get("/history/user-operation", params={"processInstanceId": case_id}).json()
    assert ("Complete", "olga") in {(o["operationType"], o["userId"]) for o in operations}


def test_a_task_claimed_by_someone_else_cannot_be_completed_but_a_head_reassigns_it(rest, as_user, deployed):
    _, task = to_review(rest, deployed, "T-5")
    rest.post(f"/task/{task['id']}/claim", json={"userId": "someone"})

    refused = as_user("olga").post(f"/task/{task['id']}/complete", json={})
    reassigned = as_user("hassan").post(f"/task/{task['id']}/assignee", json={"userId": "olga"})
    not_for_officers = as_user("olga").post(f"/task/{task['id']}/assignee", json={"userId": "olga"})

    assert refused.status_code == 409
    assert reassigned.status_code == 204 and rest.get(f"/task/{task['id']}").json()["assignee"] == "olga"
    assert not_for_officers.status_code == 403 and "TASK_ASSIGN" in not_for_officers.json()["message"]


def test_an_incident_is_listed_and_retries_resolve_it(rest, deployed, client):
    case_id = sample.start(deployed, "I-1")
    task = fetch_one(client)
    client.post(
        f"/engine-rest/external-task/{task['id']}/failure",
        json={"workerId": "w1", "errorMessage": "down", "retries": 0},
        headers={"Authorization": rest.headers["Authorization"]},
    )

    (incident,) = rest.get("/incident", params={"processInstanceId": case_id}).json()
    retried = rest.put(f"/external-task/{task['id']}/retries", json={"retries": 2})

    assert (incident["incidentType"], incident["incidentMessage"]) == ("failedExternalTask", "down")
    assert retried.status_code == 204 and rest.get("/incident/count").json() == {"count": 0}
    (historic,) = rest.get("/history/incident").json()
    assert historic["resolved"] is True
    log = rest.get("/history/external-task-log", params={"processInstanceId": case_id}).json()
    assert [entry["failureLog"] for entry in log] == [True]


def test_history_of_a_completed_case_shows_its_activities_and_variables(rest, deployed):
    case_id = sample.start(deployed, "H-1")
    sample.pass_check(deployed, skip_review=True)

    instance = rest.get(f"/history/process-instance/{case_id}").json()
    activities = rest.get("/history/activity-instance", params={"processInstanceId": case_id}).json()
    variables = rest.get("/history/variable-instance", params={"processInstanceId": case_id}).json()

    assert instance["state"] == "COMPLETED" and instance["endTime"] is not None
    assert "end_skipped" in [a["activityId"] for a in activities]
    assert {v["name"]: v["value"] for v in variables}["skip_review"] is True


def test_an_auditor_reads_history_but_not_the_running_tasks_and_anonymous_gets_401(server, as_user):
    import httpx

    assert as_user("aida").get("/history/process-instance").status_code == 200
    assert httpx.get(server + "/task").status_code == 401
    assert httpx.get(server + "/task", auth=("olga", "wrong-password")).status_code == 401


def test_an_unknown_resource_is_404_naming_it(rest):
    answer = rest.get("/batch")

    assert answer.status_code == 404
    assert answer.json()["type"] == "RestException" and "/engine-rest/batch" in answer.json()["message"]


def test_the_openapi_description_lists_exactly_the_served_routes(rest, client):
    described = rest.get("/openapi.json").json()["paths"]

    served = {
        (rule.rule, method) for rule in client.application.url_map.iter_rules() for method in rule.methods
    }
    served = {
        (path.removeprefix("/engine-rest").replace("<", "{").replace(">", "}"), method.lower())
        for path, method in served
        if path.startswith("/engine-rest/") and "path:" not in path and method not in ("HEAD", "OPTIONS")
    }
    listed = {(path, method) for path, methods in described.items() for method in methods}
    assert listed == served
    assert len(listed) == len(ROUTES)
