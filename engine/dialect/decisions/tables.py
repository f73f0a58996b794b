"""Decision tables and literal expressions, compiled once and evaluated as Camunda 7 does.

A decision is built from a plain dict (its definition: ids, FEEL texts, type refs), which is
also what it serializes to; `decisions.read_decisions` makes those dicts from DMN XML.
"""

from __future__ import annotations

from typing import Any

from engine.dialect.decision_errors import DecisionError, FeelError
from engine.dialect.decisions.hit_policies import HIT_POLICIES, apply_hit_policy, check_hit_policy
from engine.dialect.decisions.results import DecisionResult, RuleResult
from engine.dialect.decisions.type_refs import TypeMismatch, converter
from engine.dialect.feel import FeelExpression, compile_expression, compile_unary_tests
from engine.dialect.feel.values import normalize, to_python


class TableInput:
    """One input column: its expression, typeRef and the name entries use for its value."""

    def __init__(self, decision_id: str, dct: dict):
        self.id, self.label, self.type_ref = dct["id"], dct.get("label") or "", dct.get("type_ref")
        self.text = dct.get("expression") or ""
        self.input_variable = dct.get("input_variable") or "cellInput"
        self.where = f"decision {decision_id!r} input {self.id!r}" + (
            f" ({self.label})" if self.label else ""
        )
        self.expression = _compile(self.text, self.where) if self.text.strip() else None
        self.convert = converter(self.type_ref)

    def value(self, variables) -> Any:
        """Return this input's value for `variables`, converted to its typeRef."""
        if self.expression is None:
            return None
        try:
            value = self.expression.evaluate_feel(variables)
        except FeelError as error:
            raise DecisionError(f"{self.where}: {error}") from error
        if self.convert is None or value is None or (type(value) is str and self.type_ref == "string"):
            return value
        try:
            return normalize(self.convert(to_python(value)))
        except TypeMismatch:
            raise DecisionError(
                f"{self.where} has typeRef {self.type_ref!r} but {self.text!r} gave {to_python(value)!r}"
            ) from None


class TableOutput:
    """One output column: its name (the result key), typeRef and priority order."""

    def __init__(self, decision_id: str, dct: dict):
        self.id, self.name, self.type_ref = dct["id"], dct.get("name"), dct.get("type_ref")
        self.where = f"decision {decision_id!r} output {self.id!r}"
        if not self.name:
            raise DecisionError(f"{self.where} has no name; results are keyed by output name")
        self.convert = converter(self.type_ref)
        self.output_values = dct.get("output_values") or ""
        self.priorities = self._priorities() if self.output_values.strip() else None

    def _priorities(self) -> list:
        listed = _compile(f"[{self.output_values}]", f"{self.where} output values")
        if not listed.is_constant:
            raise DecisionError(f"{self.where} output values {self.output_values!r} must be literals")
        return [self.converted(value, "its output values") for value in listed.evaluate({})]

    def converted(self, value, rule_id: str) -> Any:
        """Return `value` converted to this output's typeRef."""
        if self.convert is None or value is None:
            return value
        try:
            return self.convert(value)
        except TypeMismatch:
            raise DecisionError(
                f"{self.where} ({self.name}) has typeRef {self.type_ref!r} and cannot take {value!r} "
                f"(rule {rule_id!r})"
            ) from None


