"""Task specs and parser pieces for Camunda 7 constructs SpiffWorkflow runs differently or not at all.

- plain (none) tasks and manual tasks pass through, as in Camunda;
- boundary events set `camunda:errorCodeVariable` / `errorMessageVariable` /
  `escalationCodeVariable`, and a non-interrupting one keeps listening while its activity lives;
- signals are broadcast: thrown, they reach every catch of the case and are handed to the
  engine, which delivers them to every other case and signal start event waiting for them;
- an error end event throws the error's `camunda:errorMessage` as its message.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.parser.event_parsers import SIGNAL_EVENT_XPATH
from SpiffWorkflow.bpmn.serializer.default.task_spec import BoundaryEventConverter, BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.serializer.helpers.spec import EventDefinitionConverter
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (
    CodeEventDefinition,
    ErrorEventDefinition,
    EscalationEventDefinition,
    SignalEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.bpmn_spec_mixin import BpmnSpecMixin
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.camunda.parser.task_spec import CamundaTaskParser
from SpiffWorkflow.util.task import TaskState

from engine.dialect.constructs import compensation, timers
from engine.dialect.constructs.conditions import REARMED as CONDITION_REARMED
from engine.dialect.constructs.conditions import WatchedCondition
from engine.dialect.constructs.vocabulary import CAMUNDA_NS, B, C

CODE_VARIABLES = {
    "errorEventDefinition": ("errorCodeVariable", "errorMessageVariable"),
    "escalationEventDefinition": ("escalationCodeVariable",),
}
REARMED = (MessageEventDefinition, SignalEventDefinition, EscalationEventDefinition, WatchedCondition)


class PassThroughTask(BpmnSpecMixin):
    """A plain task or a manual task: Camunda passes it at once, and so does licflow."""


class PassThroughParser(CamundaTaskParser):
    """Parse `bpmn:task` and `bpmn:manualTask` as tasks the engine passes through."""


class BroadcastSignal(SignalEventDefinition):
    """A signal that reaches every waiting catch in the case and is handed on to other cases.

    As in Camunda 7, a signal carries no variables (`camunda:in` on signals is refused).
    """

    def throw(self, my_task):
        top = my_task.workflow.top_workflow
        top.event_manager.catch(BpmnEvent(self), internal=False)
        top.bpmn_events.append(BpmnEvent(self))


class LicflowBoundaryEvent(BoundaryEvent):
    """A boundary event that writes the caught code to variables and keeps listening when non-interrupting."""

    def catch(self, my_task, event):
        definition = event.event_definition
        if isinstance(definition, CodeEventDefinition):
            my_task.internal_data["thrown"] = {"code": definition.code, "message": definition.name}
        super().catch(my_task, event)

    def _run_hook(self, my_task):
        thrown = my_task.internal_data.pop("thrown", None)
        result = super()._run_hook(my_task)
        if thrown is not None:
            _write_code_variables(self.extensions.get("camunda", {}), my_task, thrown)
        if not self.cancel_activity and isinstance(self.event_definition, REARMED):
            _listen_again(self, my_task)
        return result


def _write_code_variables(camunda: dict, my_task, thrown: dict) -> None:
    names = {
        "errorCodeVariable": thrown["code"],
        "escalationCodeVariable": thrown["code"],
        "errorMessageVariable": thrown["message"] or None,
    }
    for attribute, value in names.items():
        if camunda.get(attribute):
            my_task.data[camunda[attribute]] = value


def _listen_again(spec, my_task) -> None:
    """Wait for the event once more beside the activity, as long as the activity has not finished."""
    split = my_task.parent
    activity = next((c for c in split.children if not isinstance(c.task_spec, BoundaryEvent)), None)
    if activity is None or activity.has_state(TaskState.FINISHED_MASK):
        return
    again = split._add_child(spec, TaskState.WAITING)
    again.triggered = True
    again.internal_data[CONDITION_REARMED] = True  # a condition fires again only on a new change
    spec._predict(again, mask=TaskState.NOT_FINISHED_MASK)
    spec._update(again)


class CodeVariablesParser:
    """Read the code variables of an error or escalation catch onto the boundary event's extensions."""

    def parse_extensions(self, node=None):
        extensions = super().parse_extensions(node)
        element = node if node is not None else self.node
        for kind, attributes in CODE_VARIABLES.items():
            definition = element.find(f"{B}{kind}")
            for attribute in attributes if definition is not None else ():
                value = definition.get(f"{C}{attribute}")
                if value:
                    extensions["camunda"][attribute] = value
        return extensions


class SignalEndParser:
    """Parse a signal end event, which SpiffWorkflow's end event parser does not look for."""

    def create_task(self):
        if self.node.find(f"{B}signalEventDefinition") is None:
            return super().create_task()
        definition = self.get_event_definition([SIGNAL_EVENT_XPATH])
        task = self._create_task(definition)
        task.connect(self.spec.end)
        return task


class SignalAndErrorParser:
    """Build broadcast signals, timers read as Camunda reads them, errors with their errorMessage."""

    def parse_timer_event(self, event):
        parsed = super().parse_timer_event(event)
        starts = self.node.tag == f"{B}startEvent" and self.node.getparent().tag == f"{B}process"
        return timers.timer_start(event, parsed) if starts else parsed

    def parse_signal_event(self, signal_event):
        parsed = super().parse_signal_event(signal_event)
        return BroadcastSignal(parsed.name, description=parsed.description)

    def parse_error_event(self, error_event):
        parsed = super().parse_error_event(error_event)
        reference = error_event.get("errorRef")
        if reference and self.node.tag == f"{B}endEvent":
            found = self.doc_xpath(f".//bpmn:error[@id='{reference}']")
            message = found[0].get("{" + CAMUNDA_NS + "}errorMessage") if found else None
            return ErrorEventDefinition(message or "", parsed.code, description=parsed.description)
        return parsed


CONVERTERS = {
    PassThroughTask: BpmnTaskSpecConverter,
    LicflowBoundaryEvent: BoundaryEventConverter,
    BroadcastSignal: EventDefinitionConverter,
    **timers.CONVERTERS,
    **compensation.CONVERTERS,
}
