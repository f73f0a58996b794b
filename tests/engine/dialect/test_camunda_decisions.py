"""Business rule tasks evaluate DMN tables with FEEL entries and map their result as Camunda does."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.runtime.cases import case_variables, open_case
from tests.engine.dialect.modeler import diagram, step

DMN = (Path(__file__).parent / "diagrams" / "fee.dmn").read_text()


def _deploy(orchestrator, hit_policy: str, mapping: str) -> None:
    task = step(
        "businessRuleTask",
        "Activity_fee",
        'name="Find the fee" camunda:resultVariable="fee" camunda:decisionRef="fee" '
        f'camunda:mapDecisionResult="{mapping}"',
    )
    orchestrator.deploy(
        {"fee.bpmn": diagram("fees", [task]), "fee.dmn": DMN.replace("{hit_policy}", hit_policy).encode()}
    )


def _fee(orchestrator, **variables):
    case_id = orchestrator.start_case("fees", None, variables, actor="analyst")
    with orchestrator.store.unit_of_work() as session:
        return case_variables(open_case(session, case_id).workflow)["fee"]


@pytest.mark.parametrize(
    ("amount", "kind", "fee"),
    [(50, "a", 1), (100, "b", 10), (1000, "c", 20), (5000, "a", 100)],
)
def test_the_first_matching_rule_gives_the_fee_as_a_single_entry(orchestrator, amount, kind, fee):
    _deploy(orchestrator, "FIRST", "singleEntry")

    assert _fee(orchestrator, amount=amount, kind=kind) == fee


def test_collect_sum_adds_every_matching_rule(orchestrator):
    _deploy(orchestrator, 'COLLECT" aggregation="SUM', "singleEntry")

    assert _fee(orchestrator, amount=500, kind="a") == 110  # Rule_mid and Rule_any


def test_a_result_list_keeps_each_matching_rule_as_a_map(orchestrator):
    _deploy(orchestrator, "RULE ORDER", "resultList")

    assert _fee(orchestrator, amount=500, kind="x") == [{"fee": 20}, {"fee": 100}]


def test_a_unique_table_with_two_matching_rules_fails_naming_both(orchestrator):
    _deploy(orchestrator, "UNIQUE", "singleEntry")

    with pytest.raises(Exception) as failed:
        orchestrator.start_case("fees", None, {"amount": 500, "kind": "a"}, actor="analyst")

    assert "Rule_mid" in str(failed.value) and "Rule_any" in str(failed.value)
