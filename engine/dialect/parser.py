"""Parse Camunda 7 diagrams with SpiffWorkflow, keeping the Camunda attributes it drops.

Service tasks become external tasks (`camunda:type="external"` + `camunda:topic`);
user tasks keep candidate groups and users, assignee, due date and form; message
catch events and receive tasks merge the message's variables into the case, as
Camunda does.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.event_parsers import ReceiveTaskParser
from SpiffWorkflow.bpmn.parser.task_parsers import ConditionalGatewayParser, GatewayParser
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.defaults import (
    CallActivity,
    EndEvent,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
    ReceiveTask,
    ScriptTask,
    StartEvent,
)
from SpiffWorkflow.bpmn.specs.mixins.bpmn_spec_mixin import BpmnSpecMixin
from SpiffWorkflow.bpmn.specs.mixins.service_task import ServiceTask as ServiceTaskMixin
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.event_parsers import (
    CamundaBoundaryEventParser,
    CamundaEndEventParser,
    CamundaEventDefinitionParser,
    CamundaIntermediateCatchEventParser,
    CamundaIntermediateThrowEventParser,
    CamundaStartEventParser,
)
from SpiffWorkflow.camunda.parser.task_spec import (
    CAMUNDA_MODEL_NS,
    CallActivityParser,
    CamundaTaskParser,
    SubWorkflowParser,
    UserTaskParser,
)
from SpiffWorkflow.camunda.specs.event_definitions import (
    MessageEventDefinition as CamundaMessageEventDefinition,
)
from SpiffWorkflow.camunda.specs.user_task import UserTask

from engine.dialect.constructs import compensation, mappings, refusals, rewrite
from engine.dialect.constructs.async_steps import AsyncContinuationParser
from engine.dialect.constructs.calls import BoundCallActivity
from engine.dialect.constructs.conditions import ConditionParser
from engine.dialect.constructs.gateways import BranchMergingInclusiveGateway, BranchMergingParallelGateway
from engine.dialect.constructs.multi_instance import MultiInstanceParser
from engine.dialect.constructs.specs import (
    CodeVariablesParser,
    LicflowBoundaryEvent,
    PassThroughParser,
    PassThroughTask,
    SignalAndErrorParser,
    SignalEndParser,
)
from engine.dialect.decisions.task import DECISION_TASK_PARSER_CLASSES, FeelDecisionsMixin
from engine.dialect.expression_check import check_expressions
from engine.dialect.listeners.reading import ListeningProcessParser, give_takes_an_element
from engine.dialect.script_tasks import SandboxedScriptTaskParser
from engine.dialect.timer_events import CamundaTimerParser
from engine.dialect.xmlsafe import parse_xml
from engine.errors import InvalidDiagram

CAMUNDA = "{" + CAMUNDA_MODEL_NS + "}"
USER_TASK_ATTRIBUTES = ("candidateGroups", "candidateUsers", "assignee", "dueDate", "formKey")


class ExternalServiceTask(ServiceTaskMixin, BpmnSpecMixin):
    """A service task done by a worker outside the engine; it waits until completed."""

    def _run_hook(self, my_task):
        return None  # stays STARTED until a worker completes it

    @property
    def topic(self) -> str:
        return self.extensions["camunda"]["topic"]


class VariablesMessageEventDefinition(CamundaMessageEventDefinition):
    """A message whose payload (a dict) becomes case variables when it is caught."""

    def update_internal_data(self, my_task, event):
        my_task.internal_data[self.name] = event.payload

    def update_task_data(self, my_task):
        payload = my_task.internal_data.get(self.name) or {}
        variables = payload.get("payload") if "result_var" in payload else payload
        if payload.get("result_var"):
            my_task.data[payload["result_var"]] = variables
        elif isinstance(variables, dict):
            my_task.data.update(variables)


class CamundaAttributes:
    """Keep every `camunda:*` attribute of the element under extensions['camunda']."""

    def parse_extensions(self, node=None):
        extensions = {"properties": super().parse_extensions(node)}
        element = node if node is not None else self.node
        extensions["camunda"] = {
            key[len(CAMUNDA) :]: value for key, value in element.attrib.items() if key.startswith(CAMUNDA)
        }
        return extensions


class VariablesMessageParser:
    """Build message events that merge their payload into the case variables."""

    def parse_message_event(self, message_event):
        parsed = super().parse_message_event(message_event)
        return VariablesMessageEventDefinition(
            parsed.name, parsed.correlation_properties, parsed.expression, parsed.result_var
        )


class ExternalTaskParser(MultiInstanceParser, CamundaAttributes, CamundaTaskParser):
    """Parse a service task as an external task and insist on a topic."""

    def create_task(self):
        kind = self.node.get(CAMUNDA + "type")
        topic = self.node.get(CAMUNDA + "topic")
        if kind != "external" or not topic:
            self.raise_validation_exception(
                'licflow runs service tasks as external tasks: set camunda:type="external" '
                "and a camunda:topic"
            )
        return super().create_task()


class LicflowUserTaskParser(MultiInstanceParser, CamundaAttributes, UserTaskParser):
    """Parse a user task keeping assignment, due date and form attributes."""


class CamundaReceiveTaskParser(CamundaEventDefinitionParser, ReceiveTaskParser):
    """Parse a receive task's message the Camunda way (its payload becomes variables)."""

    def create_task(self):
        return ReceiveTaskParser.create_task(self)


