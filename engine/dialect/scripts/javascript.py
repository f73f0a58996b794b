"""Compile and run `scriptFormat="javascript"` scripts in QuickJS, in a worker process.

The engine is QuickJS (the maintained quickjs-ng fork, through the `quickjs-ng` package).
Each script runs in a fresh QuickJS runtime in a reused worker process
(`engine.dialect.js_pool`): memory and stack are capped by QuickJS, the wall-clock budget by
killing the worker, so a loop inside a builtin cannot hold the engine either. The script
sees ECMAScript's builtins only (no `require`, `process`, `import()`, `fetch`, `Deno`,
`load`, `read`, `os`, `std`, timers, `Atomics` or `SharedArrayBuffer`), plus:

- `execution`, as in Camunda: `getVariable(name)` (null when unset), `setVariable(name,
  value)`, `setVariables({...})`, `hasVariable`, `getVariables`, `getVariableLocal`,
  `setVariableLocal`, `getBusinessKey()`, `getProcessInstanceId()`, `getCurrentActivityId()`;
- each case variable whose name is an identifier, as a global (assigning it stores nothing);
- each registered function, called synchronously: the worker asks this process to run it.

Values cross as JSON: dates and times become ISO 8601 strings, sets and tuples lists; a
value JSON cannot carry (NaN, a function, a cycle) fails the run with its name. Only
`setVariable` writes, and what it stores is the value as it was at that moment. Promise
jobs run after the script until none is left, within the same budget.

Why QuickJS (quickjs-ng 0.17) and not V8 (mini-racer 0.14); both were tried:
- mini-racer calls Python only asynchronously (`wrap_py_function` gives JavaScript an async
  function), and an endless loop after an `await` hung the host process past its timeout;
- V8 aborts the whole process on some allocations before its heap limit applies
  (`new Array(2**32 - 1).fill(1)`: "Fatal JavaScript out of memory"), so it too would need
  a child process; its wheel is 22 MB and a cold isolate costs ~5 ms;
- QuickJS checks its memory cap on every allocation, calls Python synchronously, starts a
  runtime in ~0.1 ms, and quickjs-ng is maintained (the `quickjs` package is archived).
Its binding refuses Python calls while its CPU time limit is set, and a few builtins (a
`join` over a sparse array of 2**32 - 1 slots) never check for interrupts; so the wall-clock
budget is kept by killing the worker process, which also holds whatever a crash would take.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.dialect.scripts.errors import ScriptFailed, ScriptRefused, ScriptSyntaxError, describe_task
from engine.dialect.scripts.js_pool import POOL, WorkerBroke, WorkerTimedOut
from engine.dialect.scripts.limits import DEFAULT_LIMITS, MIB, Budget, LimitExceeded, ScriptLimits
from engine.dialect.scripts.python_values import check_nesting

LANGUAGE = "javascript"
_CHECK_SECONDS = 5.0


@dataclass(frozen=True)
class JavaScriptScript:
    """A javascript script task's script, parsed at deploy and ready to run."""

    element_id: str
    source: str
    limits: ScriptLimits = DEFAULT_LIMITS
    language: str = LANGUAGE

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
        """Run the script over `variables`; return the variables it set with `execution.setVariable`.

        `task` (a task listener's facts) becomes the script's `task`; an assignee it sets is left in it.
        """
        functions = functions or {}
        facts = {
            "businessKey": business_key,
            "processInstanceId": process_instance_id,
            "eventName": event_name,
        }
        request = {
            "op": "run",
            "source": self.source,
            "input": self._input(variables, functions, facts | {"task": task}),
            "memory": self.limits.js_memory_bytes,
            "stack": self.limits.js_stack_bytes,
            "max_exchange": self.limits.max_exchange_bytes,
        }
        try:
            answer = self._converse(request, functions)
        except WorkerTimedOut:
            raise self._failed(f"it ran longer than {self.limits.wall_seconds:g} s") from None
        except WorkerBroke as error:
            raise self._failed(str(error)) from None
        if "failed" in answer:
            raise self._failed(_cause(answer["failed"], self.limits))
        if task is not None and "assignee" in answer.get("task", {}):
            task["assignee"] = json.loads(answer["task"]["assignee"])
        return self._changes(answer["done"])

    def _converse(self, request: dict[str, Any], functions: Mapping[str, Callable[..., Any]]) -> dict:
        max_bytes = 6 * self.limits.max_exchange_bytes + MIB  # JSON in JSON: escapes may take 6 bytes
        with POOL.worker() as worker:
            deadline = time.monotonic() + self.limits.wall_seconds
            worker.send(request)
            while "call" in (answer := worker.receive(deadline, max_bytes)):
                worker.send({"reply": self._call(functions, answer["call"], answer["args"])})
            return answer

    def _input(self, variables: Mapping[str, Any], functions: Mapping, facts: dict[str, Any]) -> str:
        encoded = []
        for name, value in variables.items():
            try:
                encoded.append(f"{json.dumps(str(name))}:{to_json(value)}")
            except (TypeError, ValueError) as error:
                raise self._failed(f"the variable {name!r} cannot cross into JavaScript: {error}") from None
        context = {"functions": sorted(functions), "elementId": self.element_id, **facts}
        text = f'{{"variables":{{{",".join(encoded)}}},{to_json(context)[1:]}'
        if len(text) > self.limits.max_exchange_bytes:
            raise self._failed(f"the case's variables take {len(text)} bytes as JSON, more than the cap")
        return text

    def _call(self, functions: Mapping[str, Callable[..., Any]], name: str, args_json: str) -> str:
        function = functions.get(name)
        if function is None:
            return json.dumps({"error": f"{name} is not a registered function"})
        try:
            return to_json({"value": function(*json.loads(args_json))})
        except Exception as error:  # noqa: BLE001 - the script sees the function's failure as a JS Error
            return json.dumps({"error": f"{name}() failed: {type(error).__name__}: {error}"})

    def _changes(self, done: dict[str, str]) -> dict[str, Any]:
        budget = Budget(self.limits)
        changes = {}
        for name, text in done.items():
            try:
                changes[name] = json.loads(text)
                check_nesting(changes[name], budget, {}, set())
            except (ValueError, RecursionError, LimitExceeded) as error:
                raise self._failed(f"the variable {name!r} it set cannot be stored: {error}") from None
        return changes

    def _failed(self, cause: str) -> ScriptFailed:
        task = describe_task(self.element_id, LANGUAGE)
        return ScriptFailed(
            f"{task} failed: {cause}", element_id=self.element_id, language=LANGUAGE, cause=cause
        )


