"""What `a.b`, `a[b]` and `a.m(...)` may reach: map entries, list items, a whitelist of Java
methods on strings, lists and maps, and what a `ContextObject` declares. Nothing else.

No Python attribute is ever read: a dict is a map, a list is a list, and an engine object
(the execution, the task) is reachable only through a `ContextObject` that names each method
and property it offers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

from engine.dialect.juel.coercion import (
    describe,
    is_empty,
    java_equals,
    to_long,
    to_text,
    type_name,
)
from engine.dialect.juel.errors import ExpressionError, ExpressionEvaluationError

MAX_TEXT = 1 << 20


class ContextObject:
    """An engine object an expression may use, through the methods and properties it declares.

    `properties` maps a bean property (`assignee`) to a function of no arguments returning its
    value; each is also callable as its Java getter (`getAssignee()`). `methods` maps a method
    name (`getVariable`) to a function called with the evaluated arguments.
    """

    __slots__ = ("_kind", "_methods", "_properties")
    juel_type_name = "context object"

    def __init__(
        self,
        kind: str,
        *,
        methods: Mapping[str, Callable[..., Any]] | None = None,
        properties: Mapping[str, Callable[[], Any]] | None = None,
    ) -> None:
        self._kind = kind
        self._properties = dict(properties or {})
        self._methods = dict(methods or {})
        for name, getter in self._properties.items():
            self._methods.setdefault("get" + name[:1].upper() + name[1:], getter)

    def __repr__(self) -> str:
        return f"ContextObject({self._kind!r})"

    def read(self, name: str) -> Any:
        """Return a declared property's value, or refuse an undeclared one."""
        getter = self._properties.get(name)
        if getter is None:
            offered = ", ".join(sorted(self._properties)) or "none"
            raise ExpressionEvaluationError(f"the {self._kind} has no property '{name}' (offered: {offered})")
        return _guarded(f"{self._kind}.{name}", getter, ())

    def call(self, name: str, arguments: tuple[Any, ...]) -> Any:
        """Call a declared method with the evaluated arguments, or refuse an undeclared one."""
        method = self._methods.get(name)
        if method is None:
            offered = ", ".join(f"{m}()" for m in sorted(self._methods)) or "none"
            raise ExpressionEvaluationError(f"the {self._kind} has no method '{name}' (offered: {offered})")
        return _guarded(f"{self._kind}.{name}()", method, arguments)


def _guarded(what: str, function: Callable[..., Any], arguments: tuple[Any, ...]) -> Any:
    """Call an engine-provided function, reporting its failure as an evaluation error."""
    try:
        return function(*arguments)
    except ExpressionError:
        raise
    except TypeError as error:
        raise ExpressionEvaluationError(f"{what} was called wrongly: {error}") from None
    except Exception as error:
        raise ExpressionEvaluationError(f"{what} failed: {type(error).__name__}: {error}") from error


def call_function(name: str, function: Callable[..., Any], arguments: tuple[Any, ...]) -> Any:
    """Call a function the composition root registered, reporting its failure as an evaluation error."""
    return _guarded(f"{name}()", function, arguments)


def execution_context(
    variables: MutableMapping[str, Any],
    *,
    process_instance_id: str,
    business_key: str | None = None,
    execution_id: str | None = None,
    activity_id: str | None = None,
    event_name: str | None = None,
) -> ContextObject:
    """Return Camunda's `execution` over a case's variables: getVariable, setVariable, ids, business key.

    A listener's execution also tells its `eventName` (start, end, take).
    """

    def set_variable(name: Any, value: Any) -> None:
        if not isinstance(name, str) or not name:
            raise ExpressionEvaluationError(f"a variable name is a non-empty string, not {describe(name)}")
        variables[name] = value

    return ContextObject(
        "execution",
        methods={
            "getVariable": lambda name: variables.get(to_text(name)),
            "hasVariable": lambda name: to_text(name) in variables,
            "setVariable": set_variable,
        },
        properties={
            "id": lambda: execution_id or process_instance_id,
            "processInstanceId": lambda: process_instance_id,
            "businessKey": lambda: business_key,
            "processBusinessKey": lambda: business_key,
            "currentActivityId": lambda: activity_id,
            "eventName": lambda: event_name,
        },
    )


def task_context(
    *,
    task_id: str,
    name: str | None,
    assignee: str | None = None,
    task_definition_key: str | None = None,
    variables: Mapping[str, Any] | None = None,
) -> ContextObject:
    """Return Camunda's `task` for a user task: id, name, assignee, definition key, getVariable."""
    seen = variables or {}
    return ContextObject(
        "task",
        methods={"getVariable": lambda variable: seen.get(to_text(variable))},
        properties={
            "id": lambda: task_id,
            "name": lambda: name,
            "assignee": lambda: assignee,
            "taskDefinitionKey": lambda: task_definition_key,
        },
    )


def read_property(base: Any, name: str) -> Any:
    """Return `base.name`: a map's entry (null when absent), a context object's property, else refuse."""
    if isinstance(base, dict):
        return base.get(name)
    if base is None:
        return None
    if isinstance(base, ContextObject):
        return base.read(name)
    if isinstance(base, Mapping):
        return base.get(name)
    hint = ""
    if isinstance(base, list | tuple | str):
        hint = "; call size() or length() instead" if name in ("size", "length") else ""
    raise ExpressionEvaluationError(f"cannot read property '{name}' of {describe(base)}{hint}")


