"""Time JUEL conditions against the Python evaluation the engine used before, in evaluations per second.

The former evaluation is SpiffWorkflow's `PythonScriptEngine(environment=TaskDataEnvironment(...))
.evaluate(task, text)` on a task holding the case variables, as engine/scripting.py does. Both
sides are measured in the same run on the same variables, each building what it needs per
evaluation (JUEL: the cached compile and a `Scope`; Spiff: its copy of the globals). The ratio
is JUEL's rate over Spiff's: above 1 is faster. The target is at least 0.5.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from types import SimpleNamespace

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from engine.deadlines import TIMER_FUNCTIONS
from engine.dialect.juel import Scope, compile_expression

SECONDS = float(os.environ.get("LICFLOW_BENCH_EXPRESSION_SECONDS", "0.5"))
VARIABLES = {
    "amount": 250,
    "approved": True,
    "kind": "export",
    "items": ["steel", "copper"],
    "registered_on": "2025-03-26",
}
FUNCTIONS = {"double": lambda number: number * 2, **TIMER_FUNCTIONS}
# (label, JUEL text, the same condition in the Python the engine evaluated before)
CONDITIONS = [
    ("amount and approval", "${amount > 100 && approved}", "amount > 100 and approved"),
    ("kind and items", "${kind eq 'export' and not empty items}", "kind == 'export' and len(items) > 0"),
    ("light function call", "${double(amount) >= 500}", "double(amount) >= 500"),
    ("statutory due date", "${statutory_due_iso(registered_on, 5)}", "statutory_due_iso(registered_on, 5)"),
    ("composite text", "Case ${kind}: ${amount} KZT", "f'Case {kind}: {amount} KZT'"),
]


def rate(evaluate: Callable[[], object]) -> float:
    """Return how many times per second `evaluate` runs, measured for about SECONDS."""
    evaluate()
    count, batch = 0, 100
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < SECONDS:
        for _ in range(batch):
            evaluate()
        count += batch
    return count / elapsed


def juel_evaluation(text: str) -> Callable[[], object]:
    """Return one JUEL evaluation as the engine would do it: cached compile, a fresh scope."""
    return lambda: compile_expression(text).evaluate(Scope(variables=VARIABLES, functions=FUNCTIONS))


def spiff_evaluation(text: str) -> Callable[[], object]:
    """Return one evaluation through SpiffWorkflow's Python script engine, as the engine did before."""
    script_engine = PythonScriptEngine(environment=TaskDataEnvironment(dict(FUNCTIONS)))
    task = SimpleNamespace(data=VARIABLES)
    return lambda: script_engine.evaluate(task, text)


def main() -> None:
    """Print JUEL and Spiff evaluations per second for typical conditions, with their ratio."""
    print(f"expressions, about {SECONDS:g} s each (evaluations per second; ratio = JUEL / Spiff)")
    print(f"{'condition':<22} {'JUEL':>11} {'Spiff':>11} {'ratio':>7}")
    for label, juel_text, python_text in CONDITIONS:
        juel_value = juel_evaluation(juel_text)()
        spiff_value = spiff_evaluation(python_text)()
        assert juel_value == spiff_value, (label, juel_value, spiff_value)
        juel_rate = rate(juel_evaluation(juel_text))
        spiff_rate = rate(spiff_evaluation(python_text))
        print(f"{label:<22} {juel_rate:11,.0f} {spiff_rate:11,.0f} {juel_rate / spiff_rate:7.1f}")


if __name__ == "__main__":
    main()
