"""A decision's result, and Camunda's `camunda:mapDecisionResult` mappings of it.

A result is a list of rule results (one per matched rule; one in all for a COLLECT with an
aggregation or a literal expression), each a dict of output name -> value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.dialect.decision_errors import DecisionResultError

SINGLE_ENTRY = "singleEntry"
SINGLE_RESULT = "singleResult"
COLLECT_ENTRIES = "collectEntries"
RESULT_LIST = "resultList"
MAPPINGS = (SINGLE_ENTRY, SINGLE_RESULT, COLLECT_ENTRIES, RESULT_LIST)


@dataclass(frozen=True)
class RuleResult:
    """The outputs of one matched rule (or of an aggregation), by output name."""

    rule_ids: tuple[str, ...]
    entries: dict[str, Any]


@dataclass(frozen=True)
class DecisionResult:
    """What a decision gave: its rule results in hit policy order and the rules that matched."""

    decision_id: str
    results: tuple[RuleResult, ...]
    matched_rules: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.results)

    def result_list(self) -> list[dict[str, Any]]:
        """Return every rule result's entries (Camunda's getResultList)."""
        return [dict(result.entries) for result in self.results]

    def first_result(self) -> dict[str, Any] | None:
        """Return the first rule result's entries, or None when no rule matched."""
        return dict(self.results[0].entries) if self.results else None

    def single_result(self) -> dict[str, Any] | None:
        """Return the only rule result's entries; fail when there are several."""
        if len(self.results) > 1:
            raise self._error(
                SINGLE_RESULT, f"it has {len(self.results)} results (rules {self._rules()}), not one"
            )
        return self.first_result()

    def single_entry(self) -> Any:
        """Return the only entry of the only rule result; fail when there are several."""
        result = self.single_result()
        if result is None:
            return None
        if len(result) > 1:
            raise self._error(
                SINGLE_ENTRY, f"its result has {len(result)} entries ({', '.join(result)}), not one"
            )
        return next(iter(result.values()), None)

    def collect_entries(self) -> list[Any]:
        """Return the one output's value of every rule result; fail when there are several outputs."""
        names = {name for result in self.results for name in result.entries}
        if len(names) > 1:
            raise self._error(
                COLLECT_ENTRIES,
                f"its results have {len(names)} outputs ({', '.join(sorted(names))}), not one",
            )
        return [value for result in self.results for value in result.entries.values()]

    def _rules(self) -> str:
        return ", ".join(repr(rule) for result in self.results for rule in result.rule_ids)

    def _error(self, mapping: str, reason: str) -> DecisionResultError:
        return DecisionResultError(
            f"the result of decision {self.decision_id!r} cannot be mapped with "
            f"camunda:mapDecisionResult={mapping!r}: {reason}"
        )


def map_decision_result(result: DecisionResult, mode: str | None = RESULT_LIST) -> Any:
    """Return `result` mapped as `camunda:mapDecisionResult` says (resultList when not given)."""
    mapping = mode or RESULT_LIST
    if mapping == SINGLE_ENTRY:
        return result.single_entry()
    if mapping == SINGLE_RESULT:
        return result.single_result()
    if mapping == COLLECT_ENTRIES:
        return result.collect_entries()
    if mapping == RESULT_LIST:
        return result.result_list()
    raise DecisionResultError(
        f"camunda:mapDecisionResult={mapping!r} is not one of {', '.join(MAPPINGS)} "
        f"(decision {result.decision_id!r})"
    )
