"""JUEL expressions evaluate as Camunda 7 evaluates them, and fail with errors an analyst can act on."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from engine.dialect.juel import (
    ContextObject,
    ExpressionEvaluationError,
    ExpressionSyntaxError,
    Scope,
    UnknownFunction,
    UnknownVariable,
    compile_expression,
    execution_context,
    task_context,
)

CASE = {
    "amount": 250,
    "rate": 1.5,
    "approved": True,
    "rejected": False,
    "kind": "export",
    "name": "Aigerim",
    "count_text": "12",
    "nothing": None,
    "items": ["steel", "copper"],
    "no_items": [],
    "order": {"amount": 5, "lines": [{"code": "7208"}], "meta": {}},
    "registered_on": "2025-03-26",
}


def evaluate(text: str, variables: dict | None = None, **scope):
    variables = CASE if variables is None else variables
    return compile_expression(text).evaluate(Scope(variables=variables, **scope))


# The three shapes of text


def test_a_single_expression_keeps_the_type_of_its_value():
    assert evaluate("${amount}") == 250
    assert evaluate("${items}") == ["steel", "copper"]
    assert evaluate("#{approved}") is True


def test_composite_text_joins_literal_parts_and_values_as_text():
    assert evaluate("Dear ${name}, your ${kind} case (${amount}) is ${approved}.") == (
        "Dear Aigerim, your export case (250) is true."
    )


def test_composite_text_shows_null_as_nothing_and_floats_as_java_does():
    assert evaluate("[${nothing}] ${rate} ${amount / 1} ${1e10} ${0.0001}") == "[] 1.5 250.0 1.0E10 1.0E-4"


def test_plain_text_is_a_literal_string():
    expression = compile_expression("PT10M")

    assert expression.is_literal
    assert expression.evaluate() == "PT10M"
    assert expression.variable_names == frozenset()


def test_an_empty_text_is_the_empty_string():
    assert compile_expression("").evaluate() == ""


def test_a_backslash_before_a_dollar_brace_makes_it_literal_text():
    assert evaluate(r"costs \${amount} or ${amount}") == "costs ${amount} or 250"
    assert compile_expression(r"\#{x}").evaluate() == "#{x}"


def test_dollar_and_hash_signs_without_a_brace_are_text():
    assert evaluate("$5 and #1 for ${name}") == "$5 and #1 for Aigerim"


def test_an_expression_knows_its_source_and_the_variables_it_reads():
    expression = compile_expression("${amount > limit(kind) && execution.getVariable('x') == order.amount}")

    assert expression.source == "${amount > limit(kind) && execution.getVariable('x') == order.amount}"
    assert not expression.is_literal
    assert expression.variable_names == {"amount", "kind", "order"}


def test_compiled_expressions_are_cached_by_their_text():
    assert compile_expression("${amount + 1}") is compile_expression("${amount + 1}")


# Literals


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("${42}", 42),
        ("${1.5}", 1.5),
        ("${1.}", 1.0),
        ("${.5}", 0.5),
        ("${1e3}", 1000.0),
        ("${2E-2}", 0.02),
        ("${'single'}", "single"),
        ('${"double"}', "double"),
        (r"${'it\'s'}", "it's"),
        (r'${"say \"hi\""}', 'say "hi"'),
        (r"${'back\\slash'}", "back\\slash"),
        ("${'a \"quoted\" word'}", 'a "quoted" word'),
        ("${'}'}", "}"),
        ("${true}", True),
        ("${false}", False),
        ("${null}", None),
    ],
)
def test_literals_read_as_in_java(text, value):
    assert evaluate(text) == value


# Property paths


def test_property_paths_read_maps_and_lists():
    assert evaluate("${order.amount}") == 5
    assert evaluate("${order['amount']}") == 5
    assert evaluate('${order["lines"][0].code}') == "7208"
    assert evaluate("${items[1]}") == "copper"
    assert evaluate("${items['0']}") == "steel"


def test_a_missing_map_entry_or_list_item_is_null():
    assert evaluate("${order.missing}") is None
    assert evaluate("${order.meta.deeper}") is None
    assert evaluate("${items[2]}") is None
    assert evaluate("${items[-1]}") is None


def test_a_property_of_null_is_null():
    assert evaluate("${nothing.anything}") is None
    assert evaluate("${order.missing.deeper}") is None


# Arithmetic


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("${amount + 1}", 251),
        ("${amount - 300}", -50),
        ("${amount * 2}", 500),
        ("${amount / 2}", 125.0),
        ("${7 div 2}", 3.5),
        ("${7 % 3}", 1),
        ("${7 mod 3}", 1),
        ("${-7 % 3}", -1),
        ("${7 % -3}", 1),
        ("${7.5 % 2}", 1.5),
        ("${rate * 2}", 3.0),
        ("${count_text + 1}", 13),
        ("${'1.5' + 1}", 2.5),
        ("${nothing + 1}", 1),
        ("${null + null}", 0),
        ("${'' + 2}", 2),
        ("${-amount}", -250),
        ("${-'3'}", -3),
        ("${- -2}", 2),
        ("${1 + 2 * 3 - 4 / 2}", 5.0),
        ("${(1 + 2) * 3}", 9),
    ],
)
def test_arithmetic_follows_juel_coercions(text, value):
    result = evaluate(text)

    assert result == value
    assert type(result) is type(value)


def test_division_by_zero_gives_infinity_or_nan_as_java_doubles_do():
    assert evaluate("${1 / 0}") == math.inf
    assert evaluate("${-1 / 0}") == -math.inf
    assert math.isnan(evaluate("${0 / 0}"))


def test_integer_remainder_by_zero_is_an_error():
    with pytest.raises(ExpressionEvaluationError, match="/ by zero"):
        evaluate("${amount % 0}")


def test_plus_does_not_join_strings():
    with pytest.raises(ExpressionEvaluationError) as raised:
        evaluate("${kind + 'x'}")

    assert "cannot apply '+' to string 'export' and string 'x'" in str(raised.value)
    assert "write the parts side by side" in str(raised.value)


def test_a_boolean_is_not_a_number():
    with pytest.raises(ExpressionEvaluationError, match="cannot use boolean true as a number"):
        evaluate("${approved + 1}")


def test_decimals_stay_decimal():
    assert evaluate("${price * 2}", {"price": Decimal("10.25")}) == Decimal("20.50")
    assert evaluate("${price / 4}", {"price": Decimal("10")}) == Decimal("2.5")


# Comparisons and logic


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("${amount > 100}", True),
        ("${amount gt 300}", False),
        ("${amount >= 250 and amount le 250}", True),
        ("${amount lt 250 or amount ge 251}", False),
        ("${amount == 250}", True),
        ("${amount eq 250.0}", True),
        ("${amount != 250}", False),
        ("${amount ne 1}", True),
        ("${count_text == 12}", True),
        ("${count_text > 9}", True),
        ("${count_text > '9'}", False),
        ("${kind == 'export'}", True),
        ('${kind eq "import"}', False),
        ("${approved == 'true'}", True),
        ("${'b' > 'a'}", True),
        ("${nothing == null}", True),
        ("${nothing == 0}", False),
        ("${nothing < 1}", False),
        ("${items == items}", True),
        ("${approved && !rejected}", True),
        ("${approved and not rejected}", True),
        ("${rejected || approved}", True),
        ("${'TRUE' && approved}", True),
        ("${nothing || rejected}", False),
        ("${!nothing}", True),
    ],
)
def test_comparisons_and_logic_follow_juel_coercions(text, value):
    assert evaluate(text) is value


def test_and_and_or_short_circuit():
    assert evaluate("${rejected && missing}") is False
    assert evaluate("${approved || missing}") is True
    assert evaluate("${approved ? 'yes' : missing}") == "yes"


def test_comparing_a_number_with_text_that_is_no_number_names_both_types():
    with pytest.raises(ExpressionEvaluationError) as raised:
        evaluate("${amount == kind}")

    assert "cannot compare integer 250 == string 'export'" in str(raised.value)
    assert "'${amount == kind}'" in str(raised.value)


def test_comparing_a_list_with_a_number_is_an_error():
    with pytest.raises(ExpressionEvaluationError, match="cannot compare list"):
        evaluate("${items < 3}")


def test_dates_compare_with_each_other():
    assert evaluate("${first < second}", {"first": date(2025, 1, 1), "second": date(2025, 2, 1)}) is True


def test_a_number_used_as_a_condition_is_an_error():
    with pytest.raises(ExpressionEvaluationError, match="cannot use integer 250 as a boolean"):
        evaluate("${amount && approved}")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("${empty nothing}", True),
        ("${empty ''}", True),
        ("${empty no_items}", True),
        ("${empty order.meta}", True),
        ("${empty items}", False),
        ("${empty kind}", False),
        ("${empty amount}", False),
        ("${not empty items}", True),
    ],
)
def test_empty_is_true_for_null_and_empty_text_lists_and_maps(text, value):
    assert evaluate(text) is value


def test_the_ternary_operator_picks_a_branch_and_nests_to_the_right():
    assert evaluate("${amount > 100 ? 'big' : 'small'}") == "big"
    assert evaluate("${amount > 300 ? 'huge' : amount > 100 ? 'big' : 'small'}") == "big"


def test_operators_bind_as_in_juel():
    assert evaluate("${1 + 2 * 3 == 7 && !false || false}") is True
    assert evaluate("${-2 * -3}") == 6
    assert evaluate("${not true == false}") is True


# Methods


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("${kind.length()}", 6),
        ("${kind.isEmpty()}", False),
        ("${kind.contains('port')}", True),
        ("${kind.equals('export')}", True),
        ("${kind.equalsIgnoreCase('EXPORT')}", True),
        ("${kind.startsWith('ex')}", True),
        ("${kind.endsWith('rt')}", True),
        ("${kind.toUpperCase()}", "EXPORT"),
        ("${'  x  '.trim()}", "x"),
        ("${kind.substring(1, 3)}", "xp"),
        ("${kind.indexOf('p')}", 2),
        ("${items.size()}", 2),
        ("${no_items.isEmpty()}", True),
        ("${items.contains('steel')}", True),
        ("${items.get(0)}", "steel"),
        ("${order.get('amount')}", 5),
        ("${order.containsKey('lines')}", True),
        ("${order.size()}", 3),
        ("${amount.toString()}", "250"),
        ("${amount.equals(250)}", True),
        ("${amount.equals(250.0)}", False),
        ("${kind['length']()}", 6),
    ],
)
def test_whitelisted_java_methods_behave_as_in_java(text, value):
    assert evaluate(text) == value


def test_a_method_outside_the_whitelist_is_refused_and_the_allowed_ones_are_named():
    with pytest.raises(ExpressionEvaluationError) as raised:
        evaluate("${kind.replaceAll('x', 'y')}")

    assert "string has no method 'replaceAll'" in str(raised.value)
    assert "toUpperCase()" in str(raised.value)


def test_a_method_called_with_the_wrong_number_of_arguments_is_refused():
    with pytest.raises(ExpressionEvaluationError, match=r"contains\(\) takes 1 argument"):
        evaluate("${kind.contains()}")


def test_list_get_out_of_range_is_an_error_as_in_java():
    with pytest.raises(ExpressionEvaluationError, match="index 5 is out of range"):
        evaluate("${items.get(5)}")


def test_reading_a_property_of_a_string_suggests_the_method():
    with pytest.raises(ExpressionEvaluationError, match=r"property 'length' of string 'export'; call size"):
        evaluate("${kind.length}")


# Functions


def test_registered_functions_are_called_with_the_evaluated_arguments():
    def statutory_due_iso(registered_on, days):
        return f"{registered_on}+{days}"

    functions = {"statutory_due_iso": statutory_due_iso, "fn:upper": str.upper}

    assert evaluate("${statutory_due_iso(registered_on, 5)}", functions=functions) == "2025-03-26+5"
    assert evaluate("${fn:upper(kind)}", functions=functions) == "EXPORT"


def test_an_unknown_function_names_the_registered_ones():
    with pytest.raises(UnknownFunction) as raised:
        evaluate("${missing_fn(1)}", functions={"today": lambda: "2025-03-26"})

    assert raised.value.function == "missing_fn"
    assert "registered functions: today" in str(raised.value)


def test_a_failing_function_is_reported_with_the_expression():
    def refuse(day):
        raise ValueError(f"not a date: {day}")

    with pytest.raises(ExpressionEvaluationError) as raised:
        evaluate("${due(kind)}", functions={"due": refuse})

    assert "due() failed: ValueError: not a date: export" in str(raised.value)
    assert "'${due(kind)}'" in str(raised.value)


# The execution and the task


def test_the_execution_offers_its_variables_ids_and_business_key():
    variables = {"amount": 250}
    execution = execution_context(variables, process_instance_id="pi-1", business_key="LIC-7")
    scope = Scope(variables=variables, execution=execution)

    assert compile_expression("${execution.getVariable('amount')}").evaluate(scope) == 250
    assert compile_expression("${execution.getVariable('missing')}").evaluate(scope) is None
    assert compile_expression("${execution.businessKey}").evaluate(scope) == "LIC-7"
    assert compile_expression("${execution.getBusinessKey()}").evaluate(scope) == "LIC-7"
    assert compile_expression("${execution.getProcessInstanceId()}").evaluate(scope) == "pi-1"


def test_the_execution_can_set_a_variable():
    variables = {}
    scope = Scope(variables=variables, execution=execution_context(variables, process_instance_id="pi-1"))

    compile_expression("${execution.setVariable('decided', true)}").evaluate(scope)

    assert variables == {"decided": True}


def test_the_task_offers_its_id_name_and_assignee():
    task = task_context(task_id="t-1", name="Review the application", assignee="officer1")
    scope = Scope(task=task)

    assert compile_expression("${task.assignee}").evaluate(scope) == "officer1"
    assert compile_expression("${task.id}-${task.name}").evaluate(scope) == "t-1-Review the application"


def test_a_context_object_refuses_what_it_does_not_declare():
    scope = Scope(execution=execution_context({}, process_instance_id="pi-1"))

    with pytest.raises(ExpressionEvaluationError, match="the execution has no method 'getProcessEngine'"):
        compile_expression("${execution.getProcessEngine()}").evaluate(scope)
    with pytest.raises(ExpressionEvaluationError, match="the execution has no property 'engine'"):
        compile_expression("${execution.engine}").evaluate(scope)


def test_a_custom_context_object_exposes_only_its_declarations():
    clerk = ContextObject("clerk", methods={"greet": lambda who: f"hi {who}"}, properties={"desk": lambda: 4})
    greeting = compile_expression("${execution.greet('you')} at ${execution.desk}")

    assert greeting.evaluate(Scope(execution=clerk)) == "hi you at 4"


def test_without_an_execution_the_name_is_an_ordinary_variable():
    with pytest.raises(UnknownVariable):
        compile_expression("${execution.id}").evaluate(Scope())


# Errors


def test_an_unknown_variable_is_reported_as_camunda_does():
    with pytest.raises(UnknownVariable) as raised:
        evaluate("${amount > limit}")

    assert raised.value.variable == "limit"
    assert raised.value.source == "${amount > limit}"
    assert str(raised.value) == (
        "Unknown property used in expression '${amount > limit}'. Cause: Cannot resolve identifier 'limit'"
    )


def test_an_unknown_variable_is_an_evaluation_error_and_a_value_error():
    assert issubclass(UnknownVariable, ExpressionEvaluationError)
    assert issubclass(ExpressionEvaluationError, ValueError)
    assert issubclass(ExpressionSyntaxError, ValueError)


def test_evaluate_takes_a_plain_mapping_of_variables():
    assert compile_expression("${a + b}").evaluate({"a": 1, "b": 2}) == 3


@pytest.mark.parametrize(
    ("text", "line", "column", "problem"),
    [
        ("${amount >}", 1, 11, "unexpected '}'; expected a value"),
        ("${amount > 1", 1, 13, "the expression ends too early"),
        ("${}", 1, 3, "unexpected '}'"),
        ("${(1}", 1, 5, "unexpected '}'; expected ')'"),
        ("${a ? b}", 1, 8, "expected ':'"),
        ("${'open}", 1, 3, "unterminated string"),
        (r"${'a\n'}", 1, 3, r"invalid escape sequence \n"),
        ("${a = b}", 1, 5, "unexpected '='"),
        ("${a orb}", 1, 5, "unexpected 'orb'"),
        ("${and}", 1, 3, "'and' is a reserved word"),
        ("${x instanceof y}", 1, 5, "unexpected 'instanceof'"),
        ("${99999999999999999999}", 1, 3, "does not fit in 64 bits"),
        ("line one\n${a +\n}", 3, 1, "expected a value"),
        ("${x} and #{y}", 1, 10, "cannot mix ${...} and #{...}"),
    ],
)
def test_syntax_errors_name_the_text_the_position_and_the_problem(text, line, column, problem):
    with pytest.raises(ExpressionSyntaxError) as raised:
        compile_expression(text)

    assert (raised.value.line, raised.value.column) == (line, column)
    assert problem in raised.value.problem
    where = f"at line {line}, column {column}:"
    assert str(raised.value).startswith(f"Syntax error in expression {text!r} {where}")


def test_keywords_inside_names_do_not_split_them():
    variables = {"order": 1, "notes": "n", "android": 2, "empty_box": 3, "divisor": 4, "nullable": None}

    assert evaluate("${order + android + empty_box + divisor}", variables) == 10
    assert evaluate("${notes}${nullable}", variables) == "n"


def test_whitespace_and_newlines_inside_an_expression_are_ignored():
    assert evaluate("${ amount\n  >\t100 }") is True


def test_aware_date_times_compare_as_instants():
    later_but_earlier_on_the_clock = datetime(2025, 3, 26, 9, 0, tzinfo=timezone(timedelta(hours=2)))
    earlier = datetime(2025, 3, 26, 10, 0, tzinfo=timezone(timedelta(hours=5)))

    assert evaluate("${a > b}", {"a": later_but_earlier_on_the_clock, "b": earlier}) is True


def test_odd_numbers_from_variables_fail_with_a_clear_error():
    odd = {"huge": 10**400, "not_a_number": Decimal("NaN"), "items": [1]}

    with pytest.raises(ExpressionEvaluationError, match="too large for a double"):
        evaluate("${huge / 2}", odd)
    with pytest.raises(ExpressionEvaluationError, match="cannot compare decimal number"):
        evaluate("${not_a_number < 1}", odd)
    with pytest.raises(ExpressionEvaluationError, match="a list index must be a number"):
        evaluate("${items[0 / 0]}", odd)


def test_a_string_literal_may_hold_what_looks_like_an_expression():
    assert compile_expression("${'${x}'} and }").evaluate() == "${x} and }"
