"""The builtins and methods a Python-subset script may call, each bounded by the run's budget."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.dialect.scripts.limits import Budget, LimitExceeded

ITERABLES = (str, list, tuple, dict, set, frozenset, range)
_SCALARS = (str, int, float, bool, type(None))


class ScriptTypeError(Exception):
    """A builtin or method was called with values it does not take."""


def iterate(value: Any, budget: Budget) -> Any:
    """Return `value` to iterate over after checking it is a collection; charge its size."""
    if not isinstance(value, ITERABLES):
        raise ScriptTypeError(f"cannot loop over a {type(value).__name__}")
    budget.step(1 + len(value) // 64)
    return value


def materialize(value: Any, budget: Budget) -> list[Any]:
    """Return the items of a collection as a new list, charged and capped."""
    items = iterate(value, budget)
    budget.items(len(items))
    return list(items)


def measure(value: Any, budget: Budget, depth: int = 0) -> int:
    """Return about len(str(value)) without building it; raise LimitExceeded past the string cap."""
    limits = budget.limits
    if depth > limits.max_value_depth:
        raise LimitExceeded(f"a value nests deeper than {limits.max_value_depth} levels")
    if isinstance(value, str):
        return len(value) + 2
    if isinstance(value, int):
        return value.bit_length() // 3 + 2
    if not isinstance(value, list | tuple | set | frozenset | dict):
        return len(str(value)) + 2
    budget.step(1 + len(value) // 64)
    total = 2
    for item in value:
        total += 2 + measure(item, budget, depth + 1)
        if isinstance(value, dict):
            total += 2 + measure(value[item], budget, depth + 1)
        if total > limits.max_string_chars:
            raise LimitExceeded(f"the text of a value passes the cap of {limits.max_string_chars} characters")
    return total


def render(value: Any, budget: Budget, conversion: str = "s") -> str:
    """Return str(value) (or repr for conversion 'r'), bounded by the string cap."""
    if isinstance(value, str) and conversion == "s":
        return value
    measure(value, budget)
    text = repr(value) if conversion == "r" else ascii(value) if conversion == "a" else str(value)
    budget.string(len(text))
    return text


def _number(value: Any, name: str) -> int | float:
    if not isinstance(value, int | float):
        raise ScriptTypeError(f"{name}() takes numbers, not {type(value).__name__}")
    return value


def _len(budget: Budget, value: Any) -> int:
    if not isinstance(value, ITERABLES):
        raise ScriptTypeError(f"len() takes a string or a collection, not {type(value).__name__}")
    return len(value)


def _int(budget: Budget, value: Any = 0, *base: int) -> int:
    if isinstance(value, str) and len(value) > 4300:
        raise LimitExceeded("int() of more than 4300 digits")
    result = int(value, *base)
    budget.integer(result.bit_length())
    return result


def _round(budget: Budget, value: Any, ndigits: int | None = None) -> int | float:
    if ndigits is not None and (not isinstance(ndigits, int) or abs(ndigits) > 100):
        raise ScriptTypeError("round() takes a number of digits between -100 and 100")
    return round(_number(value, "round"), ndigits)


def _sum(budget: Budget, values: Any, start: int | float = 0) -> int | float:
    total = _number(start, "sum")
    for value in iterate(values, budget):
        total += _number(value, "sum")
        if isinstance(total, int):
            budget.integer(total.bit_length())
    return total


def _extreme(pick: Callable[..., Any]) -> Callable[..., Any]:
    def extreme(budget: Budget, *values: Any) -> Any:
        items = iterate(values[0], budget) if len(values) == 1 else values
        if not items:
            raise ScriptTypeError(f"{pick.__name__}() of an empty collection")
        return pick(items)

    return extreme


def _range(budget: Budget, *bounds: int) -> list[int]:
    if not all(isinstance(bound, int) for bound in bounds) or not 1 <= len(bounds) <= 3:
        raise ScriptTypeError("range() takes one to three whole numbers")
    numbers = range(*bounds)
    budget.items(len(numbers))
    return list(numbers)


def _sorted(budget: Budget, values: Any, *, reverse: bool = False) -> list[Any]:
    items = materialize(values, budget)
    budget.step(len(items))
    return sorted(items, reverse=bool(reverse))


def _dict(budget: Budget, pairs: Any = (), **named: Any) -> dict[Any, Any]:
    items = pairs.items() if isinstance(pairs, dict) else materialize(pairs, budget)
    budget.items(len(items) + len(named))
    result = dict(items)
    result.update(named)
    return result


def _enumerate(budget: Budget, values: Any, start: int = 0) -> list[tuple[int, Any]]:
    items = materialize(values, budget)
    return list(enumerate(items, start=start))


def _zip(budget: Budget, *collections: Any) -> list[tuple[Any, ...]]:
    lists = [materialize(values, budget) for values in collections]
    return list(zip(*lists, strict=False))


def _plain(convert: Callable[..., Any]) -> Callable[..., Any]:
    def call(budget: Budget, *args: Any) -> Any:
        if not all(isinstance(arg, _SCALARS) for arg in args):
            raise ScriptTypeError(f"{convert.__name__}() takes a plain value")
        return convert(*args)

    return call


def _collection(make: Callable[..., Any]) -> Callable[..., Any]:
    def call(budget: Budget, values: Any = ()) -> Any:
        return make(materialize(values, budget))

    return call


BUILTINS: dict[str, Callable[..., Any]] = {
    "len": _len,
    "str": lambda budget, value="": render(value, budget),
    "int": _int,
    "float": _plain(float),
    "bool": lambda budget, value=False: bool(value),
    "abs": lambda budget, value: abs(_number(value, "abs")),
    "min": _extreme(min),
    "max": _extreme(max),
    "sum": _sum,
    "round": _round,
    "sorted": _sorted,
    "list": _collection(list),
    "tuple": _collection(tuple),
    "set": _collection(set),
    "dict": _dict,
    "range": _range,
    "any": lambda budget, values: any(iterate(values, budget)),
    "all": lambda budget, values: all(iterate(values, budget)),
    "enumerate": _enumerate,
    "zip": _zip,
}


EXECUTION_METHODS = frozenset(
    {
        *("getVariable", "setVariable", "hasVariable", "getVariables", "getVariableLocal"),
        *("setVariableLocal", "getBusinessKey", "getProcessInstanceId", "getCurrentActivityId"),
        "getEventName",
    }
)


def _join(budget: Budget, separator: str, values: Any) -> str:
    items = materialize(values, budget)
    if not all(isinstance(item, str) for item in items):
        raise ScriptTypeError("join() takes a collection of strings")
    budget.string(sum(map(len, items)) + len(separator) * max(len(items) - 1, 0))
    return separator.join(items)


def _replace(budget: Budget, text: str, old: str, new: str, count: int = -1) -> str:
    if not isinstance(old, str) or not isinstance(new, str) or not isinstance(count, int):
        raise ScriptTypeError("replace() takes two strings and a count")
    found = text.count(old) if count < 0 else min(count, text.count(old))
    budget.string(len(text) + found * (len(new) - len(old)))
    return text.replace(old, new, count)


def _split(budget: Budget, text: str, separator: str | None = None, maxsplit: int = -1) -> list[str]:
    budget.step(1 + len(text) // 1024)
    parts = text.split(separator, maxsplit)
    budget.items(len(parts))
    return parts


def _sized(method: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a str method whose result is at most a few times its input's size."""

    def call(budget: Budget, text: str, *args: Any) -> Any:
        if not all(isinstance(arg, str | type(None)) for arg in args):
            raise ScriptTypeError(f"{method.__name__}() takes strings")
        result = method(text, *args)
        if isinstance(result, str):
            budget.string(len(result))
        return result

    return call