def _event_parser(base, *mixins):
    return type(
        base.__name__.replace("Camunda", "Licflow"),
        (
            *mixins,
            ConditionParser,
            SignalAndErrorParser,
            VariablesMessageParser,
            CamundaTimerParser,
            CamundaAttributes,
            base,
        ),
        {},
    )


class LicflowPassThroughParser(
    AsyncContinuationParser, MultiInstanceParser, CamundaAttributes, PassThroughParser
):
    """Parse plain and manual tasks as pass-through tasks, and the steps at async boundaries."""


class LicflowSubProcessParser(MultiInstanceParser, CamundaAttributes, SubWorkflowParser):
    """Parse an embedded sub-process, multi-instance as Camunda runs it."""


class LicflowCallActivityParser(MultiInstanceParser, CamundaAttributes, CallActivityParser):
    """Parse a call activity, keeping its camunda attributes, multi-instance as Camunda runs it."""


class LicflowParser(FeelDecisionsMixin, CamundaParser):
    """CamundaParser that keeps the attributes licflow needs, decides with FEEL and reads XML safely."""

    PROCESS_PARSER_CLASS = ListeningProcessParser
    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("serviceTask"): (ExternalTaskParser, ExternalServiceTask),
        full_tag("sendTask"): (ExternalTaskParser, ExternalServiceTask),
        full_tag("task"): (LicflowPassThroughParser, PassThroughTask),
        full_tag("manualTask"): (LicflowPassThroughParser, PassThroughTask),
        full_tag("subProcess"): (LicflowSubProcessParser, CallActivity),
        full_tag("callActivity"): (LicflowCallActivityParser, BoundCallActivity),
        full_tag("parallelGateway"): (GatewayParser, BranchMergingParallelGateway),
        full_tag("inclusiveGateway"): (ConditionalGatewayParser, BranchMergingInclusiveGateway),
        full_tag("userTask"): (LicflowUserTaskParser, UserTask),
        full_tag("startEvent"): (_event_parser(CamundaStartEventParser), StartEvent),
        full_tag("endEvent"): (_event_parser(CamundaEndEventParser, SignalEndParser), EndEvent),
        full_tag("intermediateCatchEvent"): (
            _event_parser(CamundaIntermediateCatchEventParser),
            IntermediateCatchEvent,
        ),
        full_tag("intermediateThrowEvent"): (
            _event_parser(CamundaIntermediateThrowEventParser),
            IntermediateThrowEvent,
        ),
        full_tag("boundaryEvent"): (
            _event_parser(CamundaBoundaryEventParser, CodeVariablesParser),
            LicflowBoundaryEvent,
        ),
        full_tag("receiveTask"): (_event_parser(CamundaReceiveTaskParser), ReceiveTask),
        full_tag("scriptTask"): (SandboxedScriptTaskParser, ScriptTask),
        **DECISION_TASK_PARSER_CLASSES,
        **compensation.PARSER_CLASSES,
    }

    def get_subprocess_specs(self, name, specs=None, require_call_activity_specs=True):
        """Return the specs of the sub-processes and called processes of `name`, at every depth.

        SpiffWorkflow forgets `require_call_activity_specs` below the first level, so a call
        activity inside an embedded sub-process whose process was deployed earlier would fail.
        """
        used = specs if specs is not None else {}
        for task_spec in self.get_spec(name).task_specs.values():
            called = getattr(task_spec, "spec", None)
            if isinstance(task_spec, SubWorkflowTask) and isinstance(called, str) and called not in used:
                used[called] = self.get_spec(called, required=require_call_activity_specs)
                if used[called] is not None:
                    self.get_subprocess_specs(called, used, require_call_activity_specs)
        return used

    def add_document(self, name: str, content: bytes | str) -> None:
        """Add one .bpmn or .dmn document, parsed with the hardened XML parser.

        A BPMN document is first checked for constructs licflow cannot run (refused with
        every one named) and then rewritten into constructs SpiffWorkflow runs as Camunda.
        """
        root = parse_xml(content, name)
        try:
            if name.endswith(".dmn"):
                self.add_dmn_xml(root, filename=name)
            else:
                refusals.check(root, name)
                check_expressions(root, name)
                rewrite.prepare(root)
                give_takes_an_element(root)
                self.add_bpmn_xml(root, filename=name)
        except ValidationException as error:
            raise InvalidDiagram(f"{name}: {error}") from error


def _map_variables(classes: dict) -> None:
    """Let every activity that may map variables read its camunda:inputOutput (and calls their in/out)."""
    for kind in mappings.MAPPED_KINDS:
        parser, spec_class = classes[full_tag(kind)]
        classes[full_tag(kind)] = (type(parser.__name__, (mappings.MappingsParser, parser), {}), spec_class)
        mappings.mapped(spec_class)  # made now, so that the serializer knows the mapped spec classes


_map_variables(LicflowParser.OVERRIDE_PARSER_CLASSES)


def parse_documents(documents: dict[str, bytes | str]) -> LicflowParser:
    """Return a parser loaded with `documents` (file name -> XML)."""
    parser = LicflowParser()
    for name, content in sorted(documents.items()):
        parser.add_document(name, content)
    return parser
