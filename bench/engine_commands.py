"""Time the engine's commands on SQLite and PostgreSQL against an empty transaction.

The baseline is one unit of work that runs `SELECT 1` on the same database in the
same run, so the ratio says what a command costs beyond a bare round trip.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from bench.databases import scratch_databases
from engine.orchestrator import Orchestrator
from engine.people.queries import open_user_tasks
from store.db import Store
from store.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
DIAGRAM = ROOT / "tests" / "diagrams" / "core_sample.bpmn"
CASES = int(os.environ.get("LICFLOW_BENCH_CASES", "200"))
VARIABLES = {"review_due": "2030-01-01T09:00:00+00:00", "due": "2029-12-31T13:30:00+00:00"}


def _timed(samples: list[float], action, *arguments) -> object:
    started = time.perf_counter()
    result = action(*arguments)
    samples.append(time.perf_counter() - started)
    return result


def run(orchestrator: Orchestrator) -> dict[str, list[float]]:
    """Drive CASES cases through start, check, review and answer; time each command."""
    orchestrator.deploy({DIAGRAM.name: DIAGRAM.read_bytes()})
    times: dict[str, list[float]] = {
        k: [] for k in ("baseline", "start", "complete external", "complete user", "correlate")
    }
    for number in range(CASES):
        _timed(times["baseline"], orchestrator.ping)
        key = f"bench-{number}"
        case_id = _timed(times["start"], orchestrator.start_case, "core_sample", key, VARIABLES)
        (task,) = orchestrator.fetch_and_lock("bench", ["sample.check"], timedelta(minutes=5))
        _timed(
            times["complete external"],
            orchestrator.complete_external_task,
            task.id,
            "bench",
            {"skip_review": False},
        )
        with orchestrator.transaction() as session:
            review = next(
                t for t in open_user_tasks(session, "officers", limit=10_000) if t.case_id == case_id
            )
        _timed(
            times["complete user"], orchestrator.complete_user_task, review.id, {"approved": True}, "bench"
        )
        _timed(times["correlate"], orchestrator.correlate_message, "answer", {}, key)
    return times


def main() -> None:
    print(f"engine commands, {CASES} cases each (median and p95 in ms; ratio = median / baseline median)")
    print(f"{'database':<11} {'command':<18} {'median':>8} {'p95':>8} {'ratio':>7}")
    for label, url in scratch_databases():
        upgrade(url)
        store = Store(url)
        print(f"  ... {label}: running", file=sys.stderr, flush=True)
        times = run(Orchestrator(store))
        store.dispose()
        base = statistics.median(times["baseline"])
        for command, samples in times.items():
            median = statistics.median(samples)
            p95 = statistics.quantiles(samples, n=20)[-1]
            print(f"{label:<11} {command:<18} {median * 1000:8.2f} {p95 * 1000:8.2f} {median / base:7.1f}")
