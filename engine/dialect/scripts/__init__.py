"""Script tasks' scripts: compiled (checked) at deploy, run sandboxed over a case's variables.

Public API:
    compile_script(language, source, *, element_id, limits=DEFAULT_LIMITS) -> Script
    Script.run(variables, functions=None, *, business_key=None, process_instance_id=None,
               event_name=None, task=None)
        -> dict[str, Any]   # the variables the script set or changed
    ScriptError (a ValueError) and its kinds ScriptRefused, ScriptSyntaxError, ScriptFailed;
    ScriptLimits, DEFAULT_LIMITS.

`language` is the script task's `scriptFormat`:
- `python`: the safe Python subset of `engine.dialect.python_subset`, interpreted over the
  parsed syntax tree (never compiled or exec'd). Case variables are names; a top-level
  assignment sets a variable; `execution.getVariable/setVariable` work too. In a call, a name
  is a registered function or an allowed builtin; elsewhere it is a variable.
- `javascript`, `js`, `ecmascript`: QuickJS in a worker process (`engine.dialect.javascript`);
  variables are written with `execution.setVariable(name, value)`.
- anything else (`groovy`, `juel`, ...): ScriptRefused at deploy, saying what to use instead.

`compile_script` raises ScriptSyntaxError (with element, line and column) or ScriptRefused, so
a diagram whose scripts fail to compile does not deploy. `Script.run` raises ScriptFailed
(naming the element and the cause) on any error in the script or in a function it called,
and when the script passes its time budget, step budget, memory cap or size caps
(`ScriptLimits`). Functions are trusted Python callables; the script reaches nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from engine.dialect.scripts.errors import (
    ScriptError,
    ScriptFailed,
    ScriptRefused,
    ScriptSyntaxError,
    describe_task,
)
from engine.dialect.scripts.javascript import compile_javascript
from engine.dialect.scripts.limits import DEFAULT_LIMITS, ScriptLimits
from engine.dialect.scripts.python_subset import compile_python

__all__ = [
    "DEFAULT_LIMITS",
    "Script",
    "ScriptError",
    "ScriptFailed",
    "ScriptLimits",
    "ScriptRefused",
    "ScriptSyntaxError",
    "compile_script",
]

JAVASCRIPT_NAMES = frozenset({"javascript", "js", "ecmascript"})
INSTEAD = (
    "rewrite it as a javascript or python script, or make it an external service task "
    '(camunda:type="external" with a camunda:topic) that a worker serves'
)


class Script(Protocol):
    """A compiled script task's script."""

    element_id: str
    language: str
    source: str

    def run(
        self,
        variables: Mapping[str, Any],
        functions: Mapping[str, Callable[..., Any]] | None = None,
        *,
        business_key: str | None = None,
        process_instance_id: str | None = None,
        event_name: str | None = None,
        task: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Run over the case's variables; return the variables the script set or changed.

        A listener's script gets the `event_name` (`execution.eventName`); a task listener's
        gets `task`, the task's facts (id, name, assignee, eventName, taskDefinitionKey), and
        an assignee the script sets (`task.assignee = 'ann'`) is left in that dict.
        """
        ...


def compile_script(
    language: str | None, source: str, *, element_id: str, limits: ScriptLimits = DEFAULT_LIMITS
) -> Script:
    """Check a script task's script for deploy; raise ScriptRefused or ScriptSyntaxError if it cannot run."""
    name = (language or "").strip().lower()
    if name == "python":
        return compile_python(source, element_id=element_id, limits=limits)
    if name in JAVASCRIPT_NAMES:
        return compile_javascript(source, element_id=element_id, limits=limits)
    said = f"scriptFormat {language!r}" if name else "no scriptFormat"
    raise ScriptRefused(
        f"{describe_task(element_id, name or 'unnamed')} has {said}, which licflow does not run; {INSTEAD}",
        element_id=element_id,
        language=name,
    )
