"""Task listeners run when the Camunda REST API claims a task or a head assigns it."""

from __future__ import annotations

from tests.dialect import drive


def test_a_claim_and_an_assignment_through_the_rest_api_run_the_assignment_listener(
    rest, as_user, staff, deployed
):
    drive.deploy(deployed, "listener_tasks")
    case_id = deployed.start_case("dialect_listener_tasks", variables={"reviewer": None})
    (review,) = drive.open_tasks(deployed, case_id)

    claimed = as_user("olga").post(f"/task/{review.id}/claim", json={"userId": "olga"})
    assert claimed.status_code == 204
    assert drive.variables(deployed, case_id)["assigned_to"] == "olga"

    assigned = as_user("hassan").post(f"/task/{review.id}/assignee", json={"userId": "hassan"})
    assert assigned.status_code == 204
    assert drive.variables(deployed, case_id)["assigned_to"] == "hassan"
    assert rest.get(f"/task/{review.id}").json()["assignee"] == "hassan"
