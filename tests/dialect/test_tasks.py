"""Tasks as Camunda runs them: plain and manual tasks pass, standard performers assign, topics evaluate."""

from __future__ import annotations

from tests.dialect import drive


def test_a_manual_task_and_a_plain_task_pass_at_once(orchestrator):
    drive.deploy(orchestrator, "pass_through_tasks")

    case_id = orchestrator.start_case("dialect_pass_through")

    assert drive.completed_elements(orchestrator, case_id) == ["start", "file_paper", "note"]
    assert drive.open_elements(orchestrator, case_id) == ["answer"]


def test_potential_owners_are_candidates_and_the_human_performer_is_the_assignee(orchestrator):
    drive.deploy(orchestrator, "performers")
    case_id = orchestrator.start_case("dialect_performers")

    (review,) = drive.open_tasks(orchestrator, case_id)
    assert (review.candidate_users, review.candidate_groups) == (",aigerim,", ",officers,heads,")
    drive.complete(orchestrator, case_id, "review")

    (sign,) = drive.open_tasks(orchestrator, case_id)
    assert (sign.element_id, sign.assignee) == ("sign", "head1")


def test_an_expression_topic_is_evaluated_when_the_external_task_is_created(orchestrator):
    drive.deploy(orchestrator, "topic_expression")

    case_id = orchestrator.start_case("dialect_topic_expression", variables={"channel": "notify.sms"})

    assert drive.topics(orchestrator, case_id) == ["notify.sms"]


def test_a_message_throw_event_without_implementation_does_nothing(orchestrator):
    drive.deploy(orchestrator, "topic_expression")
    case_id = orchestrator.start_case("dialect_topic_expression", variables={"channel": "notify.mail"})

    drive.work(orchestrator, "notify.mail")

    assert drive.status(orchestrator, case_id) == "completed"
    assert drive.completed_elements(orchestrator, case_id)[-2:] == ["announce", "end"]


def test_the_initiator_variable_names_who_started_the_case(orchestrator):
    drive.deploy(orchestrator, "topic_expression")

    case_id = orchestrator.start_case("dialect_topic_expression", variables={"channel": "x"}, actor="clerk7")

    assert drive.variables(orchestrator, case_id)["started_by"] == "clerk7"


def test_a_send_task_is_an_external_task_of_its_topic(orchestrator):
    attributes = {"camunda:type": "external", "camunda:topic": "dialect.send"}
    orchestrator.deploy(drive.edited("pass_through_tasks", "note", "sendTask", attributes))
    case_id = orchestrator.start_case("dialect_pass_through")

    assert drive.topics(orchestrator, case_id) == ["dialect.send"]
    drive.work(orchestrator, "dialect.send")
    assert drive.open_elements(orchestrator, case_id) == ["answer"]
