"""The script engine: conditions, timer, due-date and assignment expressions in JUEL, scripts sandboxed.

Every expression a diagram holds is read as Camunda 7 reads it, in JUEL (`engine.dialect.juel`):
`${amount > 100 && approved}`, `${kind eq 'export'}`, `${execution.getVariable('x')}`, or plain
text such as a timer's `PT10M`, which is a literal. Script tasks run in the sandboxed languages
of `engine.dialect.scripts` (`python`, the safe subset; `javascript`, in QuickJS), chosen by the
task's `scriptFormat`. Nothing from a diagram reaches Python's eval, builtins or imports.

In scope besides the case variables: `execution` (getVariable, setVariable, getBusinessKey,
getProcessInstanceId, ...), `task` in a user task's expressions, the installed procedure's
functions (for licensing, `statutory_due_iso(registered_on, 5)`), and the engine's own clock
functions `today_iso()`, `now_iso()` and `is_past(moment)`; the clock is read only through
`engine.clock`, never by the diagram itself.
"""

from __future__ import annotations

import datetime as _datetime
import functools
from collections.abc import Callable, Mapping
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from engine import clock, extensions
from engine.dialect import timer_clock
from engine.dialect.juel import ExpressionError, Scope, compile_expression, execution_context, task_context
from engine.dialect.scripts import ScriptError, compile_script

SCRIPT_FORMAT = "scriptFormat"  # where the parser keeps a script task's language, in its extensions
CALLED_BUSINESS_KEY = "called_business_key"  # a call activity's internal data: its called process's key


def today_iso() -> str:
    """Return today's date in the engine's zone, from the engine's clock."""
    return clock.local(clock.now()).date().isoformat()


def now_iso() -> str:
    """Return the engine's current time as an ISO 8601 datetime."""
    return clock.local(clock.now()).isoformat()


def is_past(moment: str | _datetime.datetime) -> bool:
    """Return whether `moment` (an aware datetime or ISO string) has passed."""
    if isinstance(moment, str):
        moment = _datetime.datetime.fromisoformat(moment)
    return clock.now() > moment


def expression_functions() -> dict[str, Callable[..., Any]]:
    """Return the functions every expression and script may call: the engine's and the procedure's."""
    names: dict[str, Callable[..., Any]] = {"today_iso": today_iso, "now_iso": now_iso, "is_past": is_past}
    names.update(extensions.current().expression_functions)
    return names


def compile_for(text: str):
    """Compile an expression as Camunda reads it: the text stripped, then JUEL."""
    return compile_expression(text.strip())


@functools.lru_cache(maxsize=1024)
def compiled_script(language: str | None, source: str, element_id: str):
    """Return a script task's compiled script (cached: a deployed script never changes)."""
    return compile_script(language, source, element_id=element_id)


class CaseIdentity:
    """What `execution` tells of the case: set on each workflow when a command opens it."""

    ATTRIBUTE = "licflow_identity"

    def __init__(self, case_id: str | None, business_key: str | None):
        self.case_id = case_id
        self.business_key = business_key

    @classmethod
    def attach(cls, workflow, case_id: str | None, business_key: str | None) -> None:
        """Tell `workflow` which case it is (not serialized; set again whenever a case is loaded)."""
        setattr(workflow, cls.ATTRIBUTE, cls(case_id, business_key))

    @classmethod
    def of(cls, task) -> CaseIdentity:
        """Return the case's identity, with the business key a calling `camunda:in` gave a called process."""
        workflow = task.workflow
        top = getattr(workflow, "top_workflow", None) or workflow
        identity = getattr(top, cls.ATTRIBUTE, None) or cls(None, None)
        while workflow is not top:
            caller = top.get_task_from_id(workflow.parent_task_id)
            if CALLED_BUSINESS_KEY in caller.internal_data:
                return cls(identity.case_id, caller.internal_data[CALLED_BUSINESS_KEY])
            workflow = caller.workflow
        return identity


class LicflowScriptEngine(PythonScriptEngine):
    """Evaluate every expression as JUEL and run scripts sandboxed; never Python's eval."""

    def __init__(self, functions: Mapping[str, Callable[..., Any]]):
        super().__init__()
        self.functions = dict(functions)

    def validate(self, expression):
        compile_for(expression)

    def evaluate(self, task, expression, external_context=None):
        variables = dict(task.data)
        if external_context:
            variables.update(external_context)
        try:
            return compile_for(expression).evaluate(self.scope(task, variables))
        except ExpressionError as error:
            raise WorkflowTaskException(f"{_element(task)}: {error}", task=task) from error

    def execute(self, task, script, external_context=None):
        spec = task.task_spec
        identity = CaseIdentity.of(task)
        try:
            compiled = compiled_script(spec.extensions.get(SCRIPT_FORMAT), script, spec.bpmn_id)
            changed = compiled.run(
                dict(task.data),
                self.functions,
                business_key=identity.business_key,
                process_instance_id=identity.case_id,
            )
        except ScriptError as error:
            raise WorkflowTaskException(f"{_element(task)}: {error}", task=task) from error
        task.data.update(changed)
        return True

    def scope(self, task, variables: dict[str, Any]) -> Scope:
        """Return what an expression in `task` sees: its variables, functions, execution and task."""
        identity = CaseIdentity.of(task)
        execution = execution_context(
            variables,
            process_instance_id=identity.case_id or "",
            business_key=identity.business_key,
            activity_id=getattr(task.task_spec, "bpmn_id", None),
        )
        return Scope(variables=variables, functions=self.functions, execution=execution, task=_task_of(task))


def _task_of(task):
    camunda = getattr(task.task_spec, "extensions", {}).get("camunda")
    if camunda is None or not hasattr(task.task_spec, "form"):
        return None  # `task` is in scope in a user task's expressions only
    return task_context(
        task_id=str(task.id),
        name=task.task_spec.bpmn_name,
        assignee=task.data.get("assignee"),
        task_definition_key=task.task_spec.bpmn_id,
        variables=task.data,
    )


def _element(task) -> str:
    spec = task.task_spec
    name = getattr(spec, "bpmn_name", None)
    return f"{spec.bpmn_id} ({name})" if name else str(getattr(spec, "bpmn_id", spec.name))


def make_script_engine() -> PythonScriptEngine:
    """Return a script engine with the procedure's functions in scope and timers on the engine's clock."""
    timer_clock.install()
    return LicflowScriptEngine(expression_functions())


_shared: dict[int, PythonScriptEngine] = {}


def shared_script_engine() -> PythonScriptEngine:
    """Return one script engine per installed procedure, made when first asked for."""
    procedure = extensions.current()
    engine = _shared.get(id(procedure))
    if engine is None:
        _shared.clear()
        engine = _shared[id(procedure)] = make_script_engine()
    return engine


def evaluate(workflow, task, expression: str):
    """Evaluate a Camunda expression (`${x}`, composite or literal text) for `task`."""
    return workflow.script_engine.evaluate(task, expression)
