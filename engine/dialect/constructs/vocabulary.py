"""The Camunda 7 vocabulary licflow knows: which BPMN elements and camunda extensions run, and where.

This is data, read by the deploy-time refusals (`refusals`) and the construct rewrites
(`constructs`); `docs/dialect.md` is its prose and `tests/dialect/test_palette.py` checks
both against the Camunda Modeler's palette.
"""

from __future__ import annotations

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
B = "{" + BPMN_NS + "}"
C = "{" + CAMUNDA_NS + "}"


def split(tag: str) -> tuple[str | None, str]:
    """Return (namespace, local name) of an lxml tag or attribute key."""
    if tag.startswith("{"):
        namespace, name = tag[1:].split("}", 1)
        return namespace, name
    return None, tag


def local(tag: str) -> str:
    """Return the local name of an lxml tag."""
    return split(tag)[1]


SCOPES = ("process", "subProcess")
EVENTS = ("startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent")
FLOW_NODES = (
    *EVENTS,
    "task",
    "manualTask",
    "userTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "scriptTask",
    "businessRuleTask",
    "callActivity",
    "subProcess",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
)

# BPMN elements that run, or carry no behaviour in Camunda 7 either (documentation, layout).
BPMN_ELEMENTS = frozenset(
    {
        *FLOW_NODES,
        "definitions",
        "process",
        "collaboration",
        "participant",
        "messageFlow",
        "message",
        "signal",
        "error",
        "escalation",
        "itemDefinition",
        "documentation",
        "extensionElements",
        "incoming",
        "outgoing",
        "sequenceFlow",
        "conditionExpression",
        "laneSet",
        "lane",
        "childLaneSet",
        "flowNodeRef",
        "textAnnotation",
        "text",
        "association",
        "group",
        "category",
        "categoryValue",
        "dataObject",
        "dataObjectReference",
        "dataStore",
        "dataStoreReference",
        "dataInputAssociation",
        "dataOutputAssociation",
        "dataState",
        "sourceRef",
        "targetRef",
        "script",
        "messageEventDefinition",
        "timerEventDefinition",
        "timeDate",
        "timeDuration",
        "timeCycle",
        "signalEventDefinition",
        "errorEventDefinition",
        "escalationEventDefinition",
        "terminateEventDefinition",
        "linkEventDefinition",
        "compensateEventDefinition",
        "multiInstanceLoopCharacteristics",
        "loopCardinality",
        "completionCondition",
        "humanPerformer",
        "potentialOwner",
        "resourceAssignmentExpression",
        "formalExpression",
        "expression",  # a resource assignment's expression, as bpmn-moddle writes it
        "conditionalEventDefinition",
        "condition",  # a conditional event's condition
    }
)

UNSUPPORTED_BPMN = {
    "complexGateway": "an inclusive gateway, or an exclusive gateway with conditions",
    "transaction": "an embedded sub-process with error boundary events",
    "adHocSubProcess": "a sub-process whose tasks run in parallel",
    "standardLoopCharacteristics": (
        "Camunda 7 does not run standard loops: a multi-instance, or a gateway that loops back"
    ),
    "conditionalEventDefinition": (
        "conditional events run as boundary, intermediate catch, event sub-process start and process "
        "start events (started through POST /condition)"
    ),
    "cancelEventDefinition": "transactions are not supported: use an error end event and an error boundary",
    "performer": "a potentialOwner or humanPerformer, or camunda:candidateUsers/candidateGroups",
    "rendering": "a form: camunda:formKey with camunda:formData",
    "loopDataInputRef": 'Camunda 7 reads camunda:collection="${items}" camunda:elementVariable="item"',
    "inputDataItem": 'Camunda 7 reads camunda:collection="${items}" camunda:elementVariable="item"',
    "loopDataOutputRef": "Camunda 7 collects no output: each instance writes the case variables",
    "outputDataItem": "Camunda 7 collects no output: each instance writes the case variables",
    "ioSpecification": "Camunda 7 ignores data inputs and outputs; leave them out",
    "dataInput": "Camunda 7 ignores data inputs and outputs; leave them out",
    "dataOutput": "Camunda 7 ignores data inputs and outputs; leave them out",
    "inputSet": "Camunda 7 ignores data inputs and outputs; leave them out",
    "outputSet": "Camunda 7 ignores data inputs and outputs; leave them out",
}

# camunda:* elements that run (the form model of user tasks) or are only stored (properties).
CAMUNDA_ELEMENTS = frozenset(
    {"formData", "formField", "properties", "property", "validation", "constraint", "value"}
    | {"executionListener", "taskListener", "script"}  # listeners: engine/dialect/listeners
    # variable mappings: constructs/mappings.py judges where they stand (a script in a parameter is refused)
    | {"inputOutput", "inputParameter", "outputParameter", "list", "map", "entry", "in", "out", "script"}
)

