"""Time the license routing decision: licflow's FEEL evaluator against SpiffWorkflow's DMN engine.

Both evaluate bpmn/license_routing.dmn in the same run over the same applications (every
kind, direction and a spread of list sections, so every row is hit). SpiffWorkflow's engine
is the former way: each cell becomes Python that its script engine compiles and evals.
Reading the table (compiling its FEEL, cold and with the cache warm) is timed too, since a
definition's spec is restored from its serialized form.

LICFLOW_BENCH_DECISIONS (20000) sets the evaluations per round; the best of ROUNDS counts.
"""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path
from types import SimpleNamespace

from lxml import etree
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser

from engine.dialect import feel
from engine.dialect.decisions import Decision, read_decisions

ROOT = Path(__file__).resolve().parent.parent
ROUTING = ROOT / "bpmn" / "license_routing.dmn"
EVALUATIONS = int(os.environ.get("LICFLOW_BENCH_DECISIONS", "20000"))
ROUNDS = 5
TARGET = 0.5  # licflow must evaluate at least half as fast as SpiffWorkflow did
SECTIONS = ("2.3", "2.7", "2.12", "2.14", "2.16", "2.17", "2.19", "2.21", "2.22", "1.1")
APPLICATIONS = [
    {"kind": kind, "direction": direction, "list_section": section}
    for kind, direction, section in itertools.product(
        ("one_time", "general", "exclusive"), ("export", "import"), SECTIONS
    )
]


def _root():
    return etree.fromstring(ROUTING.read_bytes(), etree.XMLParser(resolve_entities=False, no_network=True))


def licflow_decide():
    """Return a function evaluating the routing table with licflow's FEEL evaluator."""
    decision = read_decisions(_root())["license_routing"]
    return lambda variables: decision.evaluate(variables).single_result()


def spiff_decide():
    """Return a function evaluating the routing table with SpiffWorkflow's own DMN engine."""
    parser = CamundaParser()
    parser.add_dmn_xml(_root())
    engine = parser.get_engine("license_routing", None)
    script_engine = PythonScriptEngine(
        environment=TaskDataEnvironment({"true": True, "false": False, "null": None})
    )
    workflow = SimpleNamespace(script_engine=script_engine)
    return lambda variables: engine.result(SimpleNamespace(data=variables, workflow=workflow))


def rate(decide, count: int) -> float:
    """Return the best evaluations per second of `decide` over ROUNDS rounds of `count`."""
    cases = itertools.islice(itertools.cycle(APPLICATIONS), count)
    cases = list(cases)
    best = 0.0
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for variables in cases:
            decide(variables)
        best = max(best, count / (time.perf_counter() - started))
    return best


def read_times() -> tuple[float, float, float]:
    """Return milliseconds to read the table cold, with the FEEL cache warm, and from its dict."""
    feel.compile_expression.cache_clear()
    feel.compile_unary_tests.cache_clear()
    started = time.perf_counter()
    decision = read_decisions(_root())["license_routing"]
    cold = time.perf_counter() - started
    started = time.perf_counter()
    read_decisions(_root())
    warm = time.perf_counter() - started
    definition = decision.to_dict()
    started = time.perf_counter()
    Decision.from_dict(definition)
    restored = time.perf_counter() - started
    return cold * 1000, warm * 1000, restored * 1000


def main() -> None:
    ours, theirs = licflow_decide(), spiff_decide()
    for variables in APPLICATIONS:
        assert ours(variables) == dict(theirs(variables)), variables
    licflow_rate = rate(ours, EVALUATIONS)
    spiff_rate = rate(theirs, max(EVALUATIONS // 20, 200))
    print(f"license routing decision, evaluations per second (best of {ROUNDS} rounds)")
    print(f"{'evaluator':<38} {'evals/s':>10} {'us/eval':>9}")
    for label, figure in (
        ("licflow FEEL (engine.dialect)", licflow_rate),
        ("SpiffWorkflow DMN (Python eval)", spiff_rate),
    ):
        print(f"{label:<38} {figure:>10.0f} {1e6 / figure:>9.1f}")
    ratio = licflow_rate / spiff_rate
    verdict = "ok" if ratio >= TARGET else "TOO SLOW"
    print(f"ratio licflow / SpiffWorkflow: {ratio:.1f}x (target >= {TARGET}x, i.e. not 2x slower): {verdict}")
    cold, warm, restored = read_times()
    print(f"reading the table: {cold:.2f} ms cold, {warm:.2f} ms with the FEEL cache warm, ", end="")
    print(f"{restored:.2f} ms from its dict")


if __name__ == "__main__":
    main()
