"""Hostile expressions are refused, at compile time or with a clear error, quickly and with no effect."""

from __future__ import annotations

import os
import subprocess
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.dialect.juel import (
    MAX_TEXT,
    ExpressionError,
    ExpressionEvaluationError,
    ExpressionSyntaxError,
    Scope,
    UnknownFunction,
    UnknownVariable,
    compile_expression,
    execution_context,
)

QUICKLY = 2.0  # seconds; a refused payload never waits, loops or builds anything big


@pytest.fixture
def sentinel(tmp_path):
    return tmp_path / "escaped"


@pytest.fixture(autouse=True)
def no_process_is_started(monkeypatch):
    """Fail loudly if anything reaches os.system, os.popen or subprocess."""
    started = []
    monkeypatch.setattr(os, "system", lambda *args: started.append(args))
    monkeypatch.setattr(os, "popen", lambda *args, **kwargs: started.append(args))
    monkeypatch.setattr(subprocess, "Popen", lambda *args, **kwargs: started.append(args))
    yield
    assert started == []


@pytest.fixture
def scope():
    variables = {"x": {"a": 1}, "s": "text", "items": ["a", "b"], "n": 7}
    return Scope(
        variables=variables,
        functions={"today": lambda: "2025-03-26"},
        execution=execution_context(variables, process_instance_id="pi-1"),
    )


# Each payload would touch SENTINEL (a file in the test's own folder) if any of it ran.
PAYLOADS = [
    ("${''.__class__.__mro__}", ExpressionSyntaxError),
    ("${x.__class__}", ExpressionSyntaxError),
    ("${__import__('os').system('touch SENTINEL')}", ExpressionSyntaxError),
    ("${execution.__dict__}", ExpressionSyntaxError),
    ("${execution.getVariable('x').__class__.__subclasses__()}", ExpressionSyntaxError),
    ("${x.__getattribute__('a')}", ExpressionSyntaxError),
    ("${fn:__import__('os').system('touch SENTINEL')}", ExpressionSyntaxError),
    ("${_private}", ExpressionSyntaxError),
    ("${__builtins__}", ExpressionSyntaxError),
    (r"${'\u005f_class__'}", ExpressionSyntaxError),
    ("${getattr(x, '__class__')}", UnknownFunction),
    ("${exec(\"open('SENTINEL', 'w')\")}", UnknownFunction),
    ("${eval(\"open('SENTINEL', 'w')\")}", UnknownFunction),
    ("${open('SENTINEL', 'w')}", UnknownFunction),
    ("${globals()}", UnknownFunction),
    ("${'{0.__class__}'.format(x)}", ExpressionEvaluationError),
    ("${s.format(x)}", ExpressionEvaluationError),
    ("${x.system('touch SENTINEL')}", ExpressionEvaluationError),
    ("${''.join(items)}", ExpressionEvaluationError),
    ("${s['__len__']()}", ExpressionEvaluationError),
    ("${s['upper']()}", ExpressionEvaluationError),
    ("${''.getClass().forName('java.lang.Runtime')}", ExpressionEvaluationError),
    ("${''.class.forName('java.lang.Runtime').getRuntime().exec('ls')}", ExpressionEvaluationError),
    ("${execution['__class__']}", ExpressionEvaluationError),
    ("${execution.getProcessEngineServices().getRuntimeService()}", ExpressionEvaluationError),
    ("${pageContext.request}", UnknownVariable),
    ("${'%s' % x}", ExpressionEvaluationError),
    ("${9999999999 * 9999999999 * 9999999999 * 9999999999}", ExpressionEvaluationError),
    ("${9223372036854775807 + 1}", ExpressionEvaluationError),
    ("${-9223372036854775807 - 2}", ExpressionEvaluationError),
    ("${99999999999999999999999999999999}", ExpressionSyntaxError),
    ("${'a' * 100000000}", ExpressionEvaluationError),
    ("${" + "(" * 500 + "1" + ")" * 500 + "}", ExpressionSyntaxError),
    ("${" + "!" * 500 + "true}", ExpressionSyntaxError),
    ("${" + "-" * 500 + "1}", ExpressionSyntaxError),
    ("${" + "today(" * 200 + ")" * 200 + "}", ExpressionSyntaxError),
    ("${" + "x[" * 200 + "0" + "]" * 200 + "}", ExpressionSyntaxError),
    ("${'" + "a" * 20_000 + "'}", ExpressionSyntaxError),
    ("x" * 100_000, ExpressionSyntaxError),
    ("${s}" * 3000, ExpressionSyntaxError),
]


