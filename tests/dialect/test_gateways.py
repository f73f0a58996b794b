"""Gateways: parallel forks and joins, inclusive splits and merges."""

from __future__ import annotations

from tests.dialect import drive


def _inclusive(orchestrator):
    ((name, content),) = drive.diagram("gateways").items()
    text = content.decode().replace("bpmn:exclusiveGateway", "bpmn:inclusiveGateway")
    orchestrator.deploy({name: text.encode()})


def test_a_parallel_join_waits_for_both_branches(orchestrator):
    drive.deploy(orchestrator, "gateways")
    case_id = orchestrator.start_case("dialect_gateways")

    drive.work(orchestrator, "dialect.tax", {"taxes_owed": False})
    assert drive.open_elements(orchestrator, case_id) == ["check_court"]
    drive.complete(orchestrator, case_id, "check_court", {"court_ban": False})

    assert drive.open_elements(orchestrator, case_id) == ["decide"]


def test_an_inclusive_gateway_takes_every_path_whose_condition_holds_and_merges_them(orchestrator):
    _inclusive(orchestrator)
    case_id = orchestrator.start_case("dialect_gateways")
    drive.work(orchestrator, "dialect.tax", {"taxes_owed": True})
    drive.complete(orchestrator, case_id, "check_court", {"court_ban": True})

    assert drive.topics(orchestrator, case_id) == ["dialect.collect", "dialect.court"]
    drive.work(orchestrator, "dialect.collect")
    assert drive.open_tasks(orchestrator, case_id) == []
    drive.work(orchestrator, "dialect.court")
    assert drive.open_elements(orchestrator, case_id) == ["decide"]


def test_an_inclusive_gateway_takes_the_default_when_no_condition_holds(orchestrator):
    _inclusive(orchestrator)
    case_id = orchestrator.start_case("dialect_gateways")
    drive.work(orchestrator, "dialect.tax", {"taxes_owed": False})
    drive.complete(orchestrator, case_id, "check_court", {"court_ban": False})

    assert drive.topics(orchestrator, case_id) == []
    assert drive.open_elements(orchestrator, case_id) == ["decide"]


def test_what_one_branch_wrote_is_there_after_the_join_though_the_other_branch_kept_its_copy(orchestrator):
    drive.deploy(orchestrator, "gateways")
    case_id = orchestrator.start_case("dialect_gateways", variables={"status": "new", "note": "-"})

    drive.work(orchestrator, "dialect.tax", {"status": "taxes checked", "taxes_owed": False})
    drive.complete(orchestrator, case_id, "check_court", {"court_ban": False, "note": "no ban"})

    found = drive.variables(orchestrator, case_id)
    assert (found["status"], found["note"], found["court_ban"]) == ("taxes checked", "no ban", False)
