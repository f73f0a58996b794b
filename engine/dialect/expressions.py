"""The script engine that evaluates conditions, timer and due-date expressions and scripts.

Expressions are Python over the case variables. Camunda's `${...}` wrapper is accepted,
so diagrams read as Camunda Modeler writes them; keep expressions to what both read
(`and`, `or`, `not`, `==`, quoted strings). The installed procedure's functions are in
scope (for licensing, `statutory_due_iso(registered_on, 5)`), as are `true`, `false` and
`null` so that DMN output entries can be written as in Camunda. The clock is read only through
`engine.clock` (`today_iso()`, `is_past(...)`), never by the diagram itself.
Diagrams come from analysts, who are trusted to deploy; nothing an applicant sends is
ever evaluated.
"""

from __future__ import annotations

import datetime as _datetime

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from engine import clock, extensions
from engine.dialect import timer_clock


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


def expression_globals() -> dict:
    """Return the names every expression may use besides the case variables."""
    names = {
        "datetime": _datetime.datetime,
        "timedelta": _datetime.timedelta,
        "date": _datetime.date,
        "true": True,
        "false": False,
        "null": None,
        "today_iso": today_iso,
        "now_iso": now_iso,
        "is_past": is_past,
    }
    names.update(extensions.current().expression_functions)
    return names


def unwrap(expression: str) -> str:
    """Return the expression inside Camunda's `${...}`, or the text as it is."""
    text = expression.strip()
    if text.startswith("${") and text.endswith("}"):
        return text[2:-1].strip()
    return text


class LicflowScriptEngine(PythonScriptEngine):
    """Python script engine that reads Camunda's `${...}` expressions."""

    def evaluate(self, task, expression, external_context=None):
        return super().evaluate(task, unwrap(expression), external_context)

    def validate(self, expression):
        return super().validate(unwrap(expression))


def make_script_engine() -> PythonScriptEngine:
    """Return a script engine with the procedure's functions in scope and timers on the engine's clock."""
    timer_clock.install()
    return LicflowScriptEngine(environment=TaskDataEnvironment(expression_globals()))


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
    """Evaluate a Camunda-style expression (`${x}` or plain Python) for `task`."""
    return workflow.script_engine.evaluate(task, expression)