def test_there_are_at_least_twenty_payloads():
    assert len(PAYLOADS) >= 20
    assert all(issubclass(refusal, ExpressionError) for _, refusal in PAYLOADS)


@pytest.mark.parametrize(("payload", "refusal"), PAYLOADS, ids=[p[:40] for p, _ in PAYLOADS])
def test_a_hostile_expression_is_refused_quickly_and_without_effect(payload, refusal, sentinel, scope):
    payload = payload.replace("SENTINEL", str(sentinel))
    started = time.perf_counter()

    with pytest.raises(refusal) as raised:
        compile_expression(payload).evaluate(scope)

    assert time.perf_counter() - started < QUICKLY
    assert not sentinel.exists()
    assert raised.value.source == payload
    assert raised.value.problem in str(raised.value)


def test_a_map_entry_named_like_a_python_attribute_is_only_a_missing_entry(scope):
    assert compile_expression("${x['__class__']}").evaluate(scope) is None
    assert compile_expression("${x['keys']}").evaluate(scope) is None


def test_multiplying_text_never_repeats_it():
    assert compile_expression("${'9' * 99999999999}").evaluate() == 899999999991


def test_composite_text_is_capped_at_one_mebibyte():
    big = "b" * (MAX_TEXT // 2 + 1)

    with pytest.raises(ExpressionEvaluationError, match="longer than"):
        compile_expression("${big}${big}").evaluate({"big": big})


def test_concatenating_past_the_cap_is_refused():
    big = "b" * (MAX_TEXT // 2 + 1)

    with pytest.raises(ExpressionEvaluationError, match="longer than"):
        compile_expression("${big.concat(big)}").evaluate({"big": big})


def test_a_self_referencing_value_is_refused_when_shown_or_compared():
    loop: list = []
    loop.append(loop)
    other: list = []
    other.append(other)

    with pytest.raises(ExpressionEvaluationError, match="nested deeper"):
        compile_expression("value: ${loop}").evaluate({"loop": loop})
    with pytest.raises(ExpressionEvaluationError, match="nested deeper"):
        compile_expression("${loop == other}").evaluate({"loop": loop, "other": other})


def test_a_long_flat_chain_evaluates_without_deep_recursion():
    text = "${" + " + ".join(["n"] * 2000) + "}"

    assert compile_expression(text).evaluate({"n": 1}) == 2000


def test_an_arbitrary_python_object_offers_nothing():
    class Account:
        balance = 10

        def close(self):
            raise AssertionError("an expression reached a Python method")

    scope = Scope(variables={"account": Account()})

    with pytest.raises(ExpressionEvaluationError, match="cannot read property 'balance'"):
        compile_expression("${account.balance}").evaluate(scope)
    with pytest.raises(ExpressionEvaluationError, match="has no method 'close'"):
        compile_expression("${account.close()}").evaluate(scope)
    with pytest.raises(ExpressionEvaluationError, match="cannot turn"):
        compile_expression("a ${account}").evaluate(scope)


JUEL_PIECES = st.sampled_from(
    ["${", "#{", "}", "(", ")", "[", "]", ".", ",", "?", ":", "'", '"', "\\", " ", "x", "s", "items", "n"]
    + ["1", "0", "1.5e3", "-", "+", "*", "/", "%", "==", "<", ">=", "&&", "||", "!", "empty", "not"]
    + ["and", "div", "mod", "null", "true", "size()", "get(", "today(", "fn:", "__class__", "'a'"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(JUEL_PIECES, max_size=30).map("".join))
def test_any_text_compiles_or_is_refused_and_evaluates_or_fails_with_an_expression_error(text):
    variables = {"x": {"a": 1}, "s": "text", "items": ["a", "b"], "n": 7}
    scope = Scope(variables=variables, functions={"today": lambda: "2025-03-26"})
    try:
        expression = compile_expression(text)
    except ExpressionSyntaxError:
        return
    try:
        expression.evaluate(scope)
    except ExpressionError as error:
        assert error.source == text
