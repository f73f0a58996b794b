"""FEEL expressions and unary tests evaluate as Camunda 7's FEEL engine does, without Python's eval."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.dialect.feel import (
    FeelEvaluationError,
    FeelSyntaxError,
    compile_expression,
    compile_unary_tests,
)
from engine.dialect.feel.values import YearsMonthsDuration

VARIABLES = {
    "amount": 250,
    "price": 12.5,
    "name": "Aigerim",
    "kind": "general",
    "missing_value": None,
    "applicant": {"address": {"city": "Almaty"}, "age": 34},
    "items": [{"code": "a"}, {"code": "b"}],
    "sections": ["2.17", "2.19"],
    "ready": True,
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 / 4", 2.5),
        ("10 / 5", 2),
        ("2 ** 10", 1024),
        ("-amount + 1", -249),
        ("0.1 + 0.2 = 0.3", True),
        ("price * 2", 25),
        ('"lic" + "flow"', "licflow"),
        ('amount > 100 and kind = "general"', True),
        ("amount < 100 or ready", True),
        ("not(ready)", False),
        ('if amount > 1000 then "big" else "small"', "small"),
        ("applicant.address.city", "Almaty"),
        ("applicant.phone", None),
        ("items.code", ["a", "b"]),
        ("[1, 2, amount]", [1, 2, 250]),
        ("`name`", "Aigerim"),
        ('date("2025-01-31") + duration("P1M")', date(2025, 2, 28)),
        ('date("2025-03-01") - date("2025-02-01")', timedelta(days=28)),
        ('date and time("2025-01-01T10:00:00") + duration("PT2H")', datetime(2025, 1, 1, 12)),
        (
            'date and time("2025-01-01T10:00:00+05:00")',
            datetime(2025, 1, 1, 10, tzinfo=timezone(timedelta(hours=5))),
        ),
        ('time("10:15:00") < time("11:00:00")', True),
        ('duration("P1Y2M")', YearsMonthsDuration(14)),
        ('duration("P1DT2H30M")', timedelta(days=1, hours=2, minutes=30)),
        ("string(1.50)", "1.5"),
        ("string(true)", "true"),
        ('number("12.50")', 12.5),
        ("upper case(name)", "AIGERIM"),
        ("lower case(name)", "aigerim"),
        ("string length(name)", 7),
        ('contains(name, "ger")', True),
        ('starts with(name, "Ai")', True),
        ("count(sections)", 2),
        ("sum([1, 2, 3.5])", 6.5),
        ("sum(1, 2)", 3),
        ("min([3, 1, 2])", 1),
        ("max(3, 1, 2)", 3),
        ('max("b", "a")', "b"),
    ],
)
def test_an_expression_gives_its_feel_value(text, expected):
    assert compile_expression(text).evaluate(VARIABLES) == expected


@pytest.mark.parametrize(
    "text",
    [
        "null < 1",
        "missing_value > 3",
        '1 = "1"',
        '1 < "2"',
        "missing_value + 1",
        '"a" - 1',
        "1 / 0",
        "true and null",
        "not(null)",
        "upper case(1)",
        'number("twelve")',
        "sum([])",
        'max(1, "a")',
    ],
)
def test_null_and_mismatched_kinds_give_null(text):
    assert compile_expression(text).evaluate(VARIABLES) is None


def test_null_equals_only_null():
    assert compile_expression("missing_value = null").evaluate(VARIABLES) is True
    assert compile_expression("amount = null").evaluate(VARIABLES) is False


def test_false_wins_a_conjunction_with_null_and_true_a_disjunction():
    assert compile_expression("false and null").evaluate({}) is False
    assert compile_expression("true or null").evaluate({}) is True
    assert compile_expression("false or null").evaluate({}) is None


def test_an_if_with_a_null_condition_takes_the_else_branch():
    assert compile_expression('if missing_value then "yes" else "no"').evaluate(VARIABLES) == "no"


def test_numbers_are_decimals_and_come_back_as_int_or_float():
    assert compile_expression("1 / 3").evaluate_feel({}) == Decimal("0." + "3" * 34)  # decimal128
    assert compile_expression("2.50 * 2").evaluate({}) == 5
    assert isinstance(compile_expression("2.50 * 2").evaluate({}), int)


def test_an_unknown_variable_is_an_error_naming_it_and_the_expression():
    with pytest.raises(FeelEvaluationError, match=r"unknown variable 'ammount' in FEEL 'ammount \+ 1'"):
        compile_expression("ammount + 1").evaluate(VARIABLES)


@pytest.mark.parametrize(
    ("text", "position"),
    [("1 +", 3), ("amount >> 3", 8), ('"unterminated', 0), ("a b", 2), ("[1, 2", 5)],
)
def test_a_syntax_error_names_the_text_and_the_position(text, position):
    with pytest.raises(FeelSyntaxError) as raised:
        compile_expression(text)
    assert raised.value.position == position
    assert repr(text) in str(raised.value)
    assert f"position {position}" in str(raised.value)


def test_an_unknown_function_is_refused_when_compiled():
    with pytest.raises(FeelSyntaxError, match=r"function 'eval' is unknown"):
        compile_expression('eval("1")')


def test_a_function_with_the_wrong_number_of_arguments_is_refused():
    with pytest.raises(FeelSyntaxError, match=r"'upper case' takes 1 argument"):
        compile_expression('upper case("a", "b")')


def test_a_malformed_date_literal_is_refused_when_compiled():
    with pytest.raises(FeelSyntaxError, match=r"'2025-13-01' is not a date"):
        compile_expression('date("2025-13-01")')


def test_a_malformed_date_from_a_variable_fails_when_evaluated():
    with pytest.raises(FeelEvaluationError, match=r"'soon' is not a date"):
        compile_expression("date(when)").evaluate({"when": "soon"})


def test_the_input_marker_is_refused_outside_input_entries():
    with pytest.raises(FeelSyntaxError, match=r"'\?'"):
        compile_expression("? + 1")


def test_compiled_texts_are_cached():
    assert compile_expression("amount + 1") is compile_expression("amount + 1")
    assert compile_unary_tests("< 10") is compile_unary_tests("< 10")


@pytest.mark.parametrize(
    ("text", "value", "matches"),
    [
        ("", "anything", True),
        ("-", None, True),
        ("< 100", 99, True),
        ("< 100", 100, False),
        ("<= 100", 100, True),
        ("> amount", 251, True),
        (">= amount", 249, False),
        ('> date("2025-01-01")', date(2025, 1, 2), True),
        ('< date and time("2025-01-01T00:00:00")', datetime(2024, 12, 31, 23), True),
        ('>= time("09:00:00")', time(8, 59), False),
        ('<= duration("P2D")', timedelta(days=1), True),
        ("[1..10]", 10, True),
        ("[1..10[", 10, False),
        ("]1..10]", 1, False),
        ("(1..10)", 5, True),
        ("[amount..1000]", 250, True),
        ('["a".."c"]', "b", True),
        ('"general"', "general", True),
        ('"general"', "exclusive", False),
        ('"one_time","general"', "general", True),
        ("1, 2, [5..10]", 7, True),
        ("1, 2, [5..10]", 3, False),
        ('not("one_time", "general")', "exclusive", True),
        ('not("one_time", "general")', "general", False),
        ("not(< 10)", 20, True),
        ("42", 42, True),
        ("42", 42.0, True),
        ("42", "42", False),
        ("1", True, False),
        ("true", True, True),
        ("true", "true", False),
        ("null", None, True),
        ("kind", "general", True),
        ("sections", "2.19", True),
        ("sections", "2.20", False),
        ("? > 5", 6, True),
        ("cellInput > 5 and cellInput < 10", 7, True),
        ('starts with(?, "2.")', "2.17", True),
        ("not(?) ", False, True),
    ],
)
def test_a_unary_test_matches_as_feel_says(text, value, matches):
    assert compile_unary_tests(text).matches(value, VARIABLES) is matches


@pytest.mark.parametrize("text", ["< 10", "[1..10]", "> amount", '"a"', "42", "not(< 10)"])
def test_a_null_input_matches_no_comparison(text):
    assert compile_unary_tests(text).matches(None, VARIABLES) is False


def test_not_of_values_matches_a_null_input():
    assert compile_unary_tests('not("a", "b")').matches(None, {}) is True


def test_a_comparison_with_a_different_kind_does_not_match():
    assert compile_unary_tests("< 10").matches("5", {}) is False


def test_the_input_variable_can_be_renamed():
    tests = compile_unary_tests("amount_in >= 1000", input_variable="amount_in")
    assert tests.matches(1200, {})
    assert not tests.matches(10, {})


def test_an_unknown_variable_in_a_unary_test_is_an_error_naming_it():
    with pytest.raises(FeelEvaluationError, match=r"unknown variable 'limit'"):
        compile_unary_tests("< limit").matches(3, {})


def test_a_unary_test_syntax_error_names_the_position():
    with pytest.raises(FeelSyntaxError, match=r"position 4 in '\[1\.\.'"):
        compile_unary_tests("[1..")


@settings(max_examples=200, deadline=None)
@given(
    low=st.integers(-50, 50),
    high=st.integers(-50, 50),
    value=st.integers(-60, 60),
    opening=st.sampled_from(["[", "(", "]"]),
    closing=st.sampled_from(["]", ")", "["]),
)
def test_an_interval_matches_as_its_brackets_say(low, high, value, opening, closing):
    above = value >= low if opening == "[" else value > low
    below = value <= high if closing == "]" else value < high
    tests = compile_unary_tests(f"{opening}{low}..{high}{closing}")
    assert tests.matches(value, {}) is (above and below)


@settings(max_examples=200, deadline=None)
@given(left=st.decimals(-(10**6), 10**6, places=3), right=st.decimals(-(10**6), 10**6, places=3))
def test_arithmetic_is_decimal(left, right):
    variables = {"a": left, "b": right}
    assert compile_expression("a + b").evaluate_feel(variables) == left + right
    assert compile_expression("a - b").evaluate_feel(variables) == left - right
    assert compile_expression("a * b").evaluate_feel(variables) == left * right
