"""The script engine that evaluates conditions, timer and due-date expressions.

Expressions are Python, evaluated over the case variables. The working-day
calendar's functions are available to them, so a timer can read
`statutory_due_iso(registered_on, 5)`. Diagrams come from analysts, who are trusted
to deploy; nothing an applicant sends is ever evaluated.
"""

from __future__ import annotations

import datetime as _datetime

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from engine.deadlines import TIMER_FUNCTIONS


def expression_globals() -> dict:
    """Return the names every expression may use besides the case variables."""
    names = {"datetime": _datetime.datetime, "timedelta": _datetime.timedelta, "date": _datetime.date}
    names.update(TIMER_FUNCTIONS)
    return names


def make_script_engine() -> PythonScriptEngine:
    """Return a script engine with the calendar functions in scope."""
    return PythonScriptEngine(environment=TaskDataEnvironment(expression_globals()))


def evaluate(workflow, task, expression: str):
    """Evaluate a Camunda-style expression (`${x}` or plain Python) for `task`."""
    text = expression.strip()
    if text.startswith("${") and text.endswith("}"):
        text = text[2:-1]
    return workflow.script_engine.evaluate(task, text)
