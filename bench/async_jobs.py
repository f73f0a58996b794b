"""What an async boundary and a conditional event cost, against the same diagram without them.

Async: a case of `tests/dialect/diagrams/async_fee.bpmn` has its review completed and its fee
computed, once with the script run in the review's command (the baseline: the boundary
left out) and once with `camunda:asyncBefore` (the review's command, then the job the
timer sweep runs). Conditions: setting a variable of a case waiting in a task, without
(baseline) and with a conditional boundary event on the task (whose condition stays false,
so every change is watched and evaluated). Times per case, medians, on SQLite and
PostgreSQL; ratios against the baseline of the same run.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

from bench.databases import scratch_databases
from engine.orchestrator import Orchestrator
from engine.people.queries import open_user_tasks
from engine.runtime.timers import fire_due_timers
from store.db import Store
from store.migrate import upgrade

DIAGRAMS = Path(__file__).resolve().parent.parent / "tests" / "dialect" / "diagrams"
CASES = int(os.environ.get("LICFLOW_BENCH_ASYNC_CASES", "100"))


def _document(name: str, old: str = "", new: str = "") -> dict[str, bytes]:
    text = (DIAGRAMS / f"{name}.bpmn").read_text()
    return {f"{name}.bpmn": (text.replace(old, new, 1) if old else text).encode()}


def _review(orchestrator: Orchestrator, case_id: str, group: str = "officers") -> str:
    with orchestrator.transaction() as session:
        return next(t.id for t in open_user_tasks(session, group, limit=10_000) if t.case_id == case_id)


def _fee_cases(orchestrator: Orchestrator, asynchronous: bool) -> list[float]:
    times = []
    for _ in range(CASES):
        case_id = orchestrator.start_case("dialect_async_fee")
        task_id = _review(orchestrator, case_id)
        started = time.perf_counter()
        orchestrator.complete_user_task(task_id, {"amount": 100, "rate": 4}, "bench")
        if asynchronous:
            fire_due_timers(orchestrator.store)
        times.append(time.perf_counter() - started)
    return times


def _changes(orchestrator: Orchestrator, key: str) -> list[float]:
    times = []
    for number in range(CASES):
        case_id = orchestrator.start_case(key, variables={"amount": 10})
        started = time.perf_counter()
        orchestrator.change_variables(case_id, {"amount": 20 + number % 7}, [], "bench")
        times.append(time.perf_counter() - started)
    return times


def run(url: str) -> dict[str, float]:
    """Return the median milliseconds of each variant on the database at `url`."""
    upgrade(url)
    results = {}
    for name, asynchronous in (("fee in the review's command", False), ("fee in a job", True)):
        orchestrator = Orchestrator(Store(url))
        old, new = ("", "") if asynchronous else ('camunda:asyncBefore="true" ', "")
        orchestrator.deploy(_document("async_fee", old, new))
        results[name] = statistics.median(_fee_cases(orchestrator, asynchronous)) * 1000
    orchestrator = Orchestrator(Store(url))
    orchestrator.deploy(_document("pass_through_tasks"))  # the boundary's own task, no condition
    orchestrator.deploy(_document("conditional_boundary"))
    results["set a variable, no condition"] = (
        statistics.median(_changes(orchestrator, "dialect_pass_through")) * 1000
    )
    results["set a variable, watched condition"] = (
        statistics.median(_changes(orchestrator, "dialect_conditional_boundary")) * 1000
    )
    return results


def main() -> None:
    print(f"async boundaries and conditional events, {CASES} cases, median ms per case")
    print(f"{'database':<11} {'variant':<36} {'ms':>8} {'ratio':>7}")
    for kind, url in scratch_databases():
        if url is None:
            continue
        found = run(url)
        pairs = (
            ("fee in the review's command", "fee in a job"),
            ("set a variable, no condition", "set a variable, watched condition"),
        )
        for baseline, variant in pairs:
            for name in (baseline, variant):
                print(f"{kind:<11} {name:<36} {found[name]:>8.2f} {found[name] / found[baseline]:>7.2f}")
    sys.stdout.flush()


if __name__ == "__main__":
    from licflow.wiring import install_procedure

    install_procedure()
    main()