def read_item(base: Any, key: Any) -> Any:
    """Return `base[key]`: a map's entry or a list's item (null when absent or out of range)."""
    if base is None or key is None:
        return None
    if isinstance(base, list | tuple):
        index = _index(key)
        return base[index] if 0 <= index < len(base) else None
    if isinstance(base, Mapping):
        try:
            return base.get(key)
        except TypeError:
            return None
    if isinstance(base, ContextObject):
        return base.read(to_text(key))
    raise ExpressionEvaluationError(f"cannot read item [{describe(key)}] of {describe(base)}")


def _index(key: Any) -> int:
    if isinstance(key, bool) or not isinstance(key, int | float | str) or key != key:
        raise ExpressionEvaluationError(f"a list index must be a number, not {describe(key)}")
    return to_long(key)


def call_method(base: Any, name: str, arguments: tuple[Any, ...]) -> Any:
    """Return `base.name(arguments)` for a whitelisted Java method or a context object's method."""
    if isinstance(base, ContextObject):
        return base.call(name, arguments)
    if base is None:
        raise ExpressionEvaluationError(f"cannot call {name}() on null")
    kind = _method_kind(base)
    method = _METHODS.get(kind, {}).get(name) or _ANY_METHODS.get(name)
    if method is None:
        offered = ", ".join(f"{m}()" for m in sorted({*_METHODS.get(kind, {}), *_ANY_METHODS}))
        raise ExpressionEvaluationError(
            f"{type_name(base)} has no method '{name}' that expressions may call (allowed: {offered})"
        )
    function, arity = method
    if len(arguments) not in arity:
        counts = " or ".join(str(n) for n in arity)
        raise ExpressionEvaluationError(f"{name}() takes {counts} argument(s), not {len(arguments)}")
    return function(base, *arguments)


def _method_kind(base: Any) -> str:
    if isinstance(base, str):
        return "string"
    if isinstance(base, list | tuple):
        return "list"
    if isinstance(base, Mapping):
        return "map"
    if isinstance(base, set | frozenset):
        return "set"
    return "other"


def _string_index(text: str, position: Any) -> int:
    index = to_long(position)
    if not 0 <= index <= len(text):
        raise ExpressionEvaluationError(f"index {index} is out of range for a string of length {len(text)}")
    return index


def _substring(text: str, begin: Any, end: Any = None) -> str:
    start = _string_index(text, begin)
    stop = len(text) if end is None else _string_index(text, end)
    if stop < start:
        raise ExpressionEvaluationError(f"substring({start}, {stop}): the end is before the beginning")
    return text[start:stop]


def _concat(text: str, other: Any) -> str:
    joined = text + to_text(other, limit=MAX_TEXT)
    if len(joined) > MAX_TEXT:
        raise ExpressionEvaluationError(f"the text would be longer than {MAX_TEXT} characters")
    return joined


def _list_get(items: list | tuple, position: Any) -> Any:
    index = _index(position)
    if not 0 <= index < len(items):
        raise ExpressionEvaluationError(f"index {index} is out of range for a list of size {len(items)}")
    return items[index]


def _index_of(items: list | tuple, wanted: Any) -> int:
    return next((i for i, item in enumerate(items) if java_equals(item, wanted)), -1)


def _map_get(entries: Mapping, key: Any) -> Any:
    try:
        return entries.get(key)
    except TypeError:
        return None


def _contains_key(entries: Mapping, key: Any) -> bool:
    try:
        return key in entries
    except TypeError:
        return False


def _contains_value(entries: Mapping, wanted: Any) -> bool:
    return any(java_equals(value, wanted) for value in entries.values())


def _equals_ignoring_case(text: str, other: Any) -> bool:
    return other is not None and text.casefold() == to_text(other).casefold()


# Java's String.trim() removes every character up to and including the space.
_JAVA_WHITESPACE = "".join(chr(code) for code in range(33))


_STRING_METHODS = {
    "length": (len, (0,)),
    "isEmpty": (lambda s: not s, (0,)),
    "contains": (lambda s, part: to_text(part) in s, (1,)),
    "startsWith": (lambda s, part: s.startswith(to_text(part)), (1,)),
    "endsWith": (lambda s, part: s.endswith(to_text(part)), (1,)),
    "equalsIgnoreCase": (_equals_ignoring_case, (1,)),
    "indexOf": (lambda s, part: s.find(to_text(part)), (1,)),
    "lastIndexOf": (lambda s, part: s.rfind(to_text(part)), (1,)),
    "compareTo": (lambda s, other: (s > to_text(other)) - (s < to_text(other)), (1,)),
    "toUpperCase": (str.upper, (0,)),
    "toLowerCase": (str.lower, (0,)),
    "trim": (lambda s: s.strip(_JAVA_WHITESPACE), (0,)),
    "substring": (_substring, (1, 2)),
    "concat": (_concat, (1,)),
}
_COLLECTION_METHODS = {
    "size": (len, (0,)),
    "isEmpty": (is_empty, (0,)),
    "contains": (lambda items, wanted: any(java_equals(item, wanted) for item in items), (1,)),
}
_METHODS: dict[str, dict[str, tuple[Callable[..., Any], tuple[int, ...]]]] = {
    "string": _STRING_METHODS,
    "list": {**_COLLECTION_METHODS, "get": (_list_get, (1,)), "indexOf": (_index_of, (1,))},
    "set": _COLLECTION_METHODS,
    "map": {
        "size": (len, (0,)),
        "isEmpty": (is_empty, (0,)),
        "get": (_map_get, (1,)),
        "containsKey": (_contains_key, (1,)),
        "containsValue": (_contains_value, (1,)),
    },
}
_ANY_METHODS = {
    "equals": (lambda value, other: java_equals(value, other), (1,)),
    "toString": (lambda value: to_text(value, limit=MAX_TEXT), (0,)),
}
