"""Diagram code is untrusted: escapes in conditions, timers, decisions, mappings and scripts go nowhere.

Each payload is placed where an analyst could type it, in a diagram deployed through the engine.
It must be refused at deploy, or fail the case's command with a clear error, quickly; and it must
never reach the file system, a process or Python's eval (a sentinel file stays absent).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from engine.errors import LicflowError
from engine.orchestrator import Orchestrator
from store.db import Store
from tests.engine.dialect.modeler import diagram, step, timer

SENTINEL = "/tmp/licflow-escape-sentinel"
TOUCH = f"__import__('os').system('touch {SENTINEL}')"
BOUND_SECONDS = 5.0

CONDITIONS = [
    "${" + TOUCH + "}",
    "${''.__class__.__mro__[1].__subclasses__()}",
    "${x.__class__}",
    "${execution.__dict__}",
    "${execution._workflow}",
    "${getattr(execution, 'x')}",
    "${eval('1')}",
    "${exec('import os')}",
    "${'{0.__class__}'.format(x)}",
    "${x.getClass().forName('java.lang.Runtime')}",
    "${''.join(['a'])}",
    "${x.system('ls')}",
    "${" + "(" * 500 + "1" + ")" * 500 + " == 1}",
    "${" + "9999999999*" * 20 + "1 > 0}",
    "${" + "x + " * 4000 + "x > 0}",
    "${T(java.lang.Runtime).getRuntime().exec('touch " + SENTINEL + "')}",
]
TIMERS = [
    "${" + TOUCH + "}",
    "${x.__class__.__name__}",
    "${'PT' + 9999999999999999999999 + 'S'}",
    "R999999999999/PT0S",
]
DECISION_ENTRIES = [
    TOUCH,
    "__import__('os')",
    "x.__class__",
    "10 ** 10 ** 10",
    "10 ** 400",
    "[" * 200 + "1" + "]" * 200,
]
MAPPINGS = [
    "${" + TOUCH + "}",
    "${execution.__class__.__init__.__globals__}",
    "${x.__getitem__('a')}",
]
SCRIPTS = [
    ("python", TOUCH),
    ("python", "().__class__.__bases__[0].__subclasses__()"),
    ("python", f"open('{SENTINEL}', 'w')"),
    ("python", "x = 10 ** 10 ** 10"),
    ("python", "x = 'x' * 10 ** 10"),
    ("python", "while True:\n    pass"),
    ("python", "import os"),
    ("javascript", "require('child_process').execSync('touch " + SENTINEL + "')"),
    ("javascript", "process.exit(1)"),
    ("javascript", "while (true) {}"),
    ("javascript", "var a = []; while (true) { a.push(new Array(1e6).fill(1)); }"),
    ("javascript", "this.constructor.constructor('return process')().exit()"),
    ("groovy", "'touch " + SENTINEL + "'.execute()"),
]


@pytest.fixture
def engine_on_sqlite(sqlite_template, tmp_path):
    """An engine over a fresh SQLite store (the payloads do not need both databases)."""
    path = tmp_path / "licflow.db"
    shutil.copy(sqlite_template, path)
    store = Store(f"sqlite:///{path}")
    Path(SENTINEL).unlink(missing_ok=True)
    yield Orchestrator(store)
    store.dispose()
    assert not Path(SENTINEL).exists(), "a payload reached the file system"


def _attempt(orchestrator: Orchestrator, documents: dict[str, bytes], variables: dict | None = None) -> str:
    started = time.monotonic()
    with pytest.raises(LicflowError) as refused:
        orchestrator.deploy(documents)
        orchestrator.start_case("escape", None, variables or {"x": "text"}, actor="analyst")
    assert time.monotonic() - started < BOUND_SECONDS
    message = str(refused.value)
    assert message and "Traceback" not in message
    return message


@pytest.mark.parametrize("payload", CONDITIONS, ids=range(len(CONDITIONS)))
def test_a_condition_payload_is_refused_or_fails_clearly(engine_on_sqlite, payload):
    documents = {"escape.bpmn": diagram("escape", [], {"EndEvent_a": payload, "EndEvent_b": "${true}"})}
    _attempt(engine_on_sqlite, documents)


@pytest.mark.parametrize("payload", TIMERS, ids=range(len(TIMERS)))
def test_a_timer_payload_is_refused_or_fails_clearly(engine_on_sqlite, payload):
    wait = step("intermediateCatchEvent", "Event_wait", 'name="Wait"', timer("timeDuration", payload))
    _attempt(engine_on_sqlite, {"escape.bpmn": diagram("escape", [wait])})


@pytest.mark.parametrize("payload", DECISION_ENTRIES, ids=range(len(DECISION_ENTRIES)))
def test_a_decision_entry_payload_is_refused_or_fails_clearly(engine_on_sqlite, payload):
    task = step(
        "businessRuleTask",
        "Activity_decide",
        'name="Decide" camunda:resultVariable="out" camunda:decisionRef="escape_table" '
        'camunda:mapDecisionResult="singleEntry"',
    )
    dmn = (Path(__file__).parent / "diagrams" / "fee.dmn").read_text()
    dmn = dmn.replace('id="fee"', 'id="escape_table"').replace("{hit_policy}", "FIRST")
    dmn = dmn.replace("<text>&lt; 100</text>", f"<text>{escape(payload)}</text>")
    documents = {"escape.bpmn": diagram("escape", [task]), "escape.dmn": dmn.encode()}
    _attempt(engine_on_sqlite, documents, {"amount": 5, "kind": "a", "x": "text"})


@pytest.mark.parametrize("payload", MAPPINGS, ids=range(len(MAPPINGS)))
def test_an_input_mapping_payload_is_refused_at_deploy(engine_on_sqlite, payload):
    mapping = (
        "<bpmn:extensionElements><camunda:inputOutput>"
        f'<camunda:inputParameter name="copied">{escape(payload)}</camunda:inputParameter>'
        "</camunda:inputOutput></bpmn:extensionElements>"
    )
    task = step("userTask", "Activity_review", 'name="Review"', mapping)
    _attempt(engine_on_sqlite, {"escape.bpmn": diagram("escape", [task])})


@pytest.mark.parametrize(("language", "payload"), SCRIPTS, ids=range(len(SCRIPTS)))
def test_a_script_payload_is_refused_or_fails_clearly(engine_on_sqlite, language, payload):
    task = step(
        "scriptTask",
        "Activity_script",
        f'name="Script" scriptFormat="{language}"',
        f"<bpmn:script>{escape(payload)}</bpmn:script>",
    )
    _attempt(engine_on_sqlite, {"escape.bpmn": diagram("escape", [task])})


def test_the_suite_holds_at_least_thirty_payloads():
    assert len(CONDITIONS) + len(TIMERS) + len(DECISION_ENTRIES) + len(MAPPINGS) + len(SCRIPTS) >= 30
