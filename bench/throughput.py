"""Durable throughput against SpiffWorkflow itself, on one diagram, in the same run.

The diagram (`bench/diagrams/throughput.bpmn`, written as Camunda Modeler saves it) has five
script tasks, two external tasks, a user task and an exclusive split. "raw" runs it with
SpiffWorkflow in memory, with licflow's parser and script engine, completing the external and
user tasks by hand; the engine's Python API runs the same instances durably (one transaction a
command, state, projections and history together). Ratios are instances/s against raw.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from bench.databases import scratch_databases
from engine.dialect.expressions import shared_script_engine
from engine.dialect.parser import ExternalServiceTask, parse_documents
from engine.orchestrator import Orchestrator
from engine.people.queries import open_user_tasks
from store.db import Store
from store.migrate import upgrade

DIAGRAM = Path(__file__).parent / "diagrams" / "throughput.bpmn"
INSTANCES = int(os.environ.get("LICFLOW_BENCH_INSTANCES", "200"))
LOCK = timedelta(minutes=5)


def raw_instances_per_second(instances: int) -> float:
    """Run the diagram with SpiffWorkflow in memory; return instances/s."""
    parser = parse_documents({DIAGRAM.name: DIAGRAM.read_bytes()})
    spec, subprocess_specs = parser.get_spec("throughput"), parser.get_subprocess_specs("throughput")
    started = time.perf_counter()
    for number in range(instances):
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=shared_script_engine())
        workflow.get_tasks(state=TaskState.READY)[0].data.update({"amount": number})
        workflow.do_engine_steps()
        while not workflow.completed:
            _advance_by_hand(workflow)
    return instances / (time.perf_counter() - started)


def _advance_by_hand(workflow: BpmnWorkflow) -> None:
    for task in workflow.get_tasks(state=TaskState.STARTED):
        if isinstance(task.task_spec, ExternalServiceTask):
            task.complete()
    for task in workflow.get_tasks(state=TaskState.READY, manual=True):
        task.data.update({"approved": True})
        task.run()
    workflow.do_engine_steps()


def durable_instances_per_second(orchestrator: Orchestrator, instances: int) -> float:
    """Run the diagram through the engine's Python API; return instances/s."""
    orchestrator.deploy({DIAGRAM.name: DIAGRAM.read_bytes()})
    started = time.perf_counter()
    for number in range(instances):
        case_id = orchestrator.start_case("throughput", f"T-{number}", {"amount": number}, actor="bench")
        _complete_external(orchestrator, "bench.check")
        with orchestrator.transaction() as session:
            review = next(t for t in open_user_tasks(session, "officers", limit=10) if t.case_id == case_id)
        orchestrator.complete_user_task(review.id, {"approved": True}, "bench")
        _complete_external(orchestrator, "bench.notify")
    return instances / (time.perf_counter() - started)


def _complete_external(orchestrator: Orchestrator, topic: str) -> None:
    (task,) = orchestrator.fetch_and_lock("bench", [topic], LOCK)
    orchestrator.complete_external_task(task.id, "bench", {})


def main() -> None:
    print(f"durable throughput, {INSTANCES} instances of a 12-element diagram (instances/s; ratio to raw)")
    raw = raw_instances_per_second(INSTANCES)
    print(f"{'run':<32} {'instances/s':>12} {'ratio':>7}")
    print(f"{'raw SpiffWorkflow, in memory':<32} {raw:12.1f} {1.0:7.2f}")
    for label, url in scratch_databases():
        upgrade(url)
        store = Store(url)
        print(f"  ... {label}: running", file=sys.stderr, flush=True)
        durable = durable_instances_per_second(Orchestrator(store), INSTANCES)
        store.dispose()
        print(f"{'engine API, ' + label:<32} {durable:12.1f} {durable / raw:7.2f}")


if __name__ == "__main__":
    from licflow.wiring import install_procedure

    install_procedure()
    main()
