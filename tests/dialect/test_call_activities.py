"""Call activities find the process they call when they start, by camunda:calledElementBinding."""

from __future__ import annotations

import pytest

from engine.errors import ProcessError
from engine.history.replay import replay_case
from tests.dialect import drive


def _payment_version_two(orchestrator):
    orchestrator.deploy(
        drive.variant("payment", 'camunda:topic="dialect.charge"', 'camunda:topic="dialect.charge.v2"')
    )


def _order(orchestrator, **attributes):
    orchestrator.deploy(drive.edited("order", "pay", attributes=attributes))


def test_a_process_deployed_earlier_on_its_own_is_called(orchestrator):
    drive.deploy(orchestrator, "payment")
    drive.deploy(orchestrator, "order")

    case_id = orchestrator.start_case("dialect_order")

    assert drive.topics(orchestrator, case_id) == ["dialect.charge"]
    drive.work(orchestrator, "dialect.charge", {"declined": False})
    assert drive.topics(orchestrator, case_id) == ["dialect.ship"]


def test_a_call_activity_inside_a_sub_process_calls_a_process_deployed_earlier_on_its_own(orchestrator):
    drive.deploy(orchestrator, "camunda_showcase_payment")
    fee = {"showcase_fee.dmn": (drive.DIAGRAMS / "showcase_fee.dmn").read_bytes()}
    orchestrator.deploy(
        drive.diagram("camunda_showcase") | fee
    )  # its event sub-process makes the rest a scope

    case_id = orchestrator.start_case("camunda_showcase")
    drive.work(orchestrator, "showcase.register", {"quantity": 12, "approvers": [], "needsLab": True})

    assert drive.topics(orchestrator, case_id) == ["showcase.charge"]


def test_binding_latest_calls_the_newest_version_when_the_call_starts(orchestrator):
    drive.deploy(orchestrator, "order", "payment")
    _payment_version_two(orchestrator)

    case_id = orchestrator.start_case("dialect_order")

    assert drive.topics(orchestrator, case_id) == ["dialect.charge.v2"]


def test_binding_version_calls_the_version_it_names(orchestrator):
    drive.deploy(orchestrator, "payment")
    _payment_version_two(orchestrator)
    _order(orchestrator, **{"camunda:calledElementBinding": "version", "camunda:calledElementVersion": "1"})

    case_id = orchestrator.start_case("dialect_order")

    assert drive.topics(orchestrator, case_id) == ["dialect.charge"]


def test_binding_deployment_calls_the_version_deployed_with_the_caller(orchestrator):
    documents = drive.edited("order", "pay", attributes={"camunda:calledElementBinding": "deployment"})
    orchestrator.deploy(documents | drive.diagram("payment"))
    _payment_version_two(orchestrator)

    case_id = orchestrator.start_case("dialect_order")

    assert drive.topics(orchestrator, case_id) == ["dialect.charge"]


def test_an_expression_names_the_called_process(orchestrator):
    drive.deploy(orchestrator, "payment")
    _order(orchestrator, calledElement="${payment_process}")

    case_id = orchestrator.start_case("dialect_order", variables={"payment_process": "dialect_payment"})

    assert drive.topics(orchestrator, case_id) == ["dialect.charge"]


def test_a_called_process_that_is_not_deployed_fails_the_start_and_leaves_no_case(orchestrator):
    drive.deploy(orchestrator, "order")

    with pytest.raises(ProcessError, match="the called process 'dialect_payment' is not deployed"):
        orchestrator.start_case("dialect_order")

    assert drive.rows(orchestrator, drive.Case) == []


def test_a_replay_calls_the_versions_the_case_called(orchestrator):
    drive.deploy(orchestrator, "payment")
    drive.deploy(orchestrator, "order")
    case_id = orchestrator.start_case("dialect_order")
    _payment_version_two(orchestrator)
    drive.work(orchestrator, "dialect.charge", {"declined": False})
    drive.work(orchestrator, "dialect.ship")

    with orchestrator.store.unit_of_work() as session:
        replay = replay_case(session, case_id)

    assert drive.status(orchestrator, case_id) == "completed"
    assert replay.reproduced, replay.divergence
