"""SpiffWorkflow's Camunda parser runs business rule tasks with the FEEL decision evaluator."""

from __future__ import annotations

from copy import deepcopy

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.util.task import TaskState

from engine.dialect.decision_errors import DecisionError, DecisionResultError
from engine.dialect.decisions.task import (
    DECISION_TASK_PARSER_CLASSES,
    DecisionTask,
    DecisionTaskConverter,
    DecisionTaskParser,
    FeelDecisionsMixin,
)
from tests.engine.dialect.dmn_documents import DIAGRAMS, definitions, parse, table

GOLD_ORDER = {"customer": {"type": "gold"}, "order_amount": 1200}


class Parser(FeelDecisionsMixin, CamundaParser):
    OVERRIDE_PARSER_CLASSES = {**CamundaParser.OVERRIDE_PARSER_CLASSES, **DECISION_TASK_PARSER_CLASSES}


class PlainParser(CamundaParser):
    """Only the task parser is swapped; SpiffWorkflow keeps the DMN documents."""

    OVERRIDE_PARSER_CLASSES = {**CamundaParser.OVERRIDE_PARSER_CLASSES, **DECISION_TASK_PARSER_CLASSES}


class MergingTaskParser(DecisionTaskParser):
    merge_result_without_variable = True


class MergingParser(Parser):
    OVERRIDE_PARSER_CLASSES = {
        **Parser.OVERRIDE_PARSER_CLASSES,
        **{tag: (MergingTaskParser, spec) for tag, (_, spec) in DECISION_TASK_PARSER_CLASSES.items()},
    }


def serializer() -> BpmnWorkflowSerializer:
    config = deepcopy(CAMUNDA_CONFIG)
    config[DecisionTask] = DecisionTaskConverter
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


def order_spec(parser_class=Parser, bpmn: str | None = None, dmn: str | None = None):
    parser = parser_class()
    parser.add_dmn_xml(parse(dmn or (DIAGRAMS / "discounts.dmn").read_bytes()), filename="discounts.dmn")
    parser.add_bpmn_xml(parse(bpmn or (DIAGRAMS / "order.bpmn").read_bytes()), filename="order.bpmn")
    return parser.get_spec("order")


def order_bpmn(**attributes: str) -> str:
    """Return the order process with the discount task's attributes changed."""
    xml = (DIAGRAMS / "order.bpmn").read_text(encoding="utf-8")
    default = (
        'camunda:decisionRef="discount" camunda:resultVariable="rate" camunda:mapDecisionResult="singleEntry"'
    )
    changed = " ".join(f'camunda:{name}="{value}"' for name, value in attributes.items())
    return xml.replace(default, changed)


def run_order(spec, variables: dict) -> BpmnWorkflow:
    workflow = BpmnWorkflow(spec)
    workflow.do_engine_steps()
    review = workflow.get_next_task(state=TaskState.READY, manual=True)
    review.data.update(variables)
    review.run()
    workflow.do_engine_steps()
    return workflow


def test_the_mapped_results_become_the_result_variables():
    workflow = run_order(order_spec(), GOLD_ORDER)
    assert workflow.is_completed()
    assert workflow.data["rate"] == 0.15
    assert workflow.data["checks"] == [
        {"check": "fraud", "by": "risk team"},
        {"check": "credit limit", "by": None},
    ]


def test_a_case_waiting_before_the_decision_survives_a_serialization_round_trip():
    workflow = BpmnWorkflow(order_spec())
    workflow.do_engine_steps()
    restored = serializer().deserialize_json(serializer().serialize_json(workflow))
    review = restored.get_next_task(state=TaskState.READY, manual=True)
    review.data.update({"customer": {"type": "silver"}, "order_amount": 300})
    review.run()
    restored.do_engine_steps()
    assert restored.is_completed()
    assert restored.data["rate"] == 0
    assert restored.data["checks"] == []


