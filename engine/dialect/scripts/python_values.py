"""Copy a case's variables into a Python-subset run, and pick out what the run set or changed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.dialect.scripts.limits import Budget, LimitExceeded

_CONTAINERS = (list, tuple, dict, set, frozenset)


def thaw(value: Any, budget: Budget, depth: int = 0) -> Any:
    """Return a deep copy of a variable's lists, dicts, tuples and sets, charged to the budget."""
    if not isinstance(value, _CONTAINERS):
        return value
    if depth > budget.limits.max_value_depth:
        raise LimitExceeded(f"a variable nests deeper than {budget.limits.max_value_depth} levels")
    budget.items(len(value))
    if isinstance(value, dict):
        return {key: thaw(item, budget, depth + 1) for key, item in value.items()}
    copied = [thaw(item, budget, depth + 1) for item in value]
    return copied if isinstance(value, list) else type(value)(copied)


def check_nesting(value: Any, budget: Budget, heights: dict[int, int], open_: set[int]) -> int:
    """Return how deep a value handed out by the script nests; refuse cycles and depths past the cap."""
    if not isinstance(value, _CONTAINERS):
        return 0
    key = id(value)
    if key in heights:
        return heights[key]
    if key in open_:
        raise LimitExceeded("a value contains itself")
    cap = budget.limits.max_value_depth
    if len(open_) >= cap:
        raise LimitExceeded(f"a value nests deeper than {cap} levels")
    open_.add(key)
    budget.step(1 + len(value) // 64)
    children = value.values() if isinstance(value, dict) else value
    height = 1 + max((check_nesting(child, budget, heights, open_) for child in children), default=0)
    open_.discard(key)
    heights[key] = height
    return height


def changed_variables(
    final: Mapping[str, Any],
    inputs: Mapping[str, Any],
    assigned: Mapping[str, None],
    copied: set[str],
    budget: Budget,
) -> dict[str, Any]:
    """Return the variables the script assigned, and those it changed in place."""
    heights: dict[int, int] = {}
    for name in [*assigned, *copied]:
        if name in final:
            check_nesting(final[name], budget, heights, set())
    changes = {name: final[name] for name in assigned if name in final}
    for name in sorted(copied - assigned.keys()):
        if name in final and final[name] != inputs[name]:
            changes[name] = final[name]
    return changes
