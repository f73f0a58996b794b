"""DMN decision tables are read from parsed XML and evaluated with FEEL as Camunda 7 does."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from engine.dialect.decisions import (
    Decision,
    DecisionError,
    DecisionResultError,
    map_decision_result,
    read_decisions,
)
from tests.engine.dialect.dmn_documents import DMN11, DMN12, DMN13, definitions, parse, table


def decide(decision_xml: str, variables: dict, decision_id: str | None = None):
    decisions = read_decisions(parse(definitions(decision_xml)))
    decision = decisions[decision_id] if decision_id else next(iter(decisions.values()))
    return decision.evaluate(variables)


SEASONS = table(
    "dish",
    [("season", "string"), ("guests", "integer")],
    [("dish", "string")],
    [
        (['"Fall"', "<= 8"], ['"Spareribs"']),
        (['"Winter"', "<= 8"], ['"Roastbeef"']),
        (['"Spring"', "<= 4"], ['"Dry Aged Gourmet Steak"']),
        (['"Spring"', "[5..8]"], ['"Steak"']),
        (['"Fall","Winter","Spring"', "> 8"], ['"Stew"']),
        (['"Summer"', ""], ['"Light Salad and a nice Steak"']),
    ],
)


def test_decisions_are_read_by_id_from_one_document():
    second = table("second", [("x", "integer")], [("y", "integer")], [(["-"], ["1"])])
    decisions = read_decisions(parse(definitions(SEASONS, second)))
    assert sorted(decisions) == ["dish", "second"]
    assert decisions["dish"].name == "dish"


@pytest.mark.parametrize("namespace", [DMN13, DMN12, DMN11])
def test_dmn_1_1_1_2_and_1_3_documents_are_read(namespace):
    decisions = read_decisions(parse(definitions(SEASONS, namespace=namespace)))
    assert decisions["dish"].evaluate({"season": "Spring", "guests": 6}).single_result() == {"dish": "Steak"}


@pytest.mark.parametrize(
    ("season", "guests", "dish"),
    [
        ("Fall", 8, "Spareribs"),
        ("Winter", 2, "Roastbeef"),
        ("Spring", 4, "Dry Aged Gourmet Steak"),
        ("Spring", 5, "Steak"),
        ("Winter", 9, "Stew"),
        ("Summer", 40, "Light Salad and a nice Steak"),
    ],
)
def test_a_unique_table_gives_the_one_matching_rule(season, guests, dish):
    result = decide(SEASONS, {"season": season, "guests": guests})
    assert result.result_list() == [{"dish": dish}]
    assert len(result.matched_rules) == 1


def test_no_matching_rule_gives_an_empty_result():
    assert decide(SEASONS, {"season": "Monsoon", "guests": 3}).result_list() == []


def test_a_unique_table_with_two_matching_rules_names_both():
    overlapping = table(
        "overlap",
        [("amount", "integer")],
        [("band", "string")],
        [(["< 10"], ['"low"']), (["< 20"], ['"mid"'])],
    )
    with pytest.raises(DecisionError, match=r"UNIQUE but 2 rules match: 'overlap_r1', 'overlap_r2'"):
        decide(overlapping, {"amount": 5})


def test_input_expressions_are_feel_and_entries_see_the_input_variable():
    doubled = table(
        "doubled",
        [("amount * 2", "integer")],
        [("big", "boolean")],
        [(["cellInput > 10"], ["true"]), (["<= 10"], ["false"])],
    )
    assert decide(doubled, {"amount": 6}).single_entry() is True


def test_camunda_input_variable_renames_the_input_in_entries():
    xml = table("renamed", [("amount", "integer")], [("big", "boolean")], [(["sum > 10"], ["true"])])
    xml = xml.replace('<input id="renamed_in1"', '<input id="renamed_in1" camunda:inputVariable="sum"')
    assert decide(xml, {"amount": 11}).single_entry() is True


def test_an_input_expression_may_follow_a_context_path():
    xml = table(
        "city", [("applicant.address.city", "string")], [("local", "boolean")], [(['"Almaty"'], ["true"])]
    )
    assert decide(xml, {"applicant": {"address": {"city": "Almaty"}}}).single_entry() is True


@pytest.mark.parametrize(
    ("type_ref", "value", "test"),
    [
        ("integer", "42", "42"),
        ("long", 2**40, "> 1000"),
        ("double", "2.5", "2.5"),
        ("boolean", "TRUE", "true"),
        ("string", 17, '"17"'),
        ("date", "2025-04-14T09:00:00", '< date and time("2025-04-15T00:00:00")'),
        ("date", datetime(2025, 4, 14, 9), '< date and time("2025-04-15T00:00:00")'),
    ],
)
def test_input_type_refs_convert_the_input_before_it_is_tested(type_ref, value, test):
    xml = table("typed", [("value", type_ref)], [("seen", "")], [([test], ["true"])])
    assert decide(xml, {"value": value}).single_entry() is True


def test_an_input_that_cannot_take_its_type_ref_names_the_input():
    xml = table("typed", [("value", "integer")], [("seen", "string")], [(["-"], ['"x"'])])
    with pytest.raises(DecisionError, match=r"input 'typed_in1' .*typeRef 'integer' but 'value' gave 'many'"):
        decide(xml, {"value": "many"})


def test_an_output_entry_is_converted_to_its_type_ref():
    xml = table(
        "out",
        [("x", "integer")],
        [("days", "integer"), ("rate", "double"), ("note", "string")],
        [(["-"], ['"5"', "1", "x"])],
    )
    assert decide(xml, {"x": 3}).single_result() == {"days": 5, "rate": 1.0, "note": "3"}


def test_an_output_that_cannot_take_its_type_ref_names_the_output_and_the_rule():
    xml = table("out", [("x", "string")], [("days", "integer")], [(["-"], ["x"])])
    with pytest.raises(
        DecisionError, match=r"output 'out_out1' \(days\) .*cannot take 'soon' \(rule 'out_r1'\)"
    ):
        decide(xml, {"x": "soon"})


def test_an_empty_output_entry_gives_null():
    xml = table("gaps", [("x", "integer")], [("a", "string"), ("b", "string")], [(["-"], ['"yes"', ""])])
    assert decide(xml, {"x": 1}).single_result() == {"a": "yes", "b": None}


def test_a_first_table_gives_the_first_matching_rule():
    xml = table(
        "first",
        [("x", "integer")],
        [("band", "string")],
        [(["< 10"], ['"low"']), (["< 20"], ['"mid"']), (["-"], ['"any"'])],
        hit_policy="FIRST",
    )
    result = decide(xml, {"x": 5})
    assert result.result_list() == [{"band": "low"}]
    assert result.matched_rules == ("first_r1",)


def test_an_any_table_accepts_matches_that_agree():
    xml = table(
        "any",
        [("x", "integer")],
        [("ok", "boolean")],
        [(["< 10"], ["true"]), (["< 20"], ["true"])],
        hit_policy="ANY",
    )
    assert decide(xml, {"x": 5}).result_list() == [{"ok": True}]


def test_an_any_table_refuses_matches_that_differ():
    xml = table(
        "any",
        [("x", "integer")],
        [("ok", "boolean")],
        [(["< 10"], ["true"]), (["< 20"], ["false"])],
        hit_policy="ANY",
    )
    with pytest.raises(DecisionError, match=r"ANY but the matching rules 'any_r1', 'any_r2' give different"):
        decide(xml, {"x": 5})


PRIORITIES = [("risk", "string", '"high","medium","low"')]
RISK_RULES = [(["> 0"], ['"low"']), (["> 10"], ['"high"']), (["> 5"], ['"medium"'])]


def test_a_priority_table_gives_the_match_with_the_highest_output_value():
    xml = table("prio", [("x", "integer")], PRIORITIES, RISK_RULES, hit_policy="PRIORITY")
    assert decide(xml, {"x": 7}).result_list() == [{"risk": "medium"}]


def test_an_output_order_table_sorts_matches_by_output_value():
    xml = table("order", [("x", "integer")], PRIORITIES, RISK_RULES, hit_policy="OUTPUT ORDER")
    assert decide(xml, {"x": 11}).collect_entries() == ["high", "medium", "low"]


def test_a_rule_order_table_gives_every_match_in_rule_order():
    xml = table("rules", [("x", "integer")], PRIORITIES, RISK_RULES, hit_policy="RULE ORDER")
    assert decide(xml, {"x": 11}).collect_entries() == ["low", "high", "medium"]


def test_a_collect_table_gives_every_match():
    xml = table(
        "collect",
        [("x", "integer")],
        [("check", "string")],
        [(["> 0"], ['"a"']), (["> 100"], ['"b"']), (["> 5"], ['"c"'])],
        hit_policy="COLLECT",
    )
    assert decide(xml, {"x": 6}).result_list() == [{"check": "a"}, {"check": "c"}]


@pytest.mark.parametrize(("aggregation", "expected"), [("SUM", 6), ("MIN", 1), ("MAX", 3), ("COUNT", 3)])
def test_a_collect_table_aggregates_its_single_output(aggregation, expected):
    xml = table(
        "points",
        [("x", "integer")],
        [("points", "integer")],
        [(["> 0"], ["1"]), (["> 0"], ["2"]), (["> 0"], ["3"]), (["> 0"], [""]), (["< 0"], ["100"])],
        hit_policy="COLLECT",
        table_attributes=f'aggregation="{aggregation}"',
    )
    result = decide(xml, {"x": 1})
    assert result.result_list() == [{"points": expected}]
    assert map_decision_result(result, "singleEntry") == expected


def test_an_aggregation_without_matches_gives_no_result_but_count_gives_zero():
    def points(aggregation):
        return table(
            "points",
            [("x", "integer")],
            [("points", "integer")],
            [(["> 0"], ["1"])],
            hit_policy="COLLECT",
            table_attributes=f'aggregation="{aggregation}"',
        )

    assert decide(points("SUM"), {"x": -1}).result_list() == []
    assert decide(points("COUNT"), {"x": -1}).result_list() == [{"points": 0}]


def test_a_sum_of_texts_is_an_error():
    xml = table(
        "words",
        [("x", "integer")],
        [("word", "string")],
        [(["-"], ['"a"'])],
        hit_policy="COLLECT",
        table_attributes='aggregation="SUM"',
    )
    with pytest.raises(DecisionError, match=r"SUM needs numbers but output 'word' gave \['a'\]"):
        decide(xml, {"x": 1})


TWO_OUTPUTS = table(
    "pair",
    [("x", "integer")],
    [("a", "integer"), ("b", "integer")],
    [(["> 0"], ["1", "2"]), (["> 5"], ["3", "4"])],
    hit_policy="RULE ORDER",
)
ONE_OUTPUT = table(
    "single",
    [("x", "integer")],
    [("a", "integer")],
    [(["> 0"], ["1"]), (["> 5"], ["3"])],
    hit_policy="RULE ORDER",
)


def test_result_mappings_give_what_camunda_gives():
    one_rule = decide(TWO_OUTPUTS, {"x": 1})
    assert map_decision_result(one_rule, "singleResult") == {"a": 1, "b": 2}
    assert map_decision_result(one_rule, "resultList") == [{"a": 1, "b": 2}]
    assert map_decision_result(one_rule, None) == [{"a": 1, "b": 2}]
    assert map_decision_result(decide(ONE_OUTPUT, {"x": 1}), "singleEntry") == 1
    assert map_decision_result(decide(ONE_OUTPUT, {"x": 9}), "collectEntries") == [1, 3]


@pytest.mark.parametrize("mode", ["singleEntry", "singleResult"])
def test_single_mappings_refuse_two_matched_rules(mode):
    with pytest.raises(DecisionResultError, match=r"it has 2 results \(rules 'single_r1', 'single_r2'\)"):
        map_decision_result(decide(ONE_OUTPUT, {"x": 9}), mode)


def test_single_entry_refuses_a_result_with_two_outputs():
    with pytest.raises(DecisionResultError, match=r"'singleEntry': its result has 2 entries \(a, b\)"):
        map_decision_result(decide(TWO_OUTPUTS, {"x": 1}), "singleEntry")


def test_collect_entries_refuses_two_outputs():
    with pytest.raises(DecisionResultError, match=r"'collectEntries': its results have 2 outputs \(a, b\)"):
        map_decision_result(decide(TWO_OUTPUTS, {"x": 9}), "collectEntries")


def test_an_unknown_mapping_is_refused():
    with pytest.raises(DecisionResultError, match=r"'singleValue' is not one of singleEntry"):
        map_decision_result(decide(ONE_OUTPUT, {"x": 1}), "singleValue")


def test_mappings_of_an_empty_result():
    empty = decide(ONE_OUTPUT, {"x": -1})
    assert map_decision_result(empty, "singleEntry") is None
    assert map_decision_result(empty, "singleResult") is None
    assert map_decision_result(empty, "collectEntries") == []
    assert map_decision_result(empty, "resultList") == []


LITERAL = (
    '<decision id="greeting" name="Greeting"><variable id="v" name="greeting" typeRef="string" />'
    '<literalExpression id="greeting_text"><text>"Hello, " + name</text></literalExpression></decision>'
)


def test_a_literal_expression_decision_gives_its_value_under_its_variable_name():
    assert decide(LITERAL, {"name": "Dana"}).single_result() == {"greeting": "Hello, Dana"}


def test_required_decisions_are_evaluated_first_and_their_outputs_become_variables():
    requirement = (
        '<informationRequirement id="req"><requiredDecision href="#base_fee" /></informationRequirement>'
    )
    base = table(
        "base_fee",
        [("kind", "string")],
        [("fee", "integer")],
        [(['"general"'], ["100"]), (['"one_time"'], ["40"])],
    )
    total = table(
        "total",
        [("copies", "integer")],
        [("total", "integer")],
        [(["> 0"], ["fee * copies"])],
        extra=requirement,
    )
    result = decide(base + total, {"kind": "one_time", "copies": 3}, decision_id="total")
    assert result.single_entry() == 120


def test_a_required_decision_that_is_missing_is_refused():
    requirement = (
        '<informationRequirement id="req"><requiredDecision href="#nowhere" /></informationRequirement>'
    )
    with pytest.raises(
        DecisionError, match=r"decision 'total' requires decision 'nowhere', which is not defined"
    ):
        read_decisions(
            parse(definitions(table("total", [], [("t", "integer")], [([], ["1"])], extra=requirement)))
        )


def test_decisions_that_require_each_other_are_refused():
    def requiring(decision_id, other):
        extra = (
            f'<informationRequirement id="r_{decision_id}">'
            f'<requiredDecision href="#{other}" /></informationRequirement>'
        )
        return table(decision_id, [], [("t", "integer")], [([], ["1"])], extra=extra)

    with pytest.raises(DecisionError, match=r"requires itself through a -> b -> a"):
        read_decisions(parse(definitions(requiring("a", "b"), requiring("b", "a"))))


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ('<decision id="ctx"><context id="c" /></decision>', r"decision 'ctx' uses <context>"),
        (
            '<decision id="bkm"><knowledgeRequirement id="k">'
            '<requiredKnowledge href="#f" /></knowledgeRequirement>'
            '<decisionTable id="t" /></decision>',
            r"decision 'bkm' has a knowledge requirement",
        ),
        ('<decision id="empty" />', r"decision 'empty' has no decision logic"),
        (
            table("juel", [("x", "integer")], [("y", "integer")], [(["-"], ["1"])]).replace(
                'id="juel_ie1"', 'id="juel_ie1" expressionLanguage="juel"'
            ),
            r"decision 'juel' input 'juel_in1' is written in 'juel'; licflow evaluates FEEL only",
        ),
        (
            table("policy", [("x", "integer")], [("y", "integer")], [(["-"], ["1"])], hit_policy="SOMETIMES"),
            r"decision 'policy' has hit policy 'SOMETIMES'",
        ),
        (
            table(
                "agg",
                [("x", "integer")],
                [("y", "integer")],
                [(["-"], ["1"])],
                hit_policy="FIRST",
                table_attributes='aggregation="SUM"',
            ),
            r"aggregation SUM needs hit policy COLLECT",
        ),
        (
            table(
                "agg2",
                [("x", "integer")],
                [("y", "integer"), ("z", "integer")],
                [(["-"], ["1", "2"])],
                hit_policy="COLLECT",
                table_attributes='aggregation="MAX"',
            ),
            r"MAX needs exactly one output, not 2",
        ),
        (
            table("prio", [("x", "integer")], [("y", "integer")], [(["-"], ["1"])], hit_policy="PRIORITY"),
            r"PRIORITY needs outputValues on an output",
        ),
        (
            table("short", [("x", "integer"), ("y", "integer")], [("z", "integer")], [(["-"], ["1"])]),
            r"rule 'short_r1' has 1 input and 1 output entries; the table has 2 inputs and 1 outputs",
        ),
        (
            table("nameless", [("x", "integer")], [("", "integer")], [(["-"], ["1"])]),
            r"output 'nameless_out1' has no name",
        ),
        (
            table("twice", [("x", "integer")], [("y", "integer"), ("y", "integer")], [(["-"], ["1", "2"])]),
            r"two outputs with the same name",
        ),
        (
            table("typo", [("x", "integer")], [("y", "integer")], [(["< 1 +"], ["1"])]),
            r"decision 'typo' rule 'typo_r1' input entry for 'typo_in1': "
            r"FEEL syntax error at position 5 in '< 1 \+'",
        ),
        (
            table("badout", [("x", "integer")], [("y", "integer")], [(["-"], ["1 +* 2"])]),
            r"decision 'badout' rule 'badout_r1' output entry for 'badout_out1': "
            r"FEEL syntax error at position 3",
        ),
    ],
)
def test_what_is_not_supported_is_refused_naming_the_decision_and_element(xml, message):
    with pytest.raises(DecisionError, match=message):
        read_decisions(parse(definitions(xml)))


def test_a_document_that_is_not_dmn_is_refused():
    with pytest.raises(DecisionError, match=r"is not DMN <definitions>"):
        read_decisions(parse('<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" />'))


def test_an_unknown_variable_names_the_decision_input_and_variable():
    with pytest.raises(
        DecisionError, match=r"decision 'dish' input 'dish_in1' \(Input 1\): unknown variable 'season'"
    ):
        decide(SEASONS, {"guests": 3})


def test_an_unknown_variable_in_an_entry_names_the_rule():
    xml = table("limits", [("x", "integer")], [("y", "integer")], [(["< limit"], ["1"])])
    with pytest.raises(DecisionError, match=r"decision 'limits' rule 'limits_r1': unknown variable 'limit'"):
        decide(xml, {"x": 1})


def test_a_decision_survives_a_json_round_trip():
    requirement = (
        '<informationRequirement id="req"><requiredDecision href="#dish" /></informationRequirement>'
    )
    wine = table(
        "wine",
        [("dish", "string")],
        [("wine", "string")],
        [(['"Stew"'], ['"Rioja"']), (["-"], ['"water"'])],
        hit_policy="FIRST",
        extra=requirement,
    )
    decision = read_decisions(parse(definitions(SEASONS, wine)))["wine"]
    restored = Decision.from_dict(json.loads(json.dumps(decision.to_dict())))
    variables = {"season": "Winter", "guests": 12}
    assert restored.evaluate(variables) == decision.evaluate(variables)
    assert restored.evaluate(variables).single_entry() == "Rioja"
