"""Time what listeners cost: a case through ten plain tasks, without listeners and with them.

Each variant is a process start -> ten tasks -> end run in memory (parsed, deployed as the
engine stores it, loaded, run to its end); the listener variants give every task a start and
an end listener: JUEL expressions, python scripts, and a take listener on every flow. The
ratio is each variant's cases per second over the variant without listeners, in the same run.
"""

from __future__ import annotations

import os
import time

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.dialect.expressions import CaseIdentity, shared_script_engine
from engine.dialect.parser import parse_documents
from engine.runtime.serializer import dump_spec, load_spec

RUNS = int(os.environ.get("LICFLOW_BENCH_LISTENER_RUNS", "200"))
TASKS = 10
HEAD = (
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://bpmn.io/schema/bpmn">'
    '<bpmn:process id="bench_listeners" isExecutable="true">'
)
EXPRESSION = (
    '<camunda:executionListener expression="${execution.setVariable(&#39;n&#39;, n + 1)}" event="{e}" />'
)
SCRIPT = (
    '<camunda:executionListener event="{e}"><camunda:script scriptFormat="python">n = n + 1</camunda:script>'
    "</camunda:executionListener>"
)
VARIANTS = {
    "no listeners": ("", ""),
    "start + end JUEL expression listeners": (EXPRESSION, ""),
    "start + end python script listeners": (SCRIPT, ""),
    "JUEL start + end, and a take listener on every flow": (EXPRESSION, EXPRESSION),
}


def diagram(on_task: str, on_flow: str) -> str:
    """Return the ten-task process with `on_task` listeners on each task and `on_flow` on each flow."""
    ids = ["start", *(f"t{i}" for i in range(TASKS)), "end"]
    parts = [HEAD, '<bpmn:startEvent id="start" />']
    for ident in ids[1:-1]:
        listeners = on_task.replace("{e}", "start") + on_task.replace("{e}", "end")
        extensions = f"<bpmn:extensionElements>{listeners}</bpmn:extensionElements>" if listeners else ""
        parts.append(f'<bpmn:task id="{ident}">{extensions}</bpmn:task>')
    parts.append('<bpmn:endEvent id="end" />')
    for source, target in zip(ids, ids[1:], strict=False):
        take = on_flow.replace("{e}", "take")
        extensions = f"<bpmn:extensionElements>{take}</bpmn:extensionElements>" if take else ""
        flow = f'<bpmn:sequenceFlow id="f_{source}" sourceRef="{source}" targetRef="{target}">'
        parts.append(f"{flow}{extensions}</bpmn:sequenceFlow>")
    return "".join(parts) + "</bpmn:process></bpmn:definitions>"


def cases_per_second(xml: str) -> tuple[float, int]:
    """Return cases per second through the process, and the listener runs one case counted."""
    parser = parse_documents({"bench.bpmn": xml})
    spec, subprocess_specs = load_spec(dump_spec(parser.get_spec("bench_listeners"), {}))
    engine = shared_script_engine()

    def one_case() -> int:
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=engine)
        CaseIdentity.attach(workflow, "bench", None)
        for task in workflow.get_tasks(state=TaskState.READY):  # the start task
            task.data["n"] = 0
        workflow.do_engine_steps()
        return workflow.data.get("n", 0) if workflow.completed else -1

    counted = one_case()  # warm: compiled expressions and scripts are cached
    started = time.perf_counter()
    for _ in range(RUNS):
        one_case()
    return RUNS / (time.perf_counter() - started), counted


def main() -> None:
    """Print the table."""
    rows = [(name, *cases_per_second(diagram(*listeners))) for name, listeners in VARIANTS.items()]
    baseline = rows[0][1]
    print(f"listeners ({RUNS} cases through {TASKS} tasks each)")
    print(f"{'variant':<54}{'cases/s':>10}{'ms/case':>10}{'listeners/case':>16}{'vs none':>9}")
    for name, rate, counted in rows:
        print(f"{name:<54}{rate:>10,.0f}{1000 / rate:>10.2f}{counted:>16}{rate / baseline:>8.2f}x")


if __name__ == "__main__":
    main()