def _append(budget: Budget, items: list[Any], value: Any) -> None:
    budget.grow(len(items) + 1)
    items.append(value)


def _extend(budget: Budget, items: list[Any], values: Any) -> None:
    more = materialize(values, budget)
    budget.items(len(items) + len(more))
    items.extend(more)


def _dict_update(budget: Budget, mapping: dict[Any, Any], other: Any) -> None:
    if not isinstance(other, dict):
        raise ScriptTypeError("update() takes a dict")
    budget.items(len(mapping) + len(other))
    mapping.update(other)


def _view(pick: Callable[[dict[Any, Any]], Any]) -> Callable[..., list[Any]]:
    def call(budget: Budget, mapping: dict[Any, Any]) -> list[Any]:
        budget.items(len(mapping))
        return list(pick(mapping))

    return call


def _searching(method: Callable[..., Any]) -> Callable[..., Any]:
    def call(budget: Budget, items: list[Any], *args: Any) -> Any:
        budget.step(1 + len(items) // 64)
        return method(items, *args)

    return call


_STR_METHODS: dict[str, Callable[..., Any]] = {
    "upper": _sized(str.upper),
    "lower": _sized(str.lower),
    "strip": _sized(str.strip),
    "lstrip": _sized(str.lstrip),
    "rstrip": _sized(str.rstrip),
    "startswith": _sized(str.startswith),
    "endswith": _sized(str.endswith),
    "split": _split,
    "join": _join,
    "replace": _replace,
}
_LIST_METHODS: dict[str, Callable[..., Any]] = {
    "append": _append,
    "extend": _extend,
    "pop": lambda budget, items, *index: items.pop(*index),
    "index": _searching(list.index),
    "count": _searching(list.count),
}
_DICT_METHODS: dict[str, Callable[..., Any]] = {
    "get": lambda budget, mapping, key, default=None: mapping.get(key, default),
    "keys": _view(dict.keys),
    "values": _view(dict.values),
    "items": _view(dict.items),
    "update": _dict_update,
    "pop": lambda budget, mapping, key, *default: mapping.pop(key, *default),
}
_METHODS_BY_TYPE: dict[type, dict[str, Callable[..., Any]]] = {
    str: _STR_METHODS,
    list: _LIST_METHODS,
    dict: _DICT_METHODS,
}
METHOD_NAMES = frozenset(_STR_METHODS) | frozenset(_LIST_METHODS) | frozenset(_DICT_METHODS)


def call_method(budget: Budget, target: Any, name: str, args: list[Any], named: dict[str, Any]) -> Any:
    """Call the whitelisted method `name` of a str, list or dict."""
    methods = next((table for kind, table in _METHODS_BY_TYPE.items() if isinstance(target, kind)), {})
    method = methods.get(name)
    if method is None:
        raise ScriptTypeError(f"a {type(target).__name__} has no method {name!r} in scripts")
    return method(budget, target, *args, **named)