def compile_javascript(
    source: str, *, element_id: str, limits: ScriptLimits = DEFAULT_LIMITS
) -> JavaScriptScript:
    """Parse `source` without running it; raise ScriptSyntaxError naming the line and column."""
    task = describe_task(element_id, LANGUAGE)
    if len(source) > limits.max_source_chars:
        raise ScriptRefused(
            f"{task}: the script has {len(source)} characters; the cap is {limits.max_source_chars}",
            element_id=element_id,
            language=LANGUAGE,
        )
    request = {
        "op": "check",
        "source": source,
        "memory": limits.js_memory_bytes,
        "stack": limits.js_stack_bytes,
    }
    try:
        with POOL.worker() as worker:
            worker.send(request)
            answer = worker.receive(time.monotonic() + _CHECK_SECONDS, 2 * limits.max_source_chars + MIB)
    except (WorkerTimedOut, WorkerBroke) as error:
        raise ScriptRefused(
            f"{task}: the script could not be checked: {error or 'the check took too long'}",
            element_id=element_id,
            language=LANGUAGE,
        ) from None
    if "syntax" in answer:
        error = answer["syntax"]
        raise ScriptSyntaxError(
            f"{task}: syntax error at line {error['line']}, column {error['column']}: {error['message']}",
            element_id=element_id,
            language=LANGUAGE,
            line=error["line"],
            column=error["column"],
        )
    return JavaScriptScript(element_id=element_id, source=source, limits=limits)


def to_json(value: Any) -> str:
    """Return `value` as JSON for JavaScript: dates as ISO strings, sets as lists, no NaN."""
    return json.dumps(value, default=_plain, allow_nan=False, separators=(",", ":"))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return list(value)
    raise TypeError(f"a {type(value).__name__} has no JSON form")


def _cause(failure: dict[str, Any], limits: ScriptLimits) -> str:
    message = failure["message"]
    if "out of memory" in message:
        message = f"it ran out of memory (the cap is {limits.js_memory_bytes // MIB} MiB)"
    elif "Maximum call stack size exceeded" in message:
        message = "it recursed too deeply (RangeError: Maximum call stack size exceeded)"
    if failure.get("line"):
        return f"{message} (line {failure['line']}, column {failure['column']})"
    return message
