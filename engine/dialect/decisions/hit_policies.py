"""DMN hit policies: which matched rules make a decision table's result, and in what order.

UNIQUE (at most one rule may match), FIRST, ANY (matches must agree), PRIORITY and OUTPUT
ORDER (by the order of the outputs' `outputValues`), RULE ORDER, and COLLECT, with an
aggregation SUM, MIN, MAX or COUNT over its single output (empty output entries are left
out, as Camunda does) or without one.
"""

from __future__ import annotations

from numbers import Number

from engine.dialect.decision_errors import DecisionError
from engine.dialect.decisions.results import DecisionResult, RuleResult

HIT_POLICIES = ("UNIQUE", "FIRST", "PRIORITY", "ANY", "COLLECT", "RULE ORDER", "OUTPUT ORDER")
AGGREGATIONS = ("SUM", "MIN", "MAX", "COUNT")


def check_hit_policy(table) -> None:
    """Refuse a hit policy, aggregation or output shape that the table cannot be evaluated with."""
    where = f"decision {table.decision_id!r}"
    if table.hit_policy not in HIT_POLICIES:
        raise DecisionError(
            f"{where} has hit policy {table.hit_policy!r}; use one of {', '.join(HIT_POLICIES)}"
        )
    if table.aggregation is not None:
        if table.hit_policy != "COLLECT":
            raise DecisionError(f"{where}: aggregation {table.aggregation} needs hit policy COLLECT")
        if table.aggregation not in AGGREGATIONS:
            raise DecisionError(
                f"{where} has aggregation {table.aggregation!r}; use one of {', '.join(AGGREGATIONS)}"
            )
        if len(table.outputs) != 1:
            raise DecisionError(
                f"{where}: aggregation {table.aggregation} needs exactly one output, not {len(table.outputs)}"
            )
    if table.hit_policy in ("PRIORITY", "OUTPUT ORDER") and not any(o.priorities for o in table.outputs):
        raise DecisionError(f"{where}: hit policy {table.hit_policy} needs outputValues on an output")
    names = [output.name for output in table.outputs]
    if len(set(names)) != len(names):
        raise DecisionError(f"{where} has two outputs with the same name: {', '.join(names)}")


def apply_hit_policy(table, results: list[RuleResult]) -> DecisionResult:
    """Return the decision result the table's hit policy makes of the matched rules' results."""
    policy = table.hit_policy
    matched = tuple(rule for result in results for rule in result.rule_ids)
    if policy == "UNIQUE" and len(results) > 1:
        raise DecisionError(
            f"decision {table.decision_id!r} has hit policy UNIQUE but {len(results)} rules match: "
            + ", ".join(repr(rule) for rule in matched)
        )
    if policy == "ANY" and any(result.entries != results[0].entries for result in results):
        raise DecisionError(
            f"decision {table.decision_id!r} has hit policy ANY but the matching rules "
            + ", ".join(repr(rule) for rule in matched)
            + " give different outputs"
        )
    if policy in ("ANY", "FIRST"):
        results = results[:1]
    elif policy in ("PRIORITY", "OUTPUT ORDER"):
        results = sorted(results, key=lambda result: _priority(table, result))
        results = results[:1] if policy == "PRIORITY" else results
    elif table.aggregation is not None:
        results = _aggregate(table, results)
    return DecisionResult(table.decision_id, tuple(results), matched)


def _priority(table, result: RuleResult) -> tuple[int, ...]:
    ranks = []
    for output in table.outputs:
        if output.priorities:
            value = result.entries.get(output.name)
            ranks.append(
                output.priorities.index(value) if value in output.priorities else len(output.priorities)
            )
    return tuple(ranks)


def _aggregate(table, results: list[RuleResult]) -> list[RuleResult]:
    name = table.outputs[0].name
    values = [result.entries[name] for result in results if result.entries.get(name) is not None]
    rule_ids = tuple(rule for result in results for rule in result.rule_ids)
    if table.aggregation == "COUNT":
        return [RuleResult(rule_ids, {name: len(values)})]
    if not values:
        return []
    if not all(isinstance(value, Number) and not isinstance(value, bool) for value in values):
        raise DecisionError(
            f"decision {table.decision_id!r}: {table.aggregation} needs numbers but output {name!r} "
            f"gave {values!r}"
        )
    aggregate = {"SUM": sum, "MIN": min, "MAX": max}[table.aggregation]
    return [RuleResult(rule_ids, {name: aggregate(values)})]
