"""Run one element's listeners of an event: JUEL expressions and sandboxed scripts, in order.

An expression listener is evaluated as JUEL (`${execution.setVariable('x', 1)}`); a script
listener runs in the script sandbox with the budget of a script task. Both see the case's
variables, `execution` (getVariable, setVariable, processBusinessKey, eventName, ...) and in a
task listener `task` (id, name, assignee, eventName, taskDefinitionKey, setAssignee,
getVariable, setVariable). What they write goes to the task's variables, which flow on as the
element's own writes do; a listener run on cancellation writes where the case waits. A failing
listener raises WorkflowTaskException naming the element, the listener and the cause, so the
command fails and its transaction rolls back, as an exception in a Camunda listener does.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.util.task import TaskState

from engine.dialect.expressions import CaseIdentity, compile_for, compiled_script
from engine.dialect.juel import (
    ContextObject,
    ExpressionError,
    ExpressionEvaluationError,
    Scope,
    execution_context,
)
from engine.dialect.listeners.reading import LISTENERS
from engine.dialect.scripts import ScriptError

ASSIGNEE = "assignee"  # where a user task with task listeners keeps its assignee (internal_data)
LIVE = TaskState.WAITING | TaskState.READY | TaskState.STARTED


def run_listeners(my_task, kind: str, event: str, cancelled: bool = False) -> None:
    """Run the task spec's `kind` listeners of `event`, in the order the diagram lists them."""
    listeners = (getattr(my_task.task_spec, "extensions", None) or {}).get(LISTENERS) or ()
    for listener in listeners:
        if listener["kind"] == kind and listener["event"] == event:
            _run(my_task, listener, cancelled)


def user_task_assignee(my_task) -> str | None:
    """Return a user task's camunda:assignee, evaluated as Camunda evaluates it when the task is created."""
    text = my_task.task_spec.extensions.get("camunda", {}).get("assignee")
    if not text or ("${" not in text and "#{" not in text):
        return text or None
    try:
        value = my_task.workflow.script_engine.evaluate(my_task, text)
    except Exception as error:  # the diagram's expression, not licflow, is at fault
        raise WorkflowTaskException(
            f"{_element(my_task)}: cannot evaluate {text!r}: {error}", task=my_task
        ) from error
    return None if value is None else str(value)


def _run(my_task, listener: dict, cancelled: bool) -> None:
    variables = dict(my_task.data) if cancelled else my_task.data
    before = dict(variables) if cancelled else None
    facts = _task_facts(my_task, listener["event"]) if listener["kind"] == "task" else None
    try:
        if "expression" in listener:
            _evaluate(my_task, listener, variables, facts)
        else:
            _script(my_task, listener, variables, facts)
    except (ExpressionError, ScriptError) as error:
        raise WorkflowTaskException(f"{_named(my_task, listener)} failed: {error}", task=my_task) from error
    if facts is not None:
        my_task.internal_data[ASSIGNEE] = facts["assignee"]
    if cancelled:
        _write_where_the_case_waits(
            my_task, {k: val for k, val in variables.items() if before.get(k, _NONE) != val}
        )


_NONE = object()


def _evaluate(my_task, listener: dict, variables: dict, facts: dict | None) -> None:
    engine = my_task.workflow.script_engine
    execution = _execution(my_task, variables, listener["event"])
    task = None if facts is None else _task_object(facts, execution)
    scope = Scope(variables=variables, functions=engine.functions, execution=execution, task=task)
    compile_for(listener["expression"]).evaluate(scope)


def _script(my_task, listener: dict, variables: dict, facts: dict | None) -> None:
    identity = CaseIdentity.of(my_task)
    element = my_task.task_spec.bpmn_id or my_task.task_spec.name
    script = compiled_script(listener["language"], listener["script"], element)
    changed = script.run(
        dict(variables),
        my_task.workflow.script_engine.functions,
        business_key=identity.business_key,
        process_instance_id=identity.case_id,
        event_name=listener["event"],
        task=facts,
    )
    variables.update(changed)


def _execution(my_task, variables: dict, event: str) -> ContextObject:
    identity = CaseIdentity.of(my_task)
    return execution_context(
        variables,
        process_instance_id=identity.case_id or "",
        business_key=identity.business_key,
        activity_id=my_task.task_spec.bpmn_id,
        event_name=event,
    )


def _task_facts(my_task, event: str) -> dict[str, Any]:
    spec = my_task.task_spec
    return {
        "id": str(my_task.id),
        "name": spec.bpmn_name,
        "assignee": my_task.internal_data.get(ASSIGNEE),
        "eventName": event,
        "taskDefinitionKey": spec.bpmn_id,
    }


def _task_object(facts: dict[str, Any], execution: ContextObject) -> ContextObject:
    def set_assignee(value: Any) -> None:
        if value is not None and not isinstance(value, str):
            raise ExpressionEvaluationError(f"an assignee is a user name or null, not {type(value).__name__}")
        facts["assignee"] = value

    properties = {
        name: (lambda name=name: facts[name]) for name in ("id", "name", "eventName", "taskDefinitionKey")
    }
    return ContextObject(
        "task",
        methods={
            "setAssignee": set_assignee,
            "getVariable": lambda name: execution.call("getVariable", (name,)),
            "setVariable": lambda name, value: execution.call("setVariable", (name, value)),
            "hasVariable": lambda name: execution.call("hasVariable", (name,)),
        },
        properties={**properties, "assignee": lambda: facts["assignee"], "execution": lambda: execution},
    )


def _write_where_the_case_waits(my_task, changes: dict) -> None:
    if not changes:
        return
    workflow = my_task.workflow.top_workflow
    for task in workflow.get_tasks(state=LIVE):
        task.data.update(changes)
    for subprocess in workflow.subprocesses.values():
        for task in subprocess.get_tasks(state=LIVE):
            task.data.update(changes)


def _named(my_task, listener: dict) -> str:
    what = listener.get("expression") or f"{listener.get('language') or 'a'} script"
    kind = "execution listener" if listener["kind"] == "execution" else "task listener"
    return f"{listener['owner']}: the {listener['event']} {kind} #{listener['number']} ({what})"


def _element(my_task) -> str:
    spec = my_task.task_spec
    return f"{spec.bpmn_id} ({spec.bpmn_name})" if spec.bpmn_name else str(spec.bpmn_id or spec.name)
