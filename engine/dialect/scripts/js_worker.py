"""The JavaScript worker process: check or run one script at a time, each in a fresh QuickJS runtime.

`engine.dialect.js_pool` starts it as `python -I js_worker.py` and speaks JSON lines over its
stdin and stdout. It imports only the standard library and `quickjs`, so it needs nothing of
the project on its path. The parent enforces the wall-clock budget by killing this process;
inside, QuickJS caps memory and stack per runtime, and this process caps its own address
space, file sizes and open files. QuickJS here has no `std`/`os` modules: a script sees
only the ECMAScript builtins and what the prelude below adds (`execution`, the functions).

Requests and answers (one JSON object a line), after the worker's first line {"ready": true}:
  {"op": "check", "source": s, "memory": n, "stack": n}
      -> {"ok": true} | {"syntax": {"message": m, "line": l, "column": c}}
  {"op": "run", "source": s, "input": json_text, "memory": n, "stack": n, "max_exchange": n}
      -> {"call": name, "args": json_text} ... <- {"reply": json_text}   (a registered function)
      -> {"done": {name: json_text}, "task": {"assignee": json_text}}
       | {"failed": {"message": m, "line": l, "column": c}}
"""

from __future__ import annotations

import json
import os
import re
import resource
import sys
import threading
import time

import quickjs

_PARSED = "licflow:parsed"
_FRAME = re.compile(r"<input>:(\d+):(\d+)")
_ADDRESS_SPACE = 1024 * 1024 * 1024

_PRELUDE = r"""
(function (global) {
  "use strict";
  const input = JSON.parse(global.__licflow_input);
  const hostSet = global.__licflow_set, hostCall = global.__licflow_call, hostTask = global.__licflow_task;
  delete global.__licflow_input; delete global.__licflow_set; delete global.__licflow_call;
  delete global.__licflow_task;
  const stringify = JSON.stringify, parse = JSON.parse, keys = Object.keys;
  const hasOwn = (object, name) => Object.prototype.hasOwnProperty.call(object, name);
  const variables = input.variables;
  const named = (name) => {
    if (typeof name !== "string" || name === "") {
      throw new TypeError("a variable name must be a non-empty string");
    }
    return name;
  };
  const read = (name) => (hasOwn(variables, named(name)) ? variables[name] : null);
  const write = (name, value) => {
    const text = value === undefined ? "null" : stringify(value);
    if (text === undefined) {
      throw new TypeError("the value of " + named(name) + " cannot be stored as a variable");
    }
    const refusal = hostSet(named(name), text);
    if (refusal) throw new RangeError(refusal);
    variables[name] = parse(text);
  };
  const execution = Object.freeze({
    getVariable: read,
    getVariableLocal: read,
    hasVariable: (name) => hasOwn(variables, named(name)),
    getVariables: () => parse(stringify(variables)),
    setVariable: write,
    setVariableLocal: write,
    setVariables: (values) => { for (const name of keys(values)) write(name, values[name]); },
    getBusinessKey: () => input.businessKey,
    getProcessInstanceId: () => input.processInstanceId,
    getCurrentActivityId: () => input.elementId,
    getEventName: () => input.eventName,
    eventName: input.eventName,
    processBusinessKey: input.businessKey,
  });
  Object.defineProperty(global, "execution", { value: execution, writable: false, configurable: false });
  if (input.task) {
    const facts = input.task;
    const setAssignee = (value) => {
      if (value !== null && typeof value !== "string") {
        throw new TypeError("an assignee is a user name or null");
      }
      const refusal = hostTask(stringify(value));
      if (refusal) throw new RangeError(refusal);
      facts.assignee = value;
    };
    const task = {
      getAssignee: () => facts.assignee, setAssignee: setAssignee,
      getId: () => facts.id, getName: () => facts.name, getEventName: () => facts.eventName,
      getTaskDefinitionKey: () => facts.taskDefinitionKey,
      getVariable: read, setVariable: write, hasVariable: execution.hasVariable, execution: execution,
    };
    const assignee = { get: () => facts.assignee, set: setAssignee, enumerable: true };
    Object.defineProperty(task, "assignee", assignee);
    for (const name of ["id", "name", "eventName", "taskDefinitionKey"]) {
      Object.defineProperty(task, name, { value: facts[name], enumerable: true });
    }
    Object.freeze(task);
    Object.defineProperty(global, "task", { value: task, writable: false, configurable: false });
  }
  for (const name of input.functions) {
    const call = function (...args) {
      const reply = parse(hostCall(name, stringify(args)));
      if (hasOwn(reply, "error")) throw new Error(reply.error);
      return reply.value;
    };
    Object.defineProperty(global, name, { value: call, writable: true, configurable: true });
  }
  for (const name of keys(variables)) {
    if (/^[A-Za-z_$][\w$]*$/.test(name) && !(name in global)) global[name] = variables[name];
  }
  for (const name of ["Atomics", "SharedArrayBuffer", "WebAssembly", "FinalizationRegistry", "WeakRef"]) {
    delete global[name];
  }
})(globalThis);
"""


