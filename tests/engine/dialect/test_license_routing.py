"""The license routing table in FEEL gives what the table before it gave, for every application."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser

from engine.dialect.decisions import map_decision_result, read_decisions
from tests.engine.dialect.dmn_documents import DIAGRAMS, parse

ROOT = DIAGRAMS.parents[3]
ROUTING = ROOT / "bpmn" / "license_routing.dmn"
# the table as it was before FEEL, evaluated by SpiffWorkflow's own (Python) DMN engine
BEFORE_FEEL = DIAGRAMS / "license_routing_before_feel.dmn"
KINDS = ("one_time", "general", "exclusive")
DIRECTIONS = ("export", "import")
SECTIONS = ("2.3", "2.7", "2.12", "2.14", "2.16", "2.17", "2.19", "2.21", "2.22", "1.1", "2.170", "", None)
APPLICATIONS = [
    {"kind": kind, "direction": direction, "list_section": section}
    for kind, direction, section in itertools.product(KINDS, DIRECTIONS, SECTIONS)
]


@pytest.fixture(scope="module")
def routing():
    return read_decisions(parse(ROUTING.read_bytes()))["license_routing"]


@pytest.fixture(scope="module")
def routing_before_feel():
    parser = CamundaParser()
    parser.add_dmn_xml(parse(BEFORE_FEEL.read_bytes()))
    engine = parser.get_engine("license_routing", None)
    script_engine = PythonScriptEngine(
        environment=TaskDataEnvironment({"true": True, "false": False, "null": None})
    )

    def decide(variables: dict) -> dict:
        task = SimpleNamespace(data=dict(variables), workflow=SimpleNamespace(script_engine=script_engine))
        return dict(engine.result(task))

    return decide


@pytest.mark.parametrize("application", APPLICATIONS, ids=lambda a: "-".join(map(str, a.values())))
def test_every_application_is_routed_as_before(routing, routing_before_feel, application):
    routed = map_decision_result(routing.evaluate(application), "singleResult")
    assert routed == routing_before_feel(application)


@pytest.mark.parametrize(
    ("application", "rule", "term_days", "consulted_body", "answer_days", "qualification"),
    [
        (("general", "export", "2.17"), "rule_1", 10, "nsc", 5, True),
        (("exclusive", "import", "2.19"), "rule_2", 10, "nsc", 5, True),
        (("exclusive", "export", "2.12"), "rule_3", 5, "none", 0, False),
        (("one_time", "import", "2.12"), "rule_4", 5, "ministry_of_internal_affairs", 3, True),
        (("general", "export", "2.14"), "rule_5", 5, "ministry_of_health", 3, True),
        (("general", "import", "2.21"), "rule_6", 5, "ministry_of_health", 3, False),
        (("one_time", "export", "2.22"), "rule_7", 5, "ministry_of_internal_affairs", 3, True),
        (("general", "export", "2.3"), "rule_8", 5, "ministry_of_ecology", 3, True),
        (("general", "import", "2.7"), "rule_9", 5, "ministry_of_ecology", 3, False),
        (("one_time", "export", "2.16"), "rule_10", 5, "none", 0, False),
    ],
)
def test_each_row_gives_the_outputs_written_in_it(
    routing, application, rule, term_days, consulted_body, answer_days, qualification
):
    kind, direction, section = application
    result = routing.evaluate({"kind": kind, "direction": direction, "list_section": section})
    assert result.matched_rules == (rule,)
    assert result.single_result() == {
        "term_days": term_days,
        "consulted_body": consulted_body,
        "consultation_answer_days": answer_days,
        "qualification_documents_required": qualification,
    }


def test_the_table_keeps_its_ids_inputs_outputs_and_hit_policy(routing):
    table = routing.logic
    assert table.hit_policy == "FIRST"
    assert [column.id for column in table.inputs] == ["input_kind", "input_direction", "input_section"]
    assert [column.text for column in table.inputs] == ["kind", "direction", "list_section"]
    assert [column.name for column in table.outputs] == [
        "term_days",
        "consulted_body",
        "consultation_answer_days",
        "qualification_documents_required",
    ]
    assert [rule.id for rule in table.rules] == [f"rule_{n}" for n in range(1, 11)]
