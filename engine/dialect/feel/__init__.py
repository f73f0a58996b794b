"""FEEL (DMN 1.3) for decision tables, evaluated the way Camunda 7 does, without Python's eval.

Public API:
    compile_unary_tests(text, input_variable="cellInput") -> UnaryTests
        UnaryTests.matches(value, variables) -> bool
    compile_expression(text) -> FeelExpression
        FeelExpression.evaluate(variables) -> Any  (plain Python: int, float, str, bool, None,
        date, datetime, time, timedelta, YearsMonthsDuration, list, dict)
    FeelSyntaxError (names the text and position), FeelEvaluationError (names the text and,
    for unknown variables, the variable); both are ValueErrors.

Unary tests (input entries): `-` or empty (any value), `< 100`, `<= x`, `> date("2025-01-01")`,
intervals `[a..b]`, `(a..b)`, `]a..b[`, `[a..b[`, lists `"a","b"` and `1, 2, [5..10]`,
`not("x", "y")`, plain values and names, `?` or the input variable for the input value, and
any expression below (a boolean one that uses the input decides by itself; a list value
matches its members; other values match when equal).

Expressions (input expressions, output entries): literals (numbers, "strings", true, false,
null), names and paths `a.b.c` into contexts (dicts; on lists a path projects), `+ - * / **`,
`= != < > <= >=`, `and`, `or`, `not(...)`, `if ... then ... else ...`, lists `[1, 2]` and the
functions date, date and time, time, duration, years and months duration, string, number,
upper case, lower case, string length, contains, starts with, ends with, count, sum, min, max.

FEEL null semantics: a comparison of null (or of different kinds) is null and a null test
never matches; `null = null` is true; `and`/`or` are three-valued; arithmetic on null, or a
division by zero, is null. An unknown variable is an error naming it.

Bounds: a text has at most MAX_SOURCE_LENGTH characters and MAX_DEPTH levels of nesting;
numbers stay below 1e40 (a `**` is refused before it is computed), strings below 100 000
characters, lists below 10 000 items. There are no loops, so evaluation time is bounded by
the size of the text and of the values. Compiled texts are cached.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from engine.dialect.decision_errors import FeelEvaluationError, FeelSyntaxError
from engine.dialect.feel.compiler import Code, Compiler
from engine.dialect.feel.values import (
    equal,
    greater,
    greater_or_equal,
    less,
    less_or_equal,
    normalize,
    to_python,
)

__all__ = [
    "FeelEvaluationError",
    "FeelExpression",
    "FeelSyntaxError",
    "UnaryTests",
    "compile_expression",
    "compile_unary_tests",
]

MAX_SOURCE_LENGTH = 10_000
MAX_DEPTH = 64
DEFAULT_INPUT_VARIABLE = "cellInput"
GRAMMAR = (Path(__file__).with_name("feel.lark")).read_text(encoding="utf-8")
PARSER = Lark(GRAMMAR, parser="lalr", start=["expression", "positive_unary_tests"], propagate_positions=True)
STRING_LITERAL = re.compile(r'("(?:[^"\\\n]|\\.)*")')
NEGATED_TESTS = re.compile(r"^\s*not\s*\(", re.DOTALL)
TEST_OPERATORS = {"<": less, "<=": less_or_equal, ">": greater, ">=": greater_or_equal}


class FeelExpression:
    """A compiled FEEL expression."""

    def __init__(self, text: str, code: Code):
        self.text = text
        self._fn = code.fn
        self.is_constant = code.is_constant

    def evaluate(self, variables: dict[str, Any]) -> Any:
        """Return the expression's value over `variables`, as plain Python."""
        return to_python(self._fn(variables, None))

    def evaluate_feel(self, variables: dict[str, Any], input_value: Any = None) -> Any:
        """Return the expression's FEEL value (decimals kept), for the decision evaluator."""
        return self._fn(variables, input_value)

    def __repr__(self) -> str:
        return f"FeelExpression({self.text!r})"


class UnaryTests:
    """Compiled FEEL unary tests: the text of one input entry."""

    def __init__(self, text: str, check, matches_any: bool = False):
        self.text = text
        self.check = check  # check(variables, feel_value) -> True, False or None; for the decision evaluator
        self.matches_any = matches_any

    def matches(self, value: Any, variables: dict[str, Any]) -> bool:
        """Return whether the input `value` passes these tests, with `variables` in scope."""
        return self.check(variables, normalize(value)) is True

    def __repr__(self) -> str:
        return f"UnaryTests({self.text!r})"


def _check_source(text: str, what: str) -> str:
    if not isinstance(text, str):
        raise FeelSyntaxError(f"FEEL {what} must be text, not {type(text).__name__}", repr(text))
    if len(text) > MAX_SOURCE_LENGTH:
        raise FeelSyntaxError(
            f"FEEL {what} is {len(text)} characters long; at most {MAX_SOURCE_LENGTH} are allowed "
            f"(starts {text[:40]!r})",
            text[:200],
        )
    if _bracket_depth(text) > MAX_DEPTH:
        raise FeelSyntaxError(f"FEEL {what} nests deeper than {MAX_DEPTH} levels: {text[:80]!r}", text[:200])
    return text


