"""Turn specs and workflows into JSON and back; a case's state never repeats its spec."""

from __future__ import annotations

import json
from copy import deepcopy

from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter, SubWorkflowConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.camunda.serializer.event_definition import MessageEventDefinitionConverter

from engine.dialect.constructs import (
    async_steps,
    conditions,
    gateways,
    mappings,
    multi_instance,
    scope,
    specs,
)
from engine.dialect.constructs.calls import BoundCallActivity, BoundSubWorkflowConverter
from engine.dialect.decisions.task import DecisionTask, DecisionTaskConverter
from engine.dialect.listeners.hooks import attach as attach_listeners
from engine.dialect.parser import ExternalServiceTask, VariablesMessageEventDefinition
from engine.dialect.timer_events import TIMER_CLASSES

SPEC_KEY = "spec"
SUBPROCESS_SPECS_KEY = "subprocess_specs"


class SharedSpecWorkflowConverter(BpmnWorkflowConverter):
    """Leave the spec out of a case's state; restore it from the definition's shared copy."""

    def to_dict(self, workflow):
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct):
        dct = dict(dct)
        spec = dct.pop(SPEC_KEY)
        subprocess_specs = dct.pop(SUBPROCESS_SPECS_KEY)
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], _uuid, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(_uuid(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _uuid(value):
    from uuid import UUID

    return UUID(value)


def _config():
    config = deepcopy(CAMUNDA_CONFIG)
    config[ExternalServiceTask] = BpmnTaskSpecConverter
    config[DecisionTask] = DecisionTaskConverter
    for timer_class in TIMER_CLASSES:
        config[timer_class] = TimerConditionalEventDefinitionConverter
    config[VariablesMessageEventDefinition] = MessageEventDefinitionConverter
    config[BpmnWorkflow] = SharedSpecWorkflowConverter
    config.update(specs.CONVERTERS)
    config.update(multi_instance.CONVERTERS)
    config.update(gateways.CONVERTERS)
    config.update(conditions.CONVERTERS)
    config[async_steps.AsyncContinuation] = BpmnTaskSpecConverter
    config[BoundCallActivity] = SubWorkflowConverter
    config[BpmnSubWorkflow] = BoundSubWorkflowConverter
    for base, mapped in mappings.MAPPED.items():  # an activity that maps variables keeps its base's form
        config[mapped] = config[base]
    return config


SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_config()))


def dump_spec(spec, subprocess_specs: dict) -> str:
    """Serialize a process spec and the specs of its call activities, once per definition."""
    return json.dumps(
        {
            SPEC_KEY: SERIALIZER.to_dict(spec),
            SUBPROCESS_SPECS_KEY: {k: SERIALIZER.to_dict(v) for k, v in subprocess_specs.items()},
            "serializer_version": SERIALIZER.VERSION,
            scope.SINGLE_SCOPE: "process-instance",  # its cases share one scope (constructs/scope.py)
        },
        sort_keys=True,
    )


def load_spec(serialized: str):
    """Return (spec, subprocess_specs) for a serialized definition."""
    dct = json.loads(serialized)
    spec = SERIALIZER.from_dict(dct[SPEC_KEY])
    subprocess_specs = {k: SERIALIZER.from_dict(v) for k, v in dct[SUBPROCESS_SPECS_KEY].items()}
    for process in (spec, *subprocess_specs.values()):
        attach_listeners(process)  # the specs run their execution and task listeners
    scope.mark([spec, *subprocess_specs.values()], dct.get(scope.SINGLE_SCOPE) == "process-instance")
    return spec, subprocess_specs


def dump_state(workflow: BpmnWorkflow) -> str:
    """Serialize a case's workflow without its spec."""
    SERIALIZER.registry._encoder_mode = True
    try:
        dct = SERIALIZER.to_dict(workflow)
    finally:
        SERIALIZER.registry._encoder_mode = False
    dct[SERIALIZER.VERSION_KEY] = SERIALIZER.VERSION
    return json.dumps(dct, cls=SERIALIZER._encoder_cls)


def load_state(state: str, spec, subprocess_specs: dict, script_engine) -> BpmnWorkflow:
    """Rebuild a case's workflow from its state and the shared spec of its definition."""
    dct = json.loads(state, cls=SERIALIZER.json_decoder_cls)
    SERIALIZER.migrate(dct)
    dct[SPEC_KEY] = spec
    dct[SUBPROCESS_SPECS_KEY] = subprocess_specs
    workflow = SERIALIZER.from_dict(dct)
    workflow.script_engine = script_engine
    return workflow
