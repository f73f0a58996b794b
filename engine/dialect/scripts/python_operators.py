"""Arithmetic, comparison and indexing for the Python subset, with caps on what they build."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

from engine.dialect.scripts.limits import Budget
from engine.dialect.scripts.python_builtins import ScriptTypeError

_SEQUENCES = (str, list, tuple)
_INDEXABLE = (str, list, tuple, dict)
_CONTAINERS = (list, tuple, set, frozenset, dict)

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Sub: operator.sub,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.RShift: operator.rshift,
    ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_,
    ast.BitXor: operator.xor,
}
_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
    ast.In: lambda item, collection: operator.contains(collection, item),
    ast.NotIn: lambda item, collection: not operator.contains(collection, item),
}
_UNARY: dict[type, Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Invert: operator.invert,
    ast.Not: operator.not_,
}


def binary(op: ast.operator, left: Any, right: Any, budget: Budget) -> Any:
    """Return `left op right`, refusing results past the size and magnitude caps."""
    kind = type(op)
    if kind is ast.Add:
        return _add(left, right, budget)
    if kind is ast.Mult:
        return _multiply(left, right, budget)
    if kind is ast.Pow:
        return checked(_power(left, right, budget), budget)
    if kind is ast.LShift:
        return _shift_left(left, right, budget)
    if kind is ast.Mod and isinstance(left, str):
        raise ScriptTypeError("'%' formatting of strings is not supported; use an f-string")
    return checked(_BINARY[kind](left, right), budget)


def unary(op: ast.unaryop, operand: Any, budget: Budget) -> Any:
    """Return `op operand`."""
    return checked(_UNARY[type(op)](operand), budget)


def compare(op: ast.cmpop, left: Any, right: Any, budget: Budget) -> bool:
    """Return the comparison `left op right`; a search through a collection is charged by its size."""
    if isinstance(op, ast.In | ast.NotIn):
        if not isinstance(right, (str, *_CONTAINERS)):
            raise ScriptTypeError(f"'in' needs a string or a collection, not {type(right).__name__}")
        if isinstance(right, _SEQUENCES):
            budget.step(1 + len(right) // 64)
    return _COMPARE[type(op)](left, right)


def checked(result: Any, budget: Budget) -> Any:
    """Return `result` after checking its magnitude or size; refuse complex numbers."""
    if isinstance(result, int):
        budget.integer(result.bit_length())
    elif isinstance(result, complex):
        raise ScriptTypeError("complex numbers are not supported")
    elif isinstance(result, str):
        budget.string(len(result))
    elif isinstance(result, _CONTAINERS):
        budget.items(len(result))
    return result


def _add(left: Any, right: Any, budget: Budget) -> Any:
    if isinstance(left, str) and isinstance(right, str):
        budget.string(len(left) + len(right))
    elif isinstance(left, list | tuple) and type(left) is type(right):
        budget.items(len(left) + len(right))
    else:
        return checked(left + right, budget)
    return left + right


def _multiply(left: Any, right: Any, budget: Budget) -> Any:
    if isinstance(right, _SEQUENCES) and isinstance(left, int):
        left, right = right, left
    if isinstance(left, _SEQUENCES) and isinstance(right, int):
        size = len(left) * max(right, 0)
        if isinstance(left, str):
            budget.string(size)
        else:
            budget.items(size)
    elif isinstance(left, int) and isinstance(right, int):
        budget.integer(left.bit_length() + right.bit_length() - 1)
    return checked(left * right, budget)


def _power(base: Any, exponent: Any, budget: Budget) -> Any:
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
        # the result has at least (bits(base) - 1) * exponent bits: refuse before computing it
        budget.integer((abs(base).bit_length() - 1) * exponent)
        budget.step(1 + exponent.bit_length())
    return base**exponent


def _shift_left(value: Any, places: Any, budget: Budget) -> Any:
    if isinstance(value, int) and isinstance(places, int) and places > 0:
        budget.integer(value.bit_length() + places)
    return checked(value << places, budget)


def get_item(container: Any, index: Any, budget: Budget) -> Any:
    """Return `container[index]` for a string, list, tuple or dict."""
    if not isinstance(container, _INDEXABLE):
        raise ScriptTypeError(f"a {type(container).__name__} cannot be indexed")
    result = container[index]
    if isinstance(index, slice):
        checked(result, budget)
    return result


def set_item(container: Any, index: Any, value: Any, budget: Budget) -> None:
    """Set `container[index] = value` in a list or dict, within the size cap."""
    if isinstance(container, dict):
        if index not in container:
            budget.grow(len(container) + 1)
        container[index] = value
    elif isinstance(container, list):
        if isinstance(index, slice):
            value = list(value) if isinstance(value, (*_SEQUENCES, set, dict)) else value
            removed = len(range(*index.indices(len(container))))
            budget.items(len(container) - removed + len(value))
        container[index] = value
    else:
        raise ScriptTypeError(f"items of a {type(container).__name__} cannot be assigned")