LATER = "not supported yet"
ASYNC_ON_ELEMENTS = (
    "async boundaries are read on activities, gateways and events: camunda:asyncBefore / asyncAfter "
    "on the element itself (one job per multi-instance instance, or for a signal, is not supported)"
)
UNSUPPORTED_CAMUNDA = {
    "failedJobRetryTimeCycle": (
        "a job is tried three times, then an incident waits for a retry; "
        "a worker gives an external task's retries and retry timeout when it reports a failure"
    ),
    "connector": 'an external task: camunda:type="external" camunda:topic="..." served by a worker',
    "field": "an external task reads its input from the case variables",
    "formProperty": "camunda:formData with camunda:formField",
    "potentialStarter": "any user with access to the engine API starts a case",
    "errorEventDefinition": "the worker reports a BPMN error (bpmnError) with its code",
    "async": ASYNC_ON_ELEMENTS,
    "asyncBefore": ASYNC_ON_ELEMENTS,
    "asyncAfter": ASYNC_ON_ELEMENTS,
    "jobPriority": "licflow's jobs all have the same priority: leave it out",
    "taskPriority": "external tasks all have priority 0: leave it out",
    "candidateStarterGroups": "any user with access to the engine API starts a case: leave it out",
    "candidateStarterUsers": "any user with access to the engine API starts a case: leave it out",
    "followUpDate": "a due date (camunda:dueDate)",
    "priority": "user tasks are ordered by due date: camunda:dueDate",
    "formKey": "start a case through the API with its variables; forms belong to user tasks",
    "formHandlerClass": "camunda:formKey with camunda:formData",
    "formRef": "camunda:formKey with camunda:formData",
    "formRefBinding": "camunda:formKey with camunda:formData",
    "formRefVersion": "camunda:formKey with camunda:formData",
    "calledElementVersionTag": "camunda:calledElementBinding latest, deployment or version",
    "calledElementTenantId": "licflow has no tenants: leave it out",
    "decisionRefTenantId": "licflow has no tenants: leave it out",
    "caseRef": "CMMN cases do not run in licflow: call a BPMN process",
    "caseBinding": "CMMN cases do not run in licflow: call a BPMN process",
    "caseVersion": "CMMN cases do not run in licflow: call a BPMN process",
    "caseTenantId": "CMMN cases do not run in licflow: call a BPMN process",
    "variableMappingClass": "camunda:in / camunda:out mappings on the call activity",
    "variableMappingDelegateExpression": "camunda:in / camunda:out mappings on the call activity",
}

EVERYWHERE = ("*",)
# camunda:* attribute -> the elements licflow reads it on (others are refused).
CAMUNDA_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "candidateGroups": ("userTask",),
    "candidateUsers": ("userTask",),
    "assignee": ("userTask",),
    "dueDate": ("userTask",),
    "formKey": ("userTask",),
    "historyTimeToLive": ("process",),  # stored; licflow keeps history, as the audit needs
    "versionTag": ("process",),  # stored, shown nowhere
    "isStartableInTasklist": ("process",),  # licflow has no tasklist start
    "exclusive": EVERYWHERE,  # licflow never runs two jobs of one case at once: nothing to do
    "asyncBefore": FLOW_NODES,  # engine/dialect/constructs/async_steps.py
    "async": FLOW_NODES,  # the older spelling of asyncBefore
    "asyncAfter": FLOW_NODES,  # not on end events: refusals._async_after_ends
    "variableName": ("conditionalEventDefinition",),  # engine/dialect/constructs/conditions.py
    "variableEvents": ("conditionalEventDefinition",),
    "modelerTemplate": EVERYWHERE,
    "modelerTemplateVersion": EVERYWHERE,
    "diagramRelationId": ("definitions",),
    "calledElementBinding": ("callActivity",),
    "calledElementVersion": ("callActivity",),
    "collection": ("multiInstanceLoopCharacteristics",),
    "elementVariable": ("multiInstanceLoopCharacteristics",),
    "errorCodeVariable": ("errorEventDefinition",),
    "errorMessageVariable": ("errorEventDefinition",),
    "escalationCodeVariable": ("escalationEventDefinition",),
    "errorMessage": ("error",),
    "initiator": ("startEvent",),
    # scripts and decisions: judged by their own parsers (engine/dialect/script_tasks.py, decisions/)
    "resultVariable": ("scriptTask", "businessRuleTask"),
    "resource": ("scriptTask",),
    "decisionRef": ("businessRuleTask",),
    "decisionRefBinding": ("businessRuleTask",),
    "decisionRefVersion": ("businessRuleTask",),
    "decisionRefVersionTag": ("businessRuleTask",),
    "mapDecisionResult": ("businessRuleTask",),
}
# attributes that say how a task is implemented; refusals._service_implementation judges them
SERVICE_IMPLEMENTATIONS = ("class", "delegateExpression", "expression", "type", "topic", "resultVariable")

EVENT_TRIGGERS = {
    "startEvent": ("message", "timer", "signal", "conditional"),
    "endEvent": ("error", "escalation", "message", "signal", "terminate", "compensate"),
    "intermediateCatchEvent": ("message", "timer", "signal", "link", "conditional"),
    "intermediateThrowEvent": ("message", "signal", "escalation", "link", "compensate"),
    "boundaryEvent": ("error", "escalation", "message", "timer", "signal", "compensate", "conditional"),
}
EVENT_SUBPROCESS_TRIGGERS = ("error", "escalation", "message", "timer", "signal", "conditional")
UNSUPPORTED_TRIGGERS = {
    "compensate": (
        "a compensation event sub-process is not supported: a compensation boundary event on the activity, "
        "associated with its handler, and a compensation throw or end event"
    ),
    "conditional": UNSUPPORTED_BPMN["conditionalEventDefinition"],
    "cancel": UNSUPPORTED_BPMN["cancelEventDefinition"],
}


def event_triggers(kind: str, scope: str, in_event_subprocess: bool) -> tuple[str, ...]:
    """Return the triggers an event of `kind` may have directly inside a `scope` element."""
    if kind == "startEvent" and in_event_subprocess:
        return EVENT_SUBPROCESS_TRIGGERS
    if kind == "startEvent" and scope == "subProcess":
        return ()  # an embedded sub-process starts with a none start event
    return EVENT_TRIGGERS[kind]


MULTI_INSTANCE_BODIES = (
    "userTask",
    "serviceTask",
    "sendTask",
    "callActivity",
    "subProcess",
    "task",
    "manualTask",
)
