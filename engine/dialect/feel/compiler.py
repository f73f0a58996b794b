"""Turn a parsed FEEL tree into Python closures `code(variables, input_value) -> value`.

Constant parts are computed once, here; names are looked up in the variables mapping
(never as attributes); a name or path segment starting with `_` is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from lark import Token

from engine.dialect.decision_errors import FeelEvaluationError, FeelSyntaxError
from engine.dialect.feel.builtins import BUILTINS
from engine.dialect.feel.values import (
    add,
    check_list,
    check_number,
    divide,
    equal,
    greater,
    greater_or_equal,
    less,
    less_or_equal,
    multiply,
    negate,
    normalize,
    not_equal,
    power,
    subtract,
)

Fn = Callable[[object, object], object]
COMPARISONS = {
    "=": equal,
    "!=": not_equal,
    "<": less,
    "<=": less_or_equal,
    ">": greater,
    ">=": greater_or_equal,
}
ARITHMETIC = {"+": add, "-": subtract, "*": multiply, "/": divide, "**": power}
ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r", "'": "'"}
ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)")
NORMALIZE_TYPES = (float, tuple)


@dataclass(frozen=True)
class Code:
    """A compiled FEEL part: a closure, or a constant when `is_constant`."""

    fn: Fn
    is_constant: bool = False
    value: object = None
    uses_input: bool = False


def constant(value) -> Code:
    """Return the code of a constant value."""
    return Code(lambda variables, value_in=None: value, True, value)


def _position(node) -> int | None:
    if isinstance(node, Token):
        return node.start_pos
    meta = getattr(node, "meta", None)
    return meta.start_pos if meta is not None and not meta.empty else None


class Compiler:
    """Compile the trees of one FEEL text; `input_variable` names the tested input value."""

    def __init__(self, text: str, input_variable: str | None = None, allow_input: bool = False):
        self.text = text
        self.input_variable = input_variable
        self.allow_input = allow_input

    def refuse(self, message: str, node=None) -> FeelSyntaxError:
        position = _position(node)
        where = f" at position {position}" if position is not None else ""
        return FeelSyntaxError(f"FEEL error{where} in {self.text!r}: {message}", self.text, position)

    def compile(self, tree) -> Code:
        if isinstance(tree, Token):
            raise self.refuse(f"cannot use {tree.value!r} here", tree)
        method = getattr(self, "on_" + tree.data, None)
        if method is None:
            raise self.refuse(f"does not support {tree.data}", tree)
        return method(tree)

    def fold(self, fn: Fn, parts: list[Code], node) -> Code:
        """Return `fn` as code, computed now when every part is constant."""
        uses_input = any(part.uses_input for part in parts)
        if parts and all(part.is_constant for part in parts):
            try:
                return constant(fn({}, None))
            except FeelEvaluationError as error:
                raise self.refuse(str(error), node) from None
        return Code(fn, uses_input=uses_input)

    # literals and names

    def on_number(self, tree) -> Code:
        text = tree.children[0].value
        try:
            return constant(check_number(Decimal(text) if "." in text else int(text)))
        except (FeelEvaluationError, ValueError):
            raise self.refuse(f"number {text[:20]}... is beyond the limit", tree.children[0]) from None

    def on_string(self, tree) -> Code:
        body = tree.children[0].value[1:-1]
        return constant(ESCAPE.sub(_unescape, body))

    def on_true(self, tree) -> Code:
        return constant(True)

    def on_false(self, tree) -> Code:
        return constant(False)

    def on_null(self, tree) -> Code:
        return constant(None)

    def _name(self, tree) -> str:
        token = tree.children[0]
        name = token.value.strip("`")
        if name.startswith("_"):
            raise self.refuse(f"name {name!r} is not allowed (names may not start with '_')", token)
        return name

    def on_name(self, tree) -> Code:
        name = self._name(tree)
        if name == self.input_variable:
            return Code(lambda variables, value_in: value_in, uses_input=True)
        text = self.text

        def lookup(variables, value_in=None):
            try:
                value = variables[name]
            except KeyError:
                raise FeelEvaluationError(f"unknown variable {name!r} in FEEL {text!r}") from None
            except TypeError:
                raise FeelEvaluationError(f"variables are not a mapping in FEEL {text!r}") from None
            return normalize(value) if isinstance(value, NORMALIZE_TYPES) else value

        return Code(lookup)

    def on_input_value(self, tree) -> Code:
        if not self.allow_input:
            raise self.refuse("'?' (the input value) may only be used in input entries", tree.children[0])
        return Code(lambda variables, value_in: value_in, uses_input=True)

    def on_path(self, tree) -> Code:
        base, segment = self.compile(tree.children[0]), self._name(tree.children[1])
        base_fn = base.fn

        def path(variables, value_in=None):
            return _member(base_fn(variables, value_in), segment)

        return self.fold(path, [base], tree)

    # operators

    def on_negation(self, tree) -> Code:
        operand = self.compile(tree.children[0])
        fn = operand.fn
        return self.fold(lambda variables, value_in=None: negate(fn(variables, value_in)), [operand], tree)

    def on_negated(self, tree) -> Code:
        operand = self.compile(tree.children[0])
        fn = operand.fn

        def negated(variables, value_in=None):
            value = fn(variables, value_in)
            return (not value) if type(value) is bool else None

        return self.fold(negated, [operand], tree)

    def on_comparison(self, tree) -> Code:
        left, operator, right = tree.children
        left_code, right_code = self.compile(left), self.compile(right)
        test, left_fn, right_fn = COMPARISONS[operator.value], left_code.fn, right_code.fn
        return self.fold(
            lambda variables, value_in=None: test(
                left_fn(variables, value_in), right_fn(variables, value_in)
            ),
            [left_code, right_code],
            tree,
        )

    def _chain(self, tree, operators: list[str], operands: list) -> Code:
        parts = [self.compile(operand) for operand in operands]
        steps = [(ARITHMETIC[op], part.fn) for op, part in zip(operators, parts[1:], strict=True)]
        first = parts[0].fn

        def chain(variables, value_in=None):
            value = first(variables, value_in)
            for operation, fn in steps:
                value = operation(value, fn(variables, value_in))
            return value

        return self.fold(chain, parts, tree)

    def on_sum(self, tree) -> Code:
        return self._chain(tree, [t.value for t in tree.children[1::2]], tree.children[::2])

    on_product = on_sum

    def on_power(self, tree) -> Code:
        return self._chain(tree, ["**"] * (len(tree.children) - 1), tree.children)

    def _logic(self, tree, stop: bool) -> Code:
        parts = [self.compile(child) for child in tree.children]
        fns = [part.fn for part in parts]

        def logic(variables, value_in=None):
            unknown = False
            for fn in fns:
                value = fn(variables, value_in)
                if value is stop:
                    return stop
                if value is not (not stop):
                    unknown = True
            return None if unknown else not stop

        return self.fold(logic, parts, tree)

    def on_conjunction(self, tree) -> Code:
        return self._logic(tree, stop=False)

    def on_disjunction(self, tree) -> Code:
        return self._logic(tree, stop=True)

    def on_if_expr(self, tree) -> Code:
        condition, then, otherwise = (self.compile(child) for child in tree.children)
        if condition.is_constant:
            return then if condition.value is True else otherwise
        test, yes, no = condition.fn, then.fn, otherwise.fn
        return Code(
            lambda variables, value_in=None: (
                yes(variables, value_in) if test(variables, value_in) is True else no(variables, value_in)
            ),
            uses_input=condition.uses_input or then.uses_input or otherwise.uses_input,
        )

    def on_list(self, tree) -> Code:
        parts = [self.compile(child) for child in tree.children[1:-1] if child is not None]
        check_list(parts)
        fns = [part.fn for part in parts]
        return self.fold(
            lambda variables, value_in=None: [fn(variables, value_in) for fn in fns], parts, tree
        )

    def on_call(self, tree) -> Code:
        name_token = tree.children[0].children[0]
        name = " ".join(name_token.value.split())
        builtin = BUILTINS.get(name)
        if builtin is None:
            raise self.refuse(f"function {name!r} is unknown", name_token)
        parts = [self.compile(child) for child in tree.children[1:] if child is not None]
        if builtin.arities and len(parts) not in builtin.arities or not parts:
            counts = " or ".join(map(str, builtin.arities)) or "one or more"
            raise self.refuse(f"function {name!r} takes {counts} argument(s), not {len(parts)}", name_token)
        function, fns = builtin.function, [part.fn for part in parts]
        return self.fold(
            lambda variables, value_in=None: function(*[fn(variables, value_in) for fn in fns]), parts, tree
        )


def _member(value, segment: str):
    if type(value) is dict:
        return normalize(value.get(segment))
    if type(value) is list:
        return [normalize(item.get(segment)) if type(item) is dict else None for item in check_list(value)]
    return None


def _unescape(match: re.Match) -> str:
    escape = match.group(1)
    if escape.startswith("u") and len(escape) == 5:
        return chr(int(escape[1:], 16))
    return ESCAPES.get(escape, "\\" + escape)
