"""Read DMN 1.1/1.2/1.3 decisions (as Camunda Modeler saves them) and evaluate them with FEEL.

Public API:
    read_decisions(root) -> dict[str, Decision]     # root: an already parsed <definitions>
    Decision.evaluate(variables) -> DecisionResult
    Decision.to_dict() -> dict / Decision.from_dict(dct) -> Decision   (plain JSON data)
    map_decision_result(result, mode) -> Any   # singleEntry, singleResult, collectEntries,
                                               # resultList (the default)
    DecisionResult.result_list() / first_result() / single_result() / single_entry() /
        collect_entries(); .matched_rules (rule ids)
    DecisionError, DecisionResultError (ValueErrors naming the decision and element)

Supported: decision tables with every DMN hit policy (UNIQUE, FIRST, ANY, PRIORITY, RULE ORDER,
OUTPUT ORDER, COLLECT with SUM/MIN/MAX/COUNT or without), FEEL input expressions, input
entries and output entries, `camunda:inputVariable` (default `cellInput`), Camunda's typeRefs
(string, boolean, integer, long, double, date), literal expression decisions, and required
decisions (evaluated first; their outputs become variables as in Camunda: a single result's
entries by name, several results as lists per output name).

Refused with a DecisionError: other decision logic (contexts, invocations, relations,
functions), knowledge requirements (business knowledge models), expression languages other
than FEEL, unknown hit policies or aggregations, a required decision that is missing or
makes a cycle, malformed FEEL, outputs without a name. An empty output entry gives null
(Camunda 7.20's returnBlankTableOutputAsNull; by default Camunda leaves the entry out).
FIRST stops at the first matching rule, so output entries of later matches are not evaluated.
"""

from __future__ import annotations

from typing import Any

from engine.dialect.decision_errors import DecisionError, DecisionResultError
from engine.dialect.decisions.reader import read_definitions
from engine.dialect.decisions.results import DecisionResult, map_decision_result
from engine.dialect.decisions.tables import DecisionTable, LiteralExpression

__all__ = [
    "Decision",
    "DecisionError",
    "DecisionResult",
    "DecisionResultError",
    "map_decision_result",
    "read_decisions",
]


class Decision:
    """A DMN decision, compiled: a decision table or a literal expression, with its requirements."""

    def __init__(self, definition: dict, required: tuple[Decision, ...] = ()):
        self.definition = {key: value for key, value in definition.items() if key != "required"}
        self.id = definition["id"]
        self.name = definition.get("name") or self.id
        if "table" in definition:
            self.logic = DecisionTable(self.id, definition["table"])
        elif "literal" in definition:
            self.logic = LiteralExpression(self.id, definition["literal"])
        else:
            raise DecisionError(f"decision {self.id!r} has neither a decision table nor a literal expression")
        self.required = required
        self.plan = _plan(self)

    def evaluate(self, variables: dict[str, Any]) -> DecisionResult:
        """Evaluate the required decisions, then this one, over `variables`."""
        if not self.plan:
            return self.logic.evaluate(variables)
        scope = dict(variables)
        for decision in self.plan:
            _add_to_scope(decision, decision.logic.evaluate(scope), scope)
        return self.logic.evaluate(scope)

    def to_dict(self) -> dict:
        """Return the decision as plain data (JSON-serializable), required decisions included."""
        return {**self.definition, "required": [decision.to_dict() for decision in self.required]}

    @classmethod
    def from_dict(cls, dct: dict) -> Decision:
        """Return the decision that `to_dict` gave."""
        built: dict[str, Decision] = {}

        def build(item: dict) -> Decision:
            if item["id"] not in built:
                required = tuple(build(child) for child in item.get("required", []))
                built[item["id"]] = cls(item, required)
            return built[item["id"]]

        return build(dct)

    def __repr__(self) -> str:
        return f"Decision({self.id!r})"


def _plan(decision: Decision) -> list[Decision]:
    order: list[Decision] = []
    seen: set[str] = set()

    def visit(current: Decision) -> None:
        for required in current.required:
            if required.id not in seen:
                seen.add(required.id)
                visit(required)
                order.append(required)

    visit(decision)
    return [item for item in order if item.id != decision.id]


def _add_to_scope(decision: Decision, result: DecisionResult, scope: dict) -> None:
    # Camunda: a single result's entries by name; several (or a list policy's) as lists
    entries = result.result_list()
    if not entries:
        return
    listing = decision.logic.hit_policy in ("COLLECT", "RULE ORDER", "OUTPUT ORDER")
    if len(entries) == 1 and not (listing and decision.logic.aggregation is None):
        scope.update(entries[0])
        return
    for name in {name for entry in entries for name in entry}:
        scope[name] = [entry[name] for entry in entries if name in entry]


def read_decisions(root) -> dict[str, Decision]:
    """Return the decisions of a parsed DMN `<definitions>` element, by decision id."""
    definitions = read_definitions(root)
    built: dict[str, Decision] = {}

    def build(decision_id: str, path: tuple[str, ...]) -> Decision:
        if decision_id in path:
            cycle = " -> ".join((*path, decision_id))
            raise DecisionError(f"decision {path[-1]!r} requires itself through {cycle}")
        if decision_id not in built:
            definition = definitions.get(decision_id)
            if definition is None:
                raise DecisionError(
                    f"decision {path[-1]!r} requires decision {decision_id!r}, which is not defined"
                )
            required = tuple(build(child, (*path, decision_id)) for child in definition["required"])
            built[decision_id] = Decision(definition, required)
        return built[decision_id]

    return {decision_id: build(decision_id, ()) for decision_id in definitions}
