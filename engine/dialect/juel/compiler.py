"""Compile a JUEL parse tree into Python closures, one per node, over a scope.

The closures never re-walk the tree; chains of operators and property steps run in loops, so
evaluation recurses no deeper than the nesting depth, which compilation bounds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lark import Token, Transformer, v_args
from lark.exceptions import VisitError

from engine.dialect.juel.coercion import LONG_MAX, to_boolean, to_text
from engine.dialect.juel.coercion import is_empty as juel_empty
from engine.dialect.juel.errors import ExpressionSyntaxError, UnknownFunction, UnknownVariable
from engine.dialect.juel.members import MAX_TEXT, call_function, call_method, read_item, read_property
from engine.dialect.juel.operators import BINARY_OPERATORS, not_
from engine.dialect.juel.operators import negate as juel_negate
from engine.dialect.juel.syntax import parse

# Camunda resolves these names to the execution and the task before it looks at variables.
CONTEXT_NAMES = ("execution", "task")

Closure = Callable[[Any], Any]


@dataclass(frozen=True)
class Compiled:
    """What compilation yields: the closure, whether the text is literal, the variables it reads."""

    run: Closure
    is_literal: bool
    variable_names: frozenset[str]


def compile_text(source: str) -> Compiled:
    """Parse JUEL text (literal text with ${...} and #{...} parts) into a closure over a scope."""
    tree = parse(source)
    builder = _Builder(source)
    try:
        parts = builder.transform(tree)
    except VisitError as error:
        raise error.orig_exc from None
    return Compiled(_template(parts), builder.literal, frozenset(builder.variables))


def _template(parts: list[Any]) -> Closure:
    """Return the closure of a whole text: one eval part keeps its value, several are joined as text."""
    if not parts:
        return lambda scope: ""
    if len(parts) == 1:
        (part,) = parts
        return part if callable(part) else (lambda scope: part)
    pieces = [part if callable(part) else _constant(part) for part in parts]

    def join(scope: Any) -> str:
        room = MAX_TEXT
        texts = []
        for piece in pieces:
            text = to_text(piece(scope), limit=room)
            room -= len(text)
            texts.append(text)
        return "".join(texts)

    return join


def _constant(value: Any) -> Closure:
    return lambda scope: value


_RESERVED = frozenset(
    ("and", "or", "not", "eq", "ne", "lt", "gt", "le", "ge", "div", "mod")
    + ("true", "false", "null", "empty", "instanceof")
)
_STRING_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_TEXT_ESCAPE = re.compile(r"\\([$#]\{)")


class _Builder(Transformer):
    """Turn the parse tree into closures, collecting the variables the text reads."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source
        self.variables: set[str] = set()
        self.literal = True
        self.kinds: set[str] = set()

    def _refuse(self, problem: str, token: Token) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(problem, self.source, token.line, token.column)

    def _name(self, token: Token) -> str:
        name = str(token)
        if name in _RESERVED:
            raise self._refuse(f"'{name}' is a reserved word and cannot be used as a name", token)
        if name.startswith("_"):
            raise self._refuse(f"names starting with '_' are not allowed ('{name}')", token)
        return name

    # The text

    def template(self, children: list[Any]) -> list[Any]:
        parts = []
        for child in children:
            parts.append(_TEXT_ESCAPE.sub(r"\1", str(child)) if isinstance(child, Token) else child)
        return parts

    @v_args(meta=True)
    def dynamic(self, meta: Any, children: list[Any]) -> Closure:
        return self._eval_part("$", meta, children[0])

    @v_args(meta=True)
    def deferred(self, meta: Any, children: list[Any]) -> Closure:
        return self._eval_part("#", meta, children[0])

    def _eval_part(self, kind: str, meta: Any, run: Closure) -> Closure:
        self.kinds.add(kind)
        self.literal = False
        if len(self.kinds) > 1:
            raise ExpressionSyntaxError(
                "a text cannot mix ${...} and #{...} expressions", self.source, meta.line, meta.column
            )
        return run

    # Literals and names

    def integer(self, children: list[Token]) -> Closure:
        value = int(children[0])
        if value > LONG_MAX:
            raise self._refuse(f"the integer {children[0]} does not fit in 64 bits", children[0])
        return _constant(value)

    def floating(self, children: list[Token]) -> Closure:
        return _constant(float(children[0]))

    def string(self, children: list[Token]) -> Closure:
        token = children[0]
        quote, body = token[0], token[1:-1]
        for escape in _STRING_ESCAPE.finditer(body):
            if escape.group(1) not in ("\\", quote):
                raise self._refuse(
                    f"invalid escape sequence \\{escape.group(1)} in a string; use \\{quote} or \\\\", token
                )
        return _constant(_STRING_ESCAPE.sub(r"\1", body))

    def true(self, children: list[Token]) -> Closure:
        return _constant(True)

    def false(self, children: list[Token]) -> Closure:
        return _constant(False)

    def null(self, children: list[Token]) -> Closure:
        return _constant(None)

    def variable(self, children: list[Token]) -> Closure:
        name = self._name(children[0])
        if name in CONTEXT_NAMES:
            return _context_object(name)
        self.variables.add(name)
        return _variable(name)

    def group(self, children: list[Closure]) -> Closure:
        return children[0]

    def arguments(self, children: list[Closure]) -> list[Closure]:
        return children

    def call(self, children: list[Any]) -> Closure:
        token, arguments = children
        name = str(token)
        for part in name.split(":"):
            self._name(Token(token.type, part, line=token.line, column=token.column))
        return _call(name, tuple(arguments))

    # Operators

    def choice(self, children: list[Closure]) -> Closure:
        test, when_true, when_false = children
        return lambda scope: when_true(scope) if to_boolean(test(scope)) else when_false(scope)

    def disjunction(self, children: list[Closure]) -> Closure:
        return _any_of(tuple(children))

    def conjunction(self, children: list[Closure]) -> Closure:
        return _all_of(tuple(children))

    def _binary(self, children: list[Any]) -> Closure:
        first, *rest = children
        steps = tuple((BINARY_OPERATORS[str(rest[i])], rest[i + 1]) for i in range(0, len(rest), 2))
        return _operations(first, steps)

    equality = relation = sum = product = _binary

    def negate(self, children: list[Any]) -> Closure:
        operand = children[1]
        return lambda scope: juel_negate(operand(scope))

    def logical_not(self, children: list[Any]) -> Closure:
        operand = children[1]
        return lambda scope: not_(operand(scope))

    def is_empty(self, children: list[Any]) -> Closure:
        operand = children[1]
        return lambda scope: juel_empty(operand(scope))

    # Property paths and method calls: each suffix is a step (value, scope) -> value

    def chain(self, children: list[Any]) -> Closure:
        return _steps(children[0], tuple(children[1:]))

    def property(self, children: list[Token]) -> Callable[[Any, Any], Any]:
        name = self._name(children[0])
        return lambda value, scope: read_property(value, name)

    def method(self, children: list[Any]) -> Callable[[Any, Any], Any]:
        name, arguments = self._name(children[0]), tuple(children[1])
        return lambda value, scope: call_method(value, name, tuple(a(scope) for a in arguments))

    def item(self, children: list[Closure]) -> Callable[[Any, Any], Any]:
        key = children[0]
        return lambda value, scope: read_item(value, key(scope))

    def item_method(self, children: list[Any]) -> Callable[[Any, Any], Any]:
        key, arguments = children[0], tuple(children[1])

        def step(value: Any, scope: Any) -> Any:
            return call_method(value, to_text(key(scope)), tuple(a(scope) for a in arguments))

        return step


def _variable(name: str) -> Closure:
    def read(scope: Any) -> Any:
        try:
            return scope.variables[name]
        except KeyError:
            raise UnknownVariable(name) from None

    return read


def _context_object(name: str) -> Closure:
    def read(scope: Any) -> Any:
        found = scope.execution if name == "execution" else scope.task
        if found is not None:
            return found
        if name in scope.variables:
            return scope.variables[name]
        raise UnknownVariable(name)

    return read


def _call(name: str, arguments: tuple[Closure, ...]) -> Closure:
    def call(scope: Any) -> Any:
        function = scope.functions.get(name)
        if function is None:
            raise UnknownFunction(name, list(scope.functions))
        return call_function(name, function, tuple(argument(scope) for argument in arguments))

    return call


def _any_of(operands: tuple[Closure, ...]) -> Closure:
    if len(operands) == 2:
        left, right = operands
        return lambda scope: to_boolean(left(scope)) or to_boolean(right(scope))
    return lambda scope: any(to_boolean(operand(scope)) for operand in operands)


def _all_of(operands: tuple[Closure, ...]) -> Closure:
    if len(operands) == 2:
        left, right = operands
        return lambda scope: to_boolean(left(scope)) and to_boolean(right(scope))
    return lambda scope: all(to_boolean(operand(scope)) for operand in operands)


def _operations(first: Closure, steps: tuple[tuple[Callable[[Any, Any], Any], Closure], ...]) -> Closure:
    if len(steps) == 1:
        ((operation, second),) = steps
        return lambda scope: operation(first(scope), second(scope))

    def run(scope: Any) -> Any:
        value = first(scope)
        for operation, operand in steps:
            value = operation(value, operand(scope))
        return value

    return run


def _steps(base: Closure, steps: tuple[Callable[[Any, Any], Any], ...]) -> Closure:
    if len(steps) == 1:
        (step,) = steps
        return lambda scope: step(base(scope), scope)

    def run(scope: Any) -> Any:
        value = base(scope)
        for step in steps:
            value = step(value, scope)
        return value

    return run