def main() -> None:
    """Answer requests from stdin until it closes."""
    _limit_process()
    _exit_with_parent(os.getppid())
    _send({"ready": True})
    for line in sys.stdin.buffer:
        request = json.loads(line)
        if request["op"] == "check":
            _send(_check(request))
        else:
            _send(_run(request))


def _limit_process() -> None:
    for limit, value in (
        (resource.RLIMIT_AS, _ADDRESS_SPACE),
        (resource.RLIMIT_FSIZE, 0),
        (resource.RLIMIT_NOFILE, 16),
        (resource.RLIMIT_CORE, 0),
    ):
        soft, hard = resource.getrlimit(limit)
        cap = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(limit, (cap, hard))


def _exit_with_parent(parent: int) -> None:
    # A script looping forever never reads stdin, so it would not see the engine go away.
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="licflow-parent-watch", daemon=True).start()


def _send(message: dict) -> None:
    sys.stdout.buffer.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
    sys.stdout.buffer.flush()


def _context(request: dict) -> quickjs.Context:
    context = quickjs.Context()
    context.set_memory_limit(request["memory"])
    context.set_max_stack_size(request["stack"])
    return context


def _position(text: str) -> tuple[int, int]:
    frames = _FRAME.findall(text)
    return (int(frames[-1][0]), int(frames[-1][1])) if frames else (0, 0)


def _check(request: dict) -> dict:
    # The sentinel throw runs first, so nothing of the script runs; the whole text is still parsed.
    context = _context(request)
    context.set_time_limit(1.0)
    try:
        context.eval(f'throw "{_PARSED}";\n' + request["source"])
    except quickjs.JSException as error:
        text = str(error)
        if text.startswith(_PARSED):
            return {"ok": True}
        line, column = _position(text)
        return {"syntax": {"message": text.splitlines()[0], "line": max(line - 1, 1), "column": column}}
    return {"ok": True}


def _run(request: dict) -> dict:
    changes: dict[str, str] = {}
    budget = request["max_exchange"]
    size = [0]  # characters of JSON held in `changes`

    def set_variable(name: str, text: str) -> str:
        if not isinstance(name, str) or not isinstance(text, str):
            return "a variable needs a name and a value"
        grown = size[0] + len(text) - len(changes.get(name, ""))
        if grown > budget:
            return f"the variables set pass the cap of {budget} characters of JSON"
        changes[name], size[0] = text, grown
        return ""

    def call_function(name: str, args: str) -> str:
        if not isinstance(name, str) or not isinstance(args, str) or len(args) > budget:
            return json.dumps({"error": "a function was called with arguments too large to pass"})
        _send({"call": name, "args": args})
        reply = sys.stdin.buffer.readline()
        return json.loads(reply)["reply"] if reply else json.dumps({"error": "the engine went away"})

    task_changes: dict[str, str] = {}

    def set_assignee(text: str) -> str:
        if not isinstance(text, str) or len(text) > 1024:
            return "an assignee is a user name of at most 1024 characters"
        task_changes["assignee"] = text
        return ""

    context = _context(request)
    context.set("__licflow_input", request["input"])
    context.add_callable("__licflow_set", set_variable)
    context.add_callable("__licflow_call", call_function)
    context.add_callable("__licflow_task", set_assignee)
    try:
        context.eval(_PRELUDE)
        context.eval(request["source"])
        while context.execute_pending_job():
            pass
    except quickjs.JSException as error:  # StackOverflow is one too
        return {"failed": _failure(str(error), context)}
    return {"done": changes, "task": task_changes}


def _failure(text: str, context: quickjs.Context) -> dict:
    line, column = _position(text)
    message = text.splitlines()[0] if text else "the script failed"
    memory = context.memory()
    if memory["malloc_size"] > 0.9 * memory["malloc_limit"]:
        message = "InternalError: out of memory"  # past the cap the error object itself may not fit
    return {"message": message, "line": line, "column": column}


if __name__ == "__main__":
    main()