def test_a_completed_case_serializes_with_its_results():
    workflow = run_order(order_spec(), GOLD_ORDER)
    restored = serializer().deserialize_json(serializer().serialize_json(workflow))
    assert restored.data["rate"] == 0.15
    assert isinstance(restored.spec.task_specs["decide_discount"], DecisionTask)


def test_without_the_parser_mixin_the_decisions_spiffworkflow_holds_are_used():
    assert run_order(order_spec(PlainParser), GOLD_ORDER).data["rate"] == 0.15


def test_without_a_result_variable_camunda_keeps_nothing():
    spec = order_spec(bpmn=order_bpmn(decisionRef="discount"))
    assert "rate" not in run_order(spec, GOLD_ORDER).data


def test_a_parser_may_merge_a_single_result_without_a_result_variable():
    spec = order_spec(MergingParser, bpmn=order_bpmn(decisionRef="discount"))
    assert run_order(spec, GOLD_ORDER).data["rate"] == 0.15


def test_single_result_maps_the_outputs_to_a_dict():
    spec = order_spec(
        bpmn=order_bpmn(decisionRef="discount", resultVariable="discount", mapDecisionResult="singleResult")
    )
    assert run_order(spec, GOLD_ORDER).data["discount"] == {"rate": 0.15}


def test_a_decision_breaking_its_hit_policy_fails_the_task_naming_both_rules():
    spec = order_spec()
    with pytest.raises(WorkflowTaskException) as raised:
        run_order(spec, {"customer": {"type": "platinum"}, "order_amount": 6000})
    assert isinstance(raised.value.__cause__, DecisionError)
    assert "'rule_any_gold', 'rule_platinum_overlap'" in str(raised.value)
    assert raised.value.task_spec.bpmn_id == "decide_discount"


def test_a_result_that_does_not_fit_the_mapping_fails_the_task():
    spec = order_spec(
        bpmn=order_bpmn(decisionRef="checks", resultVariable="check", mapDecisionResult="singleEntry")
    )
    with pytest.raises(WorkflowTaskException) as raised:
        run_order(spec, GOLD_ORDER)
    assert isinstance(raised.value.__cause__, DecisionResultError)


def test_an_unknown_variable_fails_the_task_naming_it():
    with pytest.raises(WorkflowTaskException, match=r"unknown variable 'order_amount'"):
        run_order(order_spec(), {"customer": {"type": "gold"}})


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        (
            {"decisionRef": "nowhere"},
            r"no decision with id 'nowhere' is deployed \(known: checks, discount\)",
        ),
        ({"resultVariable": "rate"}, r"needs camunda:decisionRef"),
        ({"decisionRef": "${which}"}, r"must be a decision id, not an expression"),
        ({"decisionRef": "discount", "decisionRefBinding": "version"}, r"decisionRefBinding='version'"),
        ({"decisionRef": "discount", "mapDecisionResult": "singleValue"}, r"'singleValue' is not one of"),
    ],
)
def test_a_task_the_evaluator_cannot_run_is_refused_when_parsed(attributes, message):
    with pytest.raises(ValidationException, match=message):
        order_spec(bpmn=order_bpmn(**attributes))


def test_a_dmn_document_with_a_refused_decision_is_refused_when_added():
    refused = definitions(table("bad", [("x", "integer")], [("y", "integer")], [(["< 1 +"], ["1"])]))
    with pytest.raises(ValidationException, match=r"decision 'bad' rule 'bad_r1'"):
        Parser().add_dmn_xml(parse(refused), filename="bad.dmn")


def test_a_decision_id_defined_in_two_documents_is_refused():
    parser = Parser()
    parser.add_dmn_xml(parse((DIAGRAMS / "discounts.dmn").read_bytes()), filename="discounts.dmn")
    with pytest.raises(ValidationException, match=r"decision id 'discount' is defined twice"):
        parser.add_dmn_xml(parse((DIAGRAMS / "discounts.dmn").read_bytes()), filename="again.dmn")
