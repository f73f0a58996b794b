"""Time script tasks: the Python subset against SpiffWorkflow's former exec, and JavaScript cold and warm.

The Python rows run the registration script of bpmn/license_issuance.bpmn with simple
functions in the same process, so the ratio says what the sandbox costs per run. The
JavaScript rows run the Camunda-style script warm (a worker waiting in the pool) and cold
(a new worker process for the run), and check a script's syntax as a deploy does.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from engine.dialect.scripts import compile_script
from engine.dialect.scripts.js_pool import POOL

RUNS = int(os.environ.get("LICFLOW_BENCH_SCRIPT_RUNS", "2000"))
COLD_RUNS = max(RUNS // 100, 5)

REGISTRATION = """registered_on = registration_day(submitted_at)
statutory_due_at = statutory_due_iso(registered_on, term_days)
statutory_due_explained = statutory_due_explanation(registered_on, term_days)
deadline_warning_at = working_days_before_iso(statutory_due_at, 1)
hearing_notice_due_at = hearing_notice_latest_iso(statutory_due_at)
decision = None
hearing_outcome = None
documents_complete = None
license_number = None"""
CAMUNDA_STYLE = """var amount = execution.getVariable('amount');
execution.setVariable('big', amount > 100);"""
VARIABLES = {"submitted_at": "2025-03-26T17:05:00+05:00", "term_days": 5, "amount": 150}
FUNCTIONS: dict[str, Callable] = {
    "registration_day": lambda submitted_at: submitted_at[:10],
    "statutory_due_iso": lambda day, days: f"{day}T18:30:00+05:00",
    "statutory_due_explanation": lambda day, days: {"registered_on": day, "term_days": days},
    "working_days_before_iso": lambda due, n: due,
    "hearing_notice_latest_iso": lambda due: due,
}


class _Task:
    """The one thing SpiffWorkflow's script engine reads from a task: its data."""

    def __init__(self, data: dict) -> None:
        self.data = data


def _per_second(runs: int, action: Callable[[], object]) -> float:
    started = time.perf_counter()
    for _ in range(runs):
        action()
    return runs / (time.perf_counter() - started)


def python_rows() -> list[tuple[str, float]]:
    """Return runs per second of the registration script under the subset and under exec."""
    subset = compile_script("python", REGISTRATION, element_id="register_application")
    spiff = PythonScriptEngine(environment=TaskDataEnvironment(dict(FUNCTIONS)))
    subset_rate = _per_second(RUNS, lambda: subset.run(VARIABLES, FUNCTIONS))
    spiff_rate = _per_second(RUNS, lambda: spiff.execute(_Task(dict(VARIABLES)), REGISTRATION))
    return [
        ("python subset: registration script", subset_rate),
        ("SpiffWorkflow PythonScriptEngine.execute (exec)", spiff_rate),
    ]


def javascript_rows() -> list[tuple[str, float]]:
    """Return runs per second of the Camunda-style script, warm and cold, and of a syntax check."""
    script = compile_script("javascript", CAMUNDA_STYLE, element_id="check_amount")
    warm = _per_second(RUNS // 4, lambda: script.run(VARIABLES))

    def cold_run() -> None:
        POOL.close()
        script.run(VARIABLES)

    cold = _per_second(COLD_RUNS, cold_run)
    check = _per_second(RUNS // 4, lambda: compile_script("js", CAMUNDA_STYLE, element_id="check_amount"))
    return [
        ("javascript: warm worker, fresh QuickJS runtime", warm),
        ("javascript: cold (new worker process)", cold),
        ("javascript: syntax check at deploy (warm)", check),
    ]


def main() -> None:
    """Print the table."""
    rows = python_rows()
    subset_rate, spiff_rate = rows[0][1], rows[1][1]
    rows += javascript_rows()
    print(f"script tasks ({RUNS} runs; cold JavaScript {COLD_RUNS})")
    print(f"{'run':<52}{'runs/s':>12}{'ms/run':>10}")
    for name, rate in rows:
        print(f"{name:<52}{rate:>12,.0f}{1000 / rate:>10.3f}")
    print(f"subset runs/s over exec runs/s: {subset_rate / spiff_rate:.2f}")


if __name__ == "__main__":
    main()
