"""The `execution` a Python-subset script sees: Camunda's variable methods over the run's variables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.dialect.scripts.python_builtins import EXECUTION_METHODS, ScriptTypeError

# What `task` offers a task listener's script: its properties, read as `task.name`, and its methods.
TASK_PROPERTIES = frozenset({"assignee", "name", "id", "eventName", "taskDefinitionKey"})
TASK_METHODS = frozenset(
    {
        *("getAssignee", "setAssignee", "getName", "getId", "getEventName", "getTaskDefinitionKey"),
        *("getVariable", "setVariable", "hasVariable"),
    }
)

if TYPE_CHECKING:
    from engine.dialect.scripts.python_eval import _Run


class Execution:
    """Adapt `execution.getVariable('x')` and `execution.setVariable('x', v)` to the run's names."""

    def __init__(
        self,
        run: _Run,
        element_id: str,
        business_key: str | None,
        process_instance_id: str | None,
        event_name: str | None = None,
    ):
        self._run = run
        self._element_id = element_id
        self._business_key = business_key
        self._process_instance_id = process_instance_id
        self._event_name = event_name

    def call(self, method: str, args: list[Any], named: dict[str, Any]) -> Any:
        """Call one of Camunda's execution methods by name."""
        if method not in EXECUTION_METHODS:
            raise ScriptTypeError(f"execution has no method {method!r}")
        if named:
            raise ScriptTypeError(f"execution.{method}() takes no keyword arguments")
        if method in ("getVariable", "getVariableLocal", "hasVariable"):
            (name,) = self._arguments(method, args, 1)
            if method == "hasVariable":
                return self._variable_name(name) in self._run.variables
            return self._run.variable(name) if self._variable_name(name) in self._run.variables else None
        if method in ("setVariable", "setVariableLocal"):
            name, value = self._arguments(method, args, 2)
            self._run.store(self._variable_name(name), value)
            return None
        self._arguments(method, args, 0)
        if method == "getVariables":
            names = list(self._run.variables)
            self._run.budget.items(len(names))
            return {name: self._run.variable(name) for name in names}
        if method == "getBusinessKey":
            return self._business_key
        if method == "getProcessInstanceId":
            return self._process_instance_id
        if method == "getEventName":
            return self._event_name
        return self._element_id  # getCurrentActivityId

    @staticmethod
    def _arguments(method: str, args: list[Any], count: int) -> list[Any]:
        if len(args) != count:
            raise ScriptTypeError(f"execution.{method}() takes {count} argument(s), not {len(args)}")
        return args

    @staticmethod
    def _variable_name(name: Any) -> str:
        if not isinstance(name, str) or not name or name.startswith("__") or name == "execution":
            raise ScriptTypeError(f"{name!r} is not a variable name a script may use")
        return name


class TaskObject:
    """The `task` of a task listener's script: its facts (a dict the caller reads back) and variables."""

    def __init__(self, execution: Execution, facts: dict[str, Any]):
        self._execution = execution
        self._facts = facts

    def read(self, name: str) -> Any:
        """Return `task.name` for a property the task offers."""
        if name not in TASK_PROPERTIES:
            raise ScriptTypeError(
                f"task has no property {name!r} (offered: {', '.join(sorted(TASK_PROPERTIES))})"
            )
        return self._facts.get(name)

    def write(self, name: str, value: Any) -> None:
        """Set `task.assignee`, the one property a listener may change."""
        if name != "assignee":
            raise ScriptTypeError(f"task.{name} cannot be set; only task.assignee can")
        if value is not None and not isinstance(value, str):
            raise ScriptTypeError(f"an assignee is a user name or None, not {type(value).__name__}")
        self._facts["assignee"] = value

    def call(self, method: str, args: list[Any], named: dict[str, Any]) -> Any:
        """Call one of the task's methods by name."""
        if method not in TASK_METHODS:
            raise ScriptTypeError(f"task has no method {method!r}")
        if method in ("getVariable", "setVariable", "hasVariable"):
            return self._execution.call(method, args, named)
        if named:
            raise ScriptTypeError(f"task.{method}() takes no keyword arguments")
        if method == "setAssignee":
            (value,) = Execution._arguments(method, args, 1)
            self.write("assignee", value)
            return None
        Execution._arguments(method, args, 0)
        prop = method[3].lower() + method[4:]
        return self.read(prop)
