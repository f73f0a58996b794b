"""Time what one scope per process instance adds to a command's engine step.

A case waits in N parallel user tasks (a parallel multi-instance over N approvers); each
step completes one of them with a variable and runs the engine. The baseline is the same
step without sharing (the rule of processes deployed before one scope); the measured step
adds `scope.snapshot` before and `scope.share` after, as every command does.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.dialect.constructs import scope
from engine.dialect.expressions import shared_script_engine
from engine.dialect.parser import parse_documents

ROOT = Path(__file__).resolve().parent.parent
DIAGRAM = ROOT / "tests" / "dialect" / "diagrams" / "mi_approvals.bpmn"
VARIABLES = {f"field_{n}": f"value {n}" for n in range(40)}


def _workflow(approvers: int, single: bool) -> BpmnWorkflow:
    parser = parse_documents({DIAGRAM.name: DIAGRAM.read_bytes()})
    spec = parser.get_spec("dialect_mi_approvals")
    scope.mark([spec], single)
    workflow = BpmnWorkflow(spec, {}, script_engine=shared_script_engine())
    start = workflow.get_tasks(state=TaskState.READY)[0]
    start.data.update(VARIABLES, approvers=[f"approver-{n}" for n in range(approvers)])
    workflow.do_engine_steps()
    return workflow


def _steps(approvers: int, single: bool) -> list[float]:
    workflow = _workflow(approvers, single)
    samples = []
    for number in range(approvers - 1):  # the last one would end the multi-instance
        task = next(t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.bpmn_id == "approve")
        started = time.perf_counter()
        before = scope.snapshot(workflow) if single else None
        task.data[f"said_{number}"] = "yes"
        task.run()
        workflow.do_engine_steps()
        if single:
            scope.share(workflow, before)
        samples.append(time.perf_counter() - started)
    return samples


def main() -> None:
    print("one scope per process instance: completing one of N parallel tasks (median ms; ratio: per-branch)")
    print(f"{'parallel tasks':>14} {'per-branch':>11} {'one scope':>10} {'ratio':>6}")
    for approvers in (5, 20, 50):
        base = statistics.median(_steps(approvers, single=False))
        shared = statistics.median(_steps(approvers, single=True))
        print(f"{approvers:>14} {base * 1000:11.3f} {shared * 1000:10.3f} {shared / base:6.2f}")


if __name__ == "__main__":
    from licflow.wiring import install_procedure

    install_procedure()
    main()