class TableRule:
    """One rule: the unary tests that must pass and the output entries it gives."""

    def __init__(self, decision_id: str, dct: dict, inputs: list[TableInput], outputs: list[TableOutput]):
        self.id = dct["id"]
        where = f"decision {decision_id!r} rule {self.id!r}"
        tests, entries = dct.get("input_entries", []), dct.get("output_entries", [])
        if len(tests) != len(inputs) or len(entries) != len(outputs):
            raise DecisionError(
                f"{where} has {len(tests)} input and {len(entries)} output entries; "
                f"the table has {len(inputs)} inputs and {len(outputs)} outputs"
            )
        self.checks = tuple(
            (index, compiled.check)
            for index, compiled in enumerate(
                _compile_tests(text, column.input_variable, f"{where} input entry for {column.id!r}")
                for text, column in zip(tests, inputs, strict=True)
            )
            if not compiled.matches_any
        )
        self.outputs = outputs
        self.entries = [
            _compile(text, f"{where} output entry for {column.id!r}") if (text or "").strip() else None
            for text, column in zip(entries, outputs, strict=True)
        ]
        self.constant = None
        if all(entry is None or entry.is_constant for entry in self.entries):
            self.constant = self._evaluate({})

    def matches(self, variables, values: list) -> bool:
        """Return whether every input entry of this rule passes."""
        for index, test in self.checks:  # noqa: SIM110 (a plain loop is the fast path)
            if test(variables, values[index]) is not True:
                return False
        return True

    def result(self, variables) -> RuleResult:
        """Return this rule's output entries, converted to their typeRefs."""
        entries = dict(self.constant) if self.constant is not None else self._evaluate(variables)
        return RuleResult((self.id,), entries)

    def _evaluate(self, variables) -> dict[str, Any]:
        return {
            output.name: output.converted(None if entry is None else entry.evaluate(variables), self.id)
            for output, entry in zip(self.outputs, self.entries, strict=True)
        }


class DecisionTable:
    """A decision table with its hit policy."""

    def __init__(self, decision_id: str, dct: dict):
        self.decision_id = decision_id
        self.id = dct.get("id") or decision_id
        self.hit_policy = (dct.get("hit_policy") or "UNIQUE").strip().upper()
        self.aggregation = (dct.get("aggregation") or "").strip().upper() or None
        self.inputs = [TableInput(decision_id, item) for item in dct.get("inputs", [])]
        self.outputs = [TableOutput(decision_id, item) for item in dct.get("outputs", [])]
        check_hit_policy(self)
        self.rules = [
            TableRule(decision_id, item, self.inputs, self.outputs) for item in dct.get("rules", [])
        ]
        self.first_only = self.hit_policy == "FIRST"

    def evaluate(self, variables) -> DecisionResult:
        """Return the matched rules' results, as the hit policy orders and checks them."""
        values = [column.value(variables) for column in self.inputs]
        matched = []
        rule = None
        try:
            for rule in self.rules:
                if rule.matches(variables, values):
                    matched.append(rule)
                    if self.first_only:
                        break
            results = []
            for rule in matched:  # noqa: B007 (the failing rule is named below)
                results.append(rule.result(variables))
        except FeelError as error:
            failing = f" rule {rule.id!r}" if rule is not None else ""
            raise DecisionError(f"decision {self.decision_id!r}{failing}: {error}") from error
        return apply_hit_policy(self, results)


class LiteralExpression:
    """A decision whose logic is one FEEL expression; its result is keyed by its variable's name."""

    def __init__(self, decision_id: str, dct: dict):
        self.decision_id = decision_id
        self.hit_policy = None
        self.variable = dct.get("variable") or decision_id
        self.where = f"decision {decision_id!r} literal expression"
        self.expression = _compile(dct.get("text") or "", self.where)
        self.type_ref = dct.get("type_ref")
        self.convert = converter(self.type_ref)

    def evaluate(self, variables) -> DecisionResult:
        """Return the expression's value as the decision's single result."""
        try:
            value = self.expression.evaluate(variables)
        except FeelError as error:
            raise DecisionError(f"{self.where}: {error}") from error
        if self.convert is not None and value is not None:
            try:
                value = self.convert(value)
            except TypeMismatch:
                raise DecisionError(
                    f"{self.where} has typeRef {self.type_ref!r}; it gave {value!r}"
                ) from None
        return DecisionResult(self.decision_id, (RuleResult((), {self.variable: value}),), ())


def _compile(text: str, where: str) -> FeelExpression:
    try:
        return compile_expression(text)
    except FeelError as error:
        raise DecisionError(f"{where}: {error}") from error


def _compile_tests(text: str | None, input_variable: str, where: str):
    try:
        return compile_unary_tests(text or "", input_variable)
    except FeelError as error:
        raise DecisionError(f"{where}: {error}") from error


__all__ = ["HIT_POLICIES", "DecisionTable", "LiteralExpression"]
