"""Business rule tasks that evaluate DMN decisions with licflow's FEEL evaluator, the Camunda 7 way.

Plug it into a SpiffWorkflow 3.2 `CamundaParser` subclass:

    class Parser(FeelDecisionsMixin, CamundaParser):
        OVERRIDE_PARSER_CLASSES = {**CamundaParser.OVERRIDE_PARSER_CLASSES, **DECISION_TASK_PARSER_CLASSES}

and register the converter with the serializer: `config[DecisionTask] = DecisionTaskConverter`.

`FeelDecisionsMixin.add_dmn_xml` reads every decision of a DMN document with
`decisions.read_decisions` (a refused decision is a ValidationException naming the file);
without the mixin the task parser reads the documents SpiffWorkflow already holds.

A `bpmn:businessRuleTask` with `camunda:decisionRef` evaluates that decision over the task's
data. With `camunda:resultVariable`, the result mapped by `camunda:mapDecisionResult`
(singleEntry, singleResult, collectEntries, resultList; resultList when not given) becomes
that variable. Without one, Camunda keeps nothing; a parser class may set
`DecisionTaskParser.merge_result_without_variable = True` to merge a single result's entries
into the data instead, as SpiffWorkflow's own business rule task did. Only the latest
binding is supported (`camunda:decisionRefBinding` absent, `latest` or `deployment`). Values
SpiffWorkflow's serializer cannot store (dates, times, years-months durations) are stored as
their ISO text. A failing decision raises WorkflowTaskException with the DecisionError as cause.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.serializer.helpers.spec import TaskSpecConverter
from SpiffWorkflow.bpmn.specs.mixins.bpmn_spec_mixin import BpmnSpecMixin
from SpiffWorkflow.camunda.parser.task_spec import CAMUNDA_MODEL_NS, CamundaTaskParser

from engine.dialect.decision_errors import DecisionError, FeelError
from engine.dialect.decisions import Decision, read_decisions
from engine.dialect.decisions.results import MAPPINGS, RESULT_LIST, map_decision_result
from engine.dialect.feel.values import YearsMonthsDuration

CAMUNDA = "{" + CAMUNDA_MODEL_NS + "}"
SUPPORTED_BINDINGS = ("latest", "deployment")


class DecisionTask(BpmnSpecMixin):
    """A business rule task: evaluate a decision and keep its mapped result in a variable."""

    def __init__(
        self,
        wf_spec,
        bpmn_id,
        decision: Decision,
        result_variable: str | None = None,
        map_decision_result: str | None = None,
        merge_result: bool = False,
        **kwargs,
    ):
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.decision = decision
        self.result_variable = result_variable
        self.map_decision_result = map_decision_result or RESULT_LIST
        self.merge_result = merge_result

    def _run_hook(self, my_task):
        try:
            result = self.decision.evaluate(my_task.data)
            if self.result_variable:
                mapped = map_decision_result(result, self.map_decision_result)
                my_task.data[self.result_variable] = storable(mapped)
            elif self.merge_result:
                my_task.data.update(storable(result.single_result() or {}))
        except (DecisionError, FeelError) as error:
            failure = WorkflowTaskException(str(error), task=my_task, exception=error)
            task_name = self.bpmn_name or self.bpmn_id
            failure.add_note(f"Business Rule Task '{task_name}', decision {self.decision.id!r}.")
            raise failure from error
        return super()._run_hook(my_task)


def storable(value: Any) -> Any:
    """Return `value` with dates, times and years-months durations as ISO text, for the serializer."""
    if isinstance(value, dict):
        return {key: storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [storable(item) for item in value]
    if isinstance(value, (date, time)) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, YearsMonthsDuration):
        return str(value)
    return value


class DecisionTaskParser(CamundaTaskParser):
    """Parse a business rule task that names its decision by `camunda:decisionRef`."""

    merge_result_without_variable = False

    @staticmethod
    def get_decision_ref(node) -> str | None:
        """Return the decision id the task refers to (SpiffWorkflow collects these as dependencies)."""
        return node.get(CAMUNDA + "decisionRef")

    def create_task(self):
        reference = self.get_decision_ref(self.node)
        if not reference:
            self.raise_validation_exception("a business rule task needs camunda:decisionRef (a decision id)")
        if "${" in reference or "#{" in reference:
            self.raise_validation_exception(
                f"camunda:decisionRef {reference!r} must be a decision id, not an expression"
            )
        binding = self.node.get(CAMUNDA + "decisionRefBinding") or "latest"
        if binding not in SUPPORTED_BINDINGS:
            self.raise_validation_exception(
                f"camunda:decisionRefBinding={binding!r} is not supported; the latest decision is used"
            )
        mapping = self.node.get(CAMUNDA + "mapDecisionResult") or RESULT_LIST
        if mapping not in MAPPINGS:
            self.raise_validation_exception(
                f"camunda:mapDecisionResult={mapping!r} is not one of {', '.join(MAPPINGS)}"
            )
        return self.spec_class(
            self.spec,
            self.bpmn_id,
            decision=self._decision(reference),
            result_variable=self.node.get(CAMUNDA + "resultVariable") or None,
            map_decision_result=mapping,
            merge_result=self.merge_result_without_variable,
            **self.bpmn_attributes,
        )

    def _decision(self, reference: str) -> Decision:
        parser = self.process_parser.parser
        try:
            decisions = decisions_of(parser)
        except DecisionError as error:
            self.raise_validation_exception(str(error))
        if reference not in decisions:
            known = ", ".join(sorted(decisions)) or "none"
            self.raise_validation_exception(f"no decision with id {reference!r} is deployed (known: {known})")
        return decisions[reference]


class FeelDecisionsMixin:
    """Parser mixin: read each DMN document's decisions with licflow's evaluator when it is added."""

    def add_dmn_xml(self, node, filename=None):
        try:
            decisions = read_decisions(node)
        except DecisionError as error:
            raise ValidationException(str(error), node=node, file_name=filename) from error
        super().add_dmn_xml(node, filename=filename)
        known = self.__dict__.setdefault("feel_decisions", {})
        for decision_id in decisions:
            if decision_id in known:
                raise ValidationException(f"decision id {decision_id!r} is defined twice", file_name=filename)
        known.update(decisions)


def decisions_of(parser) -> dict[str, Decision]:
    """Return the parser's decisions by id, reading the DMN documents SpiffWorkflow holds if needed."""
    if hasattr(parser, "feel_decisions"):
        return parser.feel_decisions
    decisions: dict[str, Decision] = {}
    for dmn_parser in getattr(parser, "dmn_parsers", {}).values():
        decisions.update(read_decisions(dmn_parser.node))
    return decisions


class DecisionTaskConverter(TaskSpecConverter):
    """Serialize a DecisionTask with its decision as plain data."""

    def to_dict(self, spec):
        dct = self.get_default_attributes(spec)
        dct["decision"] = spec.decision.to_dict()
        dct["result_variable"] = spec.result_variable
        dct["map_decision_result"] = spec.map_decision_result
        dct["merge_result"] = spec.merge_result
        return dct

    def from_dict(self, dct):
        dct["decision"] = Decision.from_dict(dct["decision"])
        return self.task_spec_from_dict(dct)


DECISION_TASK_PARSER_CLASSES = {full_tag("businessRuleTask"): (DecisionTaskParser, DecisionTask)}