def _bracket_depth(text: str) -> int:
    """Return how deeply brackets nest in `text`, outside string literals."""
    depth = deepest = 0
    for piece in STRING_LITERAL.split(text)[::2]:
        for char in piece:
            if char in "([":
                depth += 1
                deepest = max(deepest, depth)
            elif char in ")]":
                depth = max(depth - 1, 0)
    return deepest


def _parse(text: str, start: str, offset: int = 0) -> Tree:
    try:
        tree = PARSER.parse(text, start=start)
    except UnexpectedInput as error:
        raise _syntax_error(text, error, offset) from None
    _check_depth(tree, text)
    return tree


def _syntax_error(text: str, error: UnexpectedInput, offset: int) -> FeelSyntaxError:
    position = getattr(error, "pos_in_stream", None)
    at_end = isinstance(error, UnexpectedToken) and error.token.type == "$END"
    if isinstance(error, UnexpectedEOF) or position is None or at_end:
        position, found = len(text), "end of text"
    elif isinstance(error, UnexpectedToken):
        found = repr(error.token.value)
    elif isinstance(error, UnexpectedCharacters):
        found = repr(text[position])
    else:
        found = "something unexpected"
    full = position + offset
    return FeelSyntaxError(
        f"FEEL syntax error at position {full} in {text!r}: unexpected {found}", text, full
    )


def _check_depth(tree: Tree, text: str) -> None:
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise FeelSyntaxError(f"FEEL text nests deeper than {MAX_DEPTH} levels: {text[:80]!r}", text)
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))


@lru_cache(maxsize=4096)
def compile_expression(text: str) -> FeelExpression:
    """Compile a FEEL expression (an input expression or an output entry)."""
    _check_source(text, "expression")
    if not text.strip():
        raise FeelSyntaxError(f"FEEL expression is empty: {text!r}", text, 0)
    return FeelExpression(text, Compiler(text).compile(_parse(text, "expression")))


@lru_cache(maxsize=4096)
def compile_unary_tests(text: str, input_variable: str = DEFAULT_INPUT_VARIABLE) -> UnaryTests:
    """Compile FEEL unary tests (an input entry); `input_variable` names the input value in it."""
    _check_source(text, "unary tests")
    stripped = text.strip()
    if stripped in ("", "-"):
        return UnaryTests(text, lambda variables, value: True, matches_any=True)
    compiler = Compiler(text, input_variable, allow_input=True)
    negated = NEGATED_TESTS.match(text)
    if negated and stripped.endswith(")"):
        start, end = negated.end(), text.rindex(")")
        try:
            inner = _parse(text[start:end], "positive_unary_tests", start)
        except FeelSyntaxError:
            inner = None  # e.g. `not(a) and b`: an expression, parsed below
        if inner is not None:
            test = _any_of([_test(compiler, child) for child in inner.children])
            return UnaryTests(text, lambda variables, value: test(variables, value) is False)
    tree = _parse(text, "positive_unary_tests")
    return UnaryTests(text, _any_of([_test(compiler, child) for child in tree.children]))


def _any_of(tests: list):
    if len(tests) == 1:
        return tests[0]

    def any_of(variables, value):
        unknown = False
        for test in tests:
            result = test(variables, value)
            if result is True:
                return True
            if result is None:
                unknown = True
        return None if unknown else False

    return any_of


def _test(compiler: Compiler, tree: Tree):
    kind = tree.data
    if kind == "comparison_test":
        operator, endpoint = tree.children
        return _comparison_test(TEST_OPERATORS[operator.value], compiler.compile(endpoint))
    if kind == "interval":
        return _interval_test(compiler, *tree.children)
    return _expression_test(compiler.compile(tree.children[0]))


def _comparison_test(operator, endpoint: Code):
    if endpoint.is_constant:
        bound = endpoint.value
        return lambda variables, value: operator(value, bound)
    fn = endpoint.fn
    return lambda variables, value: operator(value, fn(variables, value))


def _interval_test(compiler: Compiler, opening: Token, low_tree, high_tree, closing: Token):
    low, high = compiler.compile(low_tree).fn, compiler.compile(high_tree).fn
    low_test = less_or_equal if opening.value == "[" else less
    high_test = less_or_equal if closing.value == "]" else less

    def in_interval(variables, value):
        above = low_test(low(variables, value), value)
        below = high_test(value, high(variables, value))
        if above is False or below is False:
            return False
        return None if above is None or below is None else True

    return in_interval


def _expression_test(code: Code):
    if code.is_constant:
        return _constant_test(code.value)
    fn, uses_input = code.fn, code.uses_input

    def expression_test(variables, value):
        result = fn(variables, value)
        if uses_input and type(result) is bool:
            return result
        return _matches(value, result)

    return expression_test


def _constant_test(expected):
    if type(expected) is str:
        return lambda variables, value: value == expected
    if expected is None:
        return lambda variables, value: value is None
    if type(expected) is bool:
        return lambda variables, value: value is expected
    if type(expected) is int:
        return lambda variables, value: type(value) is not bool and value == expected
    return lambda variables, value: _matches(value, expected)


def _matches(value, expected):
    if type(expected) is list and type(value) is not list:
        return any(equal(value, normalize(item)) is True for item in expected)
    return equal(value, expected)
